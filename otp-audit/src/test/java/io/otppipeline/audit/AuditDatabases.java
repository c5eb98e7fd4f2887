package io.otppipeline.audit;

import com.zaxxer.hikari.HikariDataSource;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.OtpSupersededData;
import io.otppipeline.schemas.kafka.Topics;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL for the audit tests, registered as a JUnit extension ({@code @RegisterExtension static}): one
 * server per test class, one freshly migrated database per test, a pool acting as the sink's role and a superuser
 * connection for tampering.
 */
final class AuditDatabases implements BeforeAllCallback, AfterAllCallback {

    private static final AtomicInteger NEXT_DB = new AtomicInteger();

    private EmbeddedPostgres postgres;

    @Override
    public void beforeAll(final ExtensionContext context) throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @Override
    public void afterAll(final ExtensionContext context) throws Exception {
        postgres.close();
    }

    /** A new, migrated, empty database; returns the superuser login to it. */
    JdbcLogin freshDatabase() throws SQLException {
        final String name = "audit_" + NEXT_DB.incrementAndGet();
        try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        final JdbcLogin owner = new JdbcLogin(postgres.getJdbcUrl("postgres", name), "postgres", null);
        AuditDatabase.migrate(owner);
        return owner;
    }

    static HikariDataSource writer(final JdbcLogin login) {
        return AuditDatabase.open(login, AuditDatabase.WRITER_ROLE, 2, "test-writer");
    }

    /** Runs {@code sql} as the superuser with the append-only triggers switched off: what a rogue DBA can do. */
    static void tamper(final JdbcLogin owner, final String... sql) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(owner.url()); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE audit_event DISABLE TRIGGER USER");
            for (String statement : sql) {
                s.execute(statement);
            }
            s.execute("ALTER TABLE audit_event ENABLE TRIGGER USER");
        }
    }

    static long count(final DataSource dataSource, final String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The partition Kafka's default partitioner gives {@code tenant:user} on {@code otp.events.v1}. */
    static int partitionOf(final String tenant, final String user) {
        return Utils.toPositive(Utils.murmur2(Topics.userKey(tenant, user).getBytes(StandardCharsets.UTF_8)))
                % Topics.EVENTS.partitions();
    }

    /** A user id of {@code tenant} whose key lands on {@code partition}. */
    static String userOn(final String tenant, final int partition) {
        for (int i = 0; ; i++) {
            if (partitionOf(tenant, "user-" + i) == partition) {
                return "user-" + i;
            }
        }
    }

    /** A published event of {@code user}, as the processor writes it. */
    static byte[] event(final String tenant, final String user) {
        final CloudEvent event = CloudEvent.of("/otp-processor", EventTypes.OTP_SUPERSEDED, tenant, user,
                Instant.parse("2026-11-21T10:00:00Z"), new OtpSupersededData(UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(), "login"));
        try {
            return Json.mapper().writeValueAsBytes(event);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code count} events of one user of {@code partition} at offsets {@code first, first + 2, ...}. */
    static List<AuditStore.Incoming> records(final int partition, final long first, final int count) {
        final String user = userOn("acme", partition);
        final List<AuditStore.Incoming> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(new AuditStore.Incoming(partition, first + 2L * i, event("acme", user)));
        }
        return records;
    }
}
