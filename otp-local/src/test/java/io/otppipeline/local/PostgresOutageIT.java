package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.zaxxer.hikari.HikariDataSource;
import io.otppipeline.audit.AuditDatabase;
import io.otppipeline.audit.AuditVerifier;
import io.otppipeline.audit.JdbcLogin;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.testing.TestInfrastructure;
import io.otppipeline.testing.TopicScanner;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * PostgreSQL stopped for 40 s under steady load (longer than the audit pool's 30-second connection timeout, HikariCP's
 * default), then started again on the same data directory (docs/RELIABILITY.md): the API keeps answering (it does not
 * use the database), the audit sink waits without dying, and once PostgreSQL is back every event of the topic is in
 * the audit table exactly once and the chains verify. Prints requests during the fault, failed answers, the time the
 * audit log took to catch up, events lost and duplicated.
 *
 * <p>It runs in the services lane, beside a fault test: its one timing bound is a minute for the audit log to catch
 * up, and a stopped database takes no CPU from the other lane.
 */
@ResourceLock(IntegrationLanes.SERVICES)
class PostgresOutageIT {

    private static final int RATE = SteadyLoad.RATE;
    private static final int BEFORE = 5 * RATE;
    private static final int DURING = 40 * RATE;
    private static final int AFTER = 5 * RATE;

    @TempDir
    Path dir;

    @Test
    void shouldLoseNoAuditEventWhenPostgresIsDownLongerThanPoolTimeoutUnderLoad() throws Exception {
        final int pgPort = RestartablePorts.freeRun(1);
        final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        LocalPostgres postgres = LocalPostgres.start(dir.resolve("pg"), pgPort, dir.resolve("pg.log"));
        final String jdbcUrl = postgres.jdbcUrl();
        final DevSecrets secrets = new DevSecrets(dir.resolve("secrets")).ensure();
        final ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        // the broker only: this test's PostgreSQL is the one it stops and starts (LocalPostgres)
        try (TestInfrastructure infra = TestInfrastructure.startKafkaOnly();
             Pipeline pipeline = Pipeline.start(new PipelineSettings(infra.bootstrapServers(), jdbcUrl, "postgres",
                     null, "127.0.0.1", smtp.getSmtp().getPort(), 0, secrets, dir.resolve("state"), 20, Map.of()))) {
            await().atMost(Duration.ofSeconds(90)).until(pipeline::isReady);
            final SteadyLoad steady = new SteadyLoad(load, pipeline.apiPort(), secrets.apiKey(), "load-");
            final AtomicInteger sent = steady.sent;
            final Map<Integer, Integer> statusByRequest = steady.statusByRequest;

            await().atMost(Duration.ofMinutes(1)).until(() -> sent.get() >= BEFORE);
            postgres.close();
            await().atMost(Duration.ofMinutes(3)).until(() -> sent.get() >= BEFORE + DURING);
            postgres = LocalPostgres.start(dir.resolve("pg"), pgPort, dir.resolve("pg.log"));
            final long restartedAt = System.nanoTime();
            await().atMost(Duration.ofMinutes(1)).until(() -> sent.get() >= BEFORE + DURING + AFTER);
            load.shutdown();
            final int total = sent.get();
            await().atMost(Duration.ofMinutes(1)).until(() -> statusByRequest.size() == total);

            final Set<String> published = awaitAuditCaughtUp(infra, jdbcUrl);
            final double recoverySeconds = (System.nanoTime() - restartedAt) / 1e9;
            final long failed = statusByRequest.entrySet().stream()
                    .filter(e -> e.getKey() >= BEFORE && e.getKey() < BEFORE + DURING && e.getValue() != 201).count();
            final Set<String> stored = storedIds(jdbcUrl);
            final long rows = count(jdbcUrl, "SELECT count(*) FROM audit_event");
            final Set<String> lost = new HashSet<>(published);
            lost.removeAll(stored);
            System.out.printf("OutageIT: PostgreSQL down during %d requests (%d/s): %d not 201; audit caught up %.1f s "
                    + "after the restart; %d events: %d lost, %d duplicated%n", DURING, RATE, failed, recoverySeconds,
                    published.size(), lost.size(), rows - stored.size());

            assertThat(statusByRequest.values()).as("the API does not need PostgreSQL").containsOnly(201);
            assertThat(lost).isEmpty();
            assertThat(rows).isEqualTo(stored.size());
            try (HikariDataSource db = AuditDatabase.open(new JdbcLogin(jdbcUrl, "postgres", null),
                    AuditDatabase.READER_ROLE, 1, "verify")) {
                assertThat(new AuditVerifier(db).verify().findings()).isEmpty();
            }
        } finally {
            load.shutdownNow();
            postgres.close();
            smtp.stop();
        }
    }

    /**
     * Waits until every committed event of the topic is in the audit table (or, by position, in audit_rejected),
     * while the notifier may still be adding delivery outcomes; returns the event ids of the topic.
     */
    private static Set<String> awaitAuditCaughtUp(final TestInfrastructure infra, final String jdbcUrl) {
        final Set<String> published = new HashSet<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            published.clear();
            for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readCommitted(infra.bootstrapServers(),
                    Set.of(Topics.EVENTS.name()))) {
                final JsonNode event = Json.mapper().readTree(r.value());
                published.add(event.path("id").asText());
            }
            return count(jdbcUrl, "SELECT count(*) FROM audit_event") >= published.size();
        });
        return published;
    }

    private static Set<String> storedIds(final String jdbcUrl) throws SQLException {
        final Set<String> ids = new HashSet<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT event_id FROM audit_event")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    private static long count(final String jdbcUrl, final String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
