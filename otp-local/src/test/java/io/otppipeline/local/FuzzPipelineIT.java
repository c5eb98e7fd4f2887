package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.testing.TopicScanner;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Hostile requests against the whole pipeline (docs/RELIABILITY.md): valid bodies whose text fields are replaced by
 * hostile strings (control characters, unpaired surrogates, emoji, escaped NUL text, huge strings, separators).
 * Whatever otp-api accepts must flow through: afterwards every committed event of the topic is in the audit table
 * (none rejected: text PostgreSQL cannot store never gets past the edge) and normal requests still work. The
 * API's own, larger fuzz run is {@code ApiFuzzPropertyTest}; this one proves the rest of the pipeline.
 */
@ResourceLock(IntegrationLanes.SERVICES)
class FuzzPipelineIT {

    private static final int CASES = 400;
    private static final List<String> HOSTILE = List.of("\\u0000", "\\ud800", "\\udfff x", "\\u001b[31m",
            "\\u2028", "😀bc", "\\\\u0000", "../..", "a:b", "%00", "x".repeat(600), "\\\"", "\\u202e", "ǅ");
    private static final List<String> TEMPLATES = List.of(
            "{\"userId\":\"%s\",\"channel\":\"email\",\"destination\":\"fz-%d@example.test\",\"purpose\":\"login\","
                    + "\"client\":{\"ip\":\"203.0.113.9\",\"userAgent\":\"%s\"}}",
            "{\"userId\":\"fz-%2$d\",\"channel\":\"email\",\"destination\":\"%1$s@example.test\",\"purpose\":\"login\","
                    + "\"client\":{\"userAgent\":\"%3$s\"}}",
            "{\"userId\":\"fz-%2$d\",\"purpose\":\"login\",\"code\":\"123456\",\"client\":{\"userAgent\":\"%1$s%3$s\"}}",
            "{\"userId\":\"fz-%2$d\",\"channel\":\"email\",\"destination\":\"fz-%2$d@example.test\",\"purpose\":\"login\","
                    + "\"locale\":\"%1$s\",\"client\":{\"userAgent\":\"agent %3$s\"}}");

    @TempDir
    static Path dir;

    private static PipelineFixture fixture;

    @BeforeAll
    static void startPipeline() throws Exception {
        fixture = PipelineFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldAuditEveryEventOfAcceptedRequestsWhenRequestsCarryHostileText() throws Exception {
        final Random random = new Random(20261201);
        int accepted = 0;
        for (int i = 0; i < CASES; i++) {
            final String template = TEMPLATES.get(random.nextInt(TEMPLATES.size()));
            final String body = String.format(template, HOSTILE.get(random.nextInt(HOSTILE.size())), i,
                    HOSTILE.get(random.nextInt(HOSTILE.size())));
            final String path = template.contains("\"code\"") ? "/v1/otp/verify" : "/v1/otp";
            final HttpResponse<String> r = fixture.post(path, body);
            assertThat(r.statusCode()).as(body).isIn(200, 201, 400, 429);
            if (r.statusCode() < 300) {
                accepted++;
            }
        }
        assertThat(fixture.post("/v1/otp", "{\"userId\":\"after-fuzz\",\"channel\":\"email\",\"destination\":"
                + "\"after-fuzz@example.test\",\"purpose\":\"login\"}").statusCode()).isEqualTo(201);

        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
                count("SELECT count(*) FROM audit_event") + count("SELECT count(*) FROM audit_rejected")
                        >= TopicScanner.readCommitted(fixture.infra.bootstrapServers(), Set.of(Topics.EVENTS.name()))
                        .size());
        final long events = TopicScanner.readCommitted(fixture.infra.bootstrapServers(), Set.of(Topics.EVENTS.name()))
                .size();
        System.out.printf("FuzzPipelineIT: %d hostile requests, %d accepted; %d events, all audited%n", CASES,
                accepted, events);
        assertThat(accepted).as("the hostile text that is valid text gets through").isPositive();
        assertThat(count("SELECT count(*) FROM audit_rejected")).as("nothing the audit log cannot store").isZero();
        assertThat(count("SELECT count(*) FROM audit_event")).isGreaterThanOrEqualTo(events);
    }

    private static long count(final String sql) throws SQLException {
        try (Connection c = fixture.infra.connect(fixture.infra.jdbcUrl()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
