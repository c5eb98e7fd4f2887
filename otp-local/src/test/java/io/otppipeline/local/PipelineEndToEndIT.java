package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.event.EventSchemas;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.testing.LogCapture;
import io.otppipeline.testing.TopicScanner;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The whole pipeline over HTTP on a real broker, a real PostgreSQL and a real SMTP server (GreenMail):
 * request → mail → verify → audit, plus the security invariants that only the whole pipeline can show.
 */
@ResourceLock(IntegrationLanes.SERVICES)
class PipelineEndToEndIT {

    @TempDir
    static Path dir;

    private static PipelineFixture fixture;
    private static ListAppender<ILoggingEvent> logs;

    @BeforeAll
    static void startPipeline() throws Exception {
        logs = LogCapture.start();
        fixture = PipelineFixture.start(dir, Map.of());
    }

    @AfterAll
    static void stopPipeline() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldApproveOnceAuditInOrderAndLeakNothingWhenCodeArrivesByMail() throws Exception {
        final String user = "e2e-" + UUID.randomUUID();
        final String email = "e2e." + UUID.randomUUID().toString().substring(0, 8) + "@example.test";

        final HttpResponse<String> issued = post("/v1/otp", "{\"userId\":\"" + user + "\",\"channel\":\"email\","
                + "\"destination\":\"" + email + "\",\"purpose\":\"login\",\"client\":{\"ip\":\"203.0.113.7\"}}");
        assertThat(issued.statusCode()).isEqualTo(201);
        final JsonNode created = Json.mapper().readTree(issued.body());
        assertThat(created.path("status").asText()).isEqualTo("pending");
        assertThat(created.path("destinationMasked").asText()).contains("***").doesNotContain(email);
        final String otpId = created.path("otpId").asText();

        final String code = fixture.awaitCodeMailedTo(email);
        final String verifyBody = "{\"userId\":\"" + user + "\",\"purpose\":\"login\",\"code\":\"" + code + "\"}";
        final JsonNode first = Json.mapper().readTree(post("/v1/otp/verify", verifyBody).body());
        final JsonNode again = Json.mapper().readTree(post("/v1/otp/verify", verifyBody).body());

        assertThat(first.path("status").asText()).isEqualTo("approved");
        assertThat(first.path("otpId").asText()).isEqualTo(otpId);
        assertThat(again.path("status").asText()).isNotEqualTo("approved");

        final List<String> audited = await().atMost(Duration.ofSeconds(30))
                .until(() -> auditedEvents(user), rows -> rows.size() >= 4);
        assertThat(audited).containsSubsequence(EventTypes.OTP_ISSUED + ":", EventTypes.VERIFICATION_COMPLETED
                + ":approved", EventTypes.VERIFICATION_COMPLETED + ":not_found");
        assertThat(audited).contains(EventTypes.DELIVERY_SENT + ":").hasSize(4);

        assertEveryEventMatchesItsSchema();
        assertNoTopicHolds(code, email);
        assertNoLogLineHolds(code, email);
    }

    @Test
    void shouldAnswerProblemNamingFieldWithoutEchoingValueWhenDestinationIsInvalid() throws Exception {
        final HttpResponse<String> response = post("/v1/otp", "{\"userId\":\"u1\",\"channel\":\"sms\","
                + "\"destination\":\"bob@example.test\",\"purpose\":\"login\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(Json.mapper().readTree(response.body()).path("errors").get(0).path("field").asText())
                .isEqualTo("destination");
        assertThat(response.body()).doesNotContain("bob@example.test");
    }

    @Test
    void shouldRefuseCallerWhenApiKeyIsUnknown() throws Exception {
        final HttpResponse<String> response = fixture.postAsync("/v1/otp/verify", "{}", "otpk_not-a-real-key", null)
                .join();

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
    }

    @Test
    void shouldKeepAnsweringWhenReplyTopicHoldsUnreadableRecords() throws Exception {
        final Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                fixture.infra.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int partition = 0; partition < Topics.REPLIES.partitions(); partition++) {
                producer.send(new ProducerRecord<>(Topics.REPLIES.name(), partition,
                        "garbage".getBytes(StandardCharsets.UTF_8), "{\"type\":\"nonsense\"".getBytes(
                        StandardCharsets.UTF_8))).get();
                producer.send(new ProducerRecord<>(Topics.REPLIES.name(), partition, null, null)).get();
            }
        }

