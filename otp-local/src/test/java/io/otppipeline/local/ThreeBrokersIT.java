package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.zaxxer.hikari.HikariDataSource;
import io.otppipeline.audit.AuditDatabase;
import io.otppipeline.audit.AuditVerifier;
import io.otppipeline.audit.JdbcLogin;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.testing.TopicScanner;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import static org.awaitility.Awaitility.await;

/**
 * Three brokers (KRaft, with a controller of their own), every topic and internal topic with replication factor 3
 * and {@code min.insync.replicas=2}; one broker is shut down under a {@link VerifyingLoad} (an in-process test
 * cluster cannot be SIGKILLed: its node stops with a controlled shutdown, so leadership moves at once rather than
 * after a session timeout). Prints the counts before and after. No accepted code request is lost (each 201 has
 * exactly one {@code otp.issued} event), no decision is doubled (each code is approved once), every code is
 * approved, and the audit chains verify.
 */
@ResourceLock(IntegrationLanes.FAULTS)
class ThreeBrokersIT {

    private static final int RATE = 10;

    @TempDir
    Path dir;

    @Test
    void shouldLoseAndDoubleNothingWhenOneOfThreeBrokersStopsUnderLoad() throws Exception {
        final KafkaClusterTestKit kafka = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(false).setNumBrokerNodes(3).setNumControllerNodes(1).build())
                .setConfigProp("offsets.topic.replication.factor", "3")
                .setConfigProp("transaction.state.log.replication.factor", "3")
                .setConfigProp("transaction.state.log.min.isr", "2")
                .setConfigProp("min.insync.replicas", "2")
                .setConfigProp("default.replication.factor", "3")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        final VerifyingLoad load;
        final Map<String, Long> issuedEvents = new HashMap<>();
        final Map<String, Long> approvals = new HashMap<>();
        final long stoppedAt;
        final int stoppedNode = 1;
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            kafka.format();
            kafka.startup();
            kafka.waitForReadyBrokers();
            final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)
                    .dynamicPort());
            smtp.start();
            final DevSecrets secrets = new DevSecrets(dir.resolve("secrets")).ensure();
            final String jdbc = postgres.getJdbcUrl("postgres", "postgres");
            try (Pipeline pipeline = Pipeline.start(new PipelineSettings(kafka.bootstrapServers(), jdbc, "postgres",
                    null, "127.0.0.1", smtp.getSmtp().getPort(), 0, secrets, dir.resolve("state"), 100,
                    Map.of("kafka.replication.factor", "3", "api.reply.timeout.ms", "10000")))) {
                await().atMost(Duration.ofSeconds(120)).until(pipeline::isReady);
                load = new VerifyingLoad(smtp, secrets.apiKey(), VerifyingLoad.single(pipeline.apiPort()), "rf3-",
                        RATE);
                try {
                    load.settle(5);
                    load.phase("broker " + stoppedNode + " stopped");
                    stoppedAt = System.nanoTime();
                    kafka.brokers().get(stoppedNode).shutdown();
                    // 8 s of load on two brokers (leadership moves at once: controlled shutdown); the checks below
                    // count every request of every phase, and one still unanswered then fails them as well (every
                    // request must have been answered 201)
                    load.settle(8);
                    load.finish();
                } finally {
                    load.close();
                }
                for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readAll(kafka.bootstrapServers(),
                        Set.of(Topics.EVENTS.name()))) {
                    final JsonNode e = Json.mapper().readTree(r.value());
                    final String otpId = e.path("data").path("otpId").asText();
                    if (EventTypes.OTP_ISSUED.equals(e.path("type").asText())) {
                        issuedEvents.merge(otpId, 1L, Long::sum);
                    } else if (EventTypes.VERIFICATION_COMPLETED.equals(e.path("type").asText())
                            && "approved".equals(e.path("data").path("outcome").asText())) {
                        approvals.merge(otpId, 1L, Long::sum);
                    }
                }
                final int rows = load.issued().size();
                await().atMost(Duration.ofSeconds(60)).until(() -> PipelineFixture.auditRows(jdbc) >= 2L * rows);
                try (HikariDataSource db = AuditDatabase.open(new JdbcLogin(jdbc, "postgres", null),
                        AuditDatabase.READER_ROLE, 1, "verify")) {
                    assertThat(new AuditVerifier(db).verify().findings()).as("audit chains").isEmpty();
                }
            } finally {
                smtp.stop();
            }
        } finally {
            kafka.close();
        }
        System.out.println("ThreeBrokersIT: " + load.requested() + " code requests at " + RATE + "/s; broker "
                + stoppedNode + " of 3 stopped after the warm-up");
        load.print("ThreeBrokersIT");
        assertThat(load.total("5xx") + load.total("error")).as("5xx or transport errors").isZero();
        assertThat(load.total("not approved")).as("right codes not approved").isZero();
        assertThat(load.issued()).hasSize(load.requested());
        for (String otpId : load.issued().values()) {
            assertThat(issuedEvents.get(otpId)).as("otp.issued events of " + otpId).isEqualTo(1L);
            assertThat(approvals.get(otpId)).as("approvals of " + otpId).isEqualTo(1L);
        }
        assertThat(stoppedAt).isPositive();
    }
}
