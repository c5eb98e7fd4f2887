package io.otppipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

class AuditMigrationTest {

    @Test
    void shouldKeepUnchainedRowsAndStartChainEmptyWhenUpgradingFromVersion1() throws Exception {
        try (EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            final DataSource db = postgres.getPostgresDatabase();
            Flyway.configure().dataSource(db).target("1").load().migrate();
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO audit_event (event_id, event_type, source, tenant_id, subject, event_time, "
                        + "kafka_partition, kafka_offset, payload) VALUES (gen_random_uuid(), 'otp.issued', "
                        + "'/otp-processor', 'acme', 'u1', now(), 0, 0, '{}')");
                s.execute("INSERT INTO audit_consumer_offset VALUES ('otp.events.v1', 0, 1)");
            }

            AuditDatabase.migrate(new JdbcLogin(postgres.getJdbcUrl("postgres", "postgres"), "postgres", null));

            try (Connection c = db.getConnection(); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT (SELECT count(*) FROM audit_event_unchained_v1), "
                         + "(SELECT count(*) FROM audit_event)")) {
                rs.next();
                assertThat(rs.getLong(1)).isEqualTo(1);
                assertThat(rs.getLong(2)).isZero();
            }
        }
    }
}
