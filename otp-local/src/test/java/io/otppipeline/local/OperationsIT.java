package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Every service can be operated (docs/OPERATIONS.md): each serves {@code /healthz} and a Prometheus {@code /metrics}
 * that Prometheus' own linter ({@code promtool check metrics}, Debian's {@code prometheus} package, installed by
 * {@code .ci/run}) accepts: help text on every series, one naming scheme. After a code is issued and verified, the
 * series the alert rules in {@code ops/alerts.yml} read are there with values.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ResourceLock(IntegrationLanes.SERVICES)
class OperationsIT {

    @TempDir
    static Path dir;

    private static PipelineFixture fixture;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        fixture = PipelineFixture.start(dir, Map.of("audit.verify.interval.seconds", "1"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    @Order(1)
    void shouldServeLintCleanMetricsAndHealthOnEveryServiceWhenCodesFlow() throws Exception {
        fixture.post("/v1/otp", "{\"userId\":\"ops\",\"channel\":\"email\",\"destination\":\"ops@example.com\","
                + "\"purpose\":\"login\"}");
        final String code = fixture.awaitCodeMailedTo("ops@example.com");
        fixture.post("/v1/otp/verify", "{\"userId\":\"ops\",\"purpose\":\"login\",\"code\":\"" + code + "\"}");
        final Map<String, Integer> ports = fixture.pipeline.metricsPorts();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(scrape(ports.get("otp-processor"))).contains("otp_events_total{channel=\"email\","
                    + "outcome=\"none\",tenant=\"demo\",type=\"otp.issued\"}")
                    .contains("type=\"otp.verification.completed\"").contains("type=\"otp.delivery.sent\"")
                    .contains("otp_verification_age_seconds_count{channel=\"email\"} 1");
            assertThat(scrape(ports.get("otp-audit"))).containsPattern("otp_audit_rows_written_total [1-9]")
                    .containsPattern("otp_audit_last_event_timestamp_seconds [1-9]")
                    .containsPattern("otp_audit_chain_verified_timestamp_seconds [1-9]")
                    .containsPattern("otp_audit_chain_verified_rows [1-9]").contains("otp_audit_chain_breaks 0.0");
        });
        assertThat(scrape(ports.get("otp-processor"))).contains("kafka_stream_alive_stream_threads")
                .contains("kafka_consumer_fetch_manager_records_lag_max").contains("jvm_memory_used_bytes");
        assertThat(scrape(ports.get("otp-api"))).contains("otp_api_decisions_total{operation=\"verify\","
                + "status=\"approved\"}").contains("otp_api_decision_duration_seconds_count")
                .contains("otp_http_server_requests_seconds_count{method=\"POST\",route=\"/v1/otp/verify\",status=\"200\"}")
                .contains("jetty_threads_busy");
        assertThat(scrape(ports.get("otp-notifier"))).contains("otp_notifier_deliveries_total");
        final StringBuilder problems = new StringBuilder();
        for (Map.Entry<String, Integer> service : ports.entrySet()) {
            assertThat(get(service.getValue(), "/healthz").statusCode()).as(service.getKey()).isEqualTo(200);
            final String found = promtoolCheckMetrics(scrape(service.getValue()));
            if (!found.isEmpty()) {
                problems.append(service.getKey()).append(":\n").append(found);
            }
        }
        assertThat(problems.toString()).as("promtool check metrics").isEmpty();
    }

    @Test
    @Order(2)
    void shouldCountBreaksWhenSomebodyAltersAnAuditRow() throws Exception {
        fixture.post("/v1/otp", "{\"userId\":\"tamper\",\"channel\":\"email\",\"destination\":\"t@example.com\","
                + "\"purpose\":\"login\"}");
        final int audit = fixture.pipeline.metricsPorts().get("otp-audit");
        try (Connection c = fixture.infra.connect(fixture.infra.jdbcUrl()); Statement s = c.createStatement()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try (ResultSet rs = s.executeQuery("SELECT count(*) FROM audit_event WHERE subject = 'tamper'")) {
                    return rs.next() && rs.getLong(1) > 0;
                }
            });
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(scrape(audit))
                    .contains("otp_audit_chain_breaks 0.0"));
            s.execute("ALTER TABLE audit_event DISABLE TRIGGER USER");
            assertThat(s.executeUpdate("UPDATE audit_event SET event_type = 'otp.tampered' WHERE subject = 'tamper'"))
                    .isPositive();
            s.execute("ALTER TABLE audit_event ENABLE TRIGGER USER");
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(scrape(audit))
                .containsPattern("otp_audit_chain_breaks [1-9]"));
    }

    private String scrape(final int port) throws IOException, InterruptedException {
        final HttpResponse<String> r = get(port, "/metrics");
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private HttpResponse<String> get(final int port, final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** What {@code promtool check metrics} reports about {@code exposition} (empty when it finds nothing). */
    static String promtoolCheckMetrics(final String exposition) throws IOException, InterruptedException {
        final Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(exposition.getBytes(StandardCharsets.UTF_8));
        }
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0 ? "" : out;
    }
}
