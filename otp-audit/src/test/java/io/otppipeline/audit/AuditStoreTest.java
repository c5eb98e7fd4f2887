package io.otppipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.OtpSupersededData;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AuditStoreTest {

    private static final String TOPIC = "otp.events.v1";
    private static EmbeddedPostgres postgres;
    private static DataSource dataSource;
    private AuditStore store;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
        dataSource = postgres.getPostgresDatabase();
        Flyway.configure().dataSource(dataSource).load().migrate();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("TRUNCATE audit_event, audit_rejected, audit_consumer_offset");
        }
        store = new AuditStore(dataSource);
    }

    @Test
    void shouldStoreRowsAndNextOffsetsTogetherWhenBatchIsWritten() throws SQLException {
        store.write(TOPIC, List.of(row(0, 10), row(0, 11), row(3, 7)), Map.of(0, 12L, 3, 8L));

        assertThat(count("audit_event")).isEqualTo(3);
        assertThat(store.nextOffsets(TOPIC)).containsExactlyInAnyOrderEntriesOf(Map.of(0, 12L, 3, 8L));
    }

    @Test
    void shouldWriteEachEventOnceWhenSameBatchIsWrittenAgain() throws SQLException {
        final List<AuditStore.Row> batch = List.of(row(0, 10), row(0, 11));

        store.write(TOPIC, batch, Map.of(0, 12L));
        store.write(TOPIC, batch, Map.of(0, 12L));

        assertThat(count("audit_event")).isEqualTo(2);
    }

    @Test
    void shouldKeepPositionOfRecordWhenItIsNotACloudEvent() throws SQLException {
        store.write(TOPIC, List.of(new AuditStore.Row(1, 5, null, "not a CloudEvent")), Map.of(1, 6L));

        assertThat(count("audit_rejected")).isEqualTo(1);
        assertThat(store.nextOffsets(TOPIC)).containsEntry(1, 6L);
    }

    @Test
    void shouldRollBackRowsWhenOffsetsCannotBeStored() throws SQLException {
        final Map<Integer, Long> unusableOffsets = new HashMap<>();
        unusableOffsets.put(0, null);

        assertThatThrownBy(() -> store.write(TOPIC, List.of(row(0, 1), row(0, 2)), unusableOffsets))
                .isInstanceOf(NullPointerException.class);

        assertThat(count("audit_event")).isZero();
        assertThat(store.nextOffsets(TOPIC)).isEmpty();
    }

    private static AuditStore.Row row(final int partition, final long offset) {
        return new AuditStore.Row(partition, offset, CloudEvent.of("/otp-processor", EventTypes.OTP_SUPERSEDED,
                "acme", "user-1", Instant.now(), new OtpSupersededData(UUID.randomUUID().toString(),
                        UUID.randomUUID().toString(), "login")), null);
    }

    private static int count(final String table) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