        final String user = "after-garbage";
        final HttpResponse<String> verify = fixture.post("/v1/otp/verify",
                "{\"userId\":\"" + user + "\",\"purpose\":\"login\",\"code\":\"123456\"}");

        assertThat(verify.statusCode()).as(verify.body()).isEqualTo(200);
        assertThat(fixture.get("/readyz").statusCode()).isEqualTo(200);
    }

    @Test
    void shouldReportReadyWhenPipelineRuns() throws Exception {
        final HttpResponse<String> response = fixture.get("/readyz");

        assertThat(response.statusCode()).isEqualTo(200);
    }

    private static List<String> auditedEvents(final String user) throws SQLException {
        final List<String> rows = new ArrayList<>();
        try (Connection c = fixture.infra.connect(fixture.infra.jdbcUrl());
             PreparedStatement s = c.prepareStatement("SELECT event_type, coalesce(payload->'data'->>'outcome', '') "
                     + "FROM audit_event WHERE subject = ? ORDER BY kafka_partition, kafka_offset")) {
            s.setString(1, user);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1) + ":" + rs.getString(2));
                }
            }
        }
        return rows;
    }

    private static void assertEveryEventMatchesItsSchema() throws Exception {
        final List<ConsumerRecord<byte[], byte[]>> events = TopicScanner.readAll(fixture.infra.bootstrapServers(),
                Set.of(Topics.EVENTS.name()));
        assertThat(events).isNotEmpty();
        for (ConsumerRecord<byte[], byte[]> record : events) {
            final JsonNode event = Json.mapper().readTree(record.value());
            assertThat(EventSchemas.validate(event)).as(event.path("type").asText()).isEmpty();
        }
    }

    private static void assertNoTopicHolds(final String code, final String email) throws Exception {
        final Set<String> topics = TopicScanner.allTopics(fixture.infra.bootstrapServers());
        assertThat(topics).contains(Topics.COMMANDS.name(), Topics.DELIVERY.name(),
                "otp-processor-otp-user-state-changelog");
        final Pattern codeToken = Pattern.compile("(?<![0-9])" + code + "(?![0-9])");
        int scanned = 0;
        for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readAll(fixture.infra.bootstrapServers(), topics)) {
            final List<String> parts = new ArrayList<>(List.of(text(r.key()), text(r.value())));
            for (Header h : r.headers()) {
                parts.add(text(h.value()));
            }
            for (String part : parts) {
                assertThat(codeToken.matcher(part).find()).as("code in a record of " + r.topic()).isFalse();
                assertThat(part.toLowerCase(Locale.ROOT)).as("destination in " + r.topic()).doesNotContain(email);
            }
            scanned++;
        }
        assertThat(scanned).isGreaterThan(5);
    }

    private static void assertNoLogLineHolds(final String code, final String email) {
        final Pattern codeToken = Pattern.compile("(?<![0-9])" + code + "(?![0-9])");
        for (ILoggingEvent event : List.copyOf(logs.list)) {
            final String line = event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
            assertThat(codeToken.matcher(line).find()).as("code in log line of " + event.getLoggerName()).isFalse();
            assertThat(line).as("destination in log line of " + event.getLoggerName()).doesNotContain(email);
        }
    }

    private static String text(final byte[] bytes) {
        return bytes == null ? "" : new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static HttpResponse<String> post(final String path, final String json)
            throws IOException, InterruptedException {
        return fixture.post(path, json);
    }
}
