package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/** What {@code ./otp local} starts by itself: a broker process and PostgreSQL that keep their data across starts. */
@ResourceLock(IntegrationLanes.SERVICES)
class LocalInfrastructureIT {

    @TempDir
    Path dir;

    @Test
    void shouldKeepTopicsWhenBrokerIsRestartedOnSameDataDirectory() throws Exception {
        final int port = LocalKafka.freePorts();
        try (LocalKafka kafka = new LocalKafka(dir.resolve("kafka"), port).start();
             Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic("reuse-check", 1, (short) 1))).all().get();
        }
        assertThat(dir.resolve("kafka/kafka.pid")).doesNotExist();

        try (LocalKafka kafka = new LocalKafka(dir.resolve("kafka"), port).start();
             Admin admin = admin(kafka)) {
            assertThat(admin.listTopics().names().get()).contains("reuse-check");
        }
        assertThat(Files.readString(dir.resolve("kafka/kafka.log"))).contains("Kafka Server started");
    }

    @Test
    void shouldKeepRowsWhenPostgresIsRestartedOnSameDataDirectory() throws Exception {
        final int port = LocalKafka.freePorts();
        try (LocalPostgres postgres = LocalPostgres.start(dir.resolve("pg"), port, dir.resolve("pg.log"));
             Connection c = DriverManager.getConnection(postgres.jdbcUrl());
             Statement s = c.createStatement()) {
            s.execute("CREATE TABLE reuse_check (id int)");
            s.execute("INSERT INTO reuse_check VALUES (42)");
        }
        try (LocalPostgres postgres = LocalPostgres.start(dir.resolve("pg"), port, dir.resolve("pg.log"));
             Connection c = DriverManager.getConnection(postgres.jdbcUrl());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id FROM reuse_check")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(42);
        }
    }

    private static Admin admin(final LocalKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /** A port p with p and p + 1 free (the broker's client and controller listeners). */
}
