package io.otppipeline.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import io.otppipeline.schemas.Json;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a database superuser can do to the log, and that {@link AuditVerifier} names each change. */
class AuditTamperTest {

    @RegisterExtension
    static final AuditDatabases DATABASES = new AuditDatabases();

    private JdbcLogin owner;
    private HikariDataSource writer;

    /** Partition 0: seq 1..5 at offsets 0, 2, 4, 6, 8; partition 1: seq 1..3. */
    @BeforeEach
    void writeLog() throws SQLException {
        owner = DATABASES.freshDatabase();
        writer = AuditDatabases.writer(owner);
        final AuditStoreTest.AuditSinkDriver sink = new AuditStoreTest.AuditSinkDriver(writer);
        sink.write(AuditDatabases.records(0, 0, 5));
        sink.write(AuditDatabases.records(1, 0, 3));
    }

    @AfterEach
    void closePool() {
        writer.close();
    }

    @Test
    void shouldFindNothingWhenLogIsUntouched() throws SQLException {
        final AuditVerifier.Report report = new AuditVerifier(writer).verify();

        assertThat(report.intact()).isTrue();
        assertThat(report.rows()).isEqualTo(8);
        assertThat(report.heads()).containsOnlyKeys(0, 1);
        assertThat(report.heads().get(0).seq()).isEqualTo(5);
    }

    @Test
    void shouldNameRowWhenSuperuserUpdatesPayload() throws SQLException {
        AuditDatabases.tamper(owner, "UPDATE audit_event SET payload = jsonb_set(payload, '{data,purpose}', "
                + "'\"password_reset\"') WHERE kafka_partition = 0 AND seq = 3");

        final AuditVerifier.Finding first = firstFinding();

        assertThat(first.kind()).isEqualTo(AuditVerifier.Kind.HASH_MISMATCH);
        assertThat(first.partition()).isZero();
        assertThat(first.seq()).isEqualTo(3);
        assertThat(first.offset()).isEqualTo(4);
    }

    @Test
    void shouldNameGapWhenSuperuserDeletesRow() throws SQLException {
        AuditDatabases.tamper(owner, "DELETE FROM audit_event WHERE kafka_partition = 0 AND seq = 2");

        final AuditVerifier.Finding first = firstFinding();

        assertThat(first.kind()).isEqualTo(AuditVerifier.Kind.GAP);
        assertThat(first.seq()).isEqualTo(3);
        assertThat(first.describe()).contains("sequence numbers 2 to 2 are missing");
    }

    @Test
    void shouldNameGapWhenSuperuserDeletesFirstRow() throws SQLException {
        AuditDatabases.tamper(owner, "DELETE FROM audit_event WHERE kafka_partition = 1 AND seq = 1");

        final AuditVerifier.Finding first = firstFinding();

        assertThat(first.kind()).isEqualTo(AuditVerifier.Kind.GAP);
        assertThat(first.partition()).isEqualTo(1);
        assertThat(first.seq()).isEqualTo(2);
    }

    @Test
    void shouldNameForgedRowWhenSuperuserInsertsOneWithInventedHash() throws SQLException {
        final String user = AuditDatabases.userOn("acme", 0);
        AuditDatabases.tamper(owner, forgedInsert(0, 6, 9, user, "00".repeat(32), "ab".repeat(32)));

        final AuditVerifier.Finding first = firstFinding();

        assertThat(first.kind()).isEqualTo(AuditVerifier.Kind.BROKEN_LINK);
        assertThat(first.seq()).isEqualTo(6);
    }

    @Test
    void shouldNameForeignRowWhenForgedRowIsChainedCorrectlyButBelongsToAnotherPartition() throws Exception {
        final String otherUser = AuditDatabases.userOn("acme", 3);
        final String payload = new String(AuditDatabases.event("acme", otherUser), StandardCharsets.UTF_8);
        final AuditChain.Head head = new AuditVerifier(writer).verify().heads().get(0);
        final AuditChain.Head forged = AuditChain.append(head, 0, 9, payload);
        insertAsSuperuser(0, forged.seq(), 9, payload, head.hash(), forged.hash());

        final AuditVerifier.Finding first = firstFinding();

        assertThat(first.kind()).isEqualTo(AuditVerifier.Kind.FOREIGN_ROW);
        assertThat(first.seq()).isEqualTo(6);
        assertThat(first.detail()).contains("belongs to partition 3");
    }

    @Test
    void shouldNameFirstMovedRowWhenSuperuserReordersRows() throws SQLException {
        AuditDatabases.tamper(owner,
                "UPDATE audit_event SET seq = 100 WHERE kafka_partition = 0 AND seq = 2",
                "UPDATE audit_event SET seq = 2 WHERE kafka_partition = 0 AND seq = 3",
                "UPDATE audit_event SET seq = 3 WHERE kafka_partition = 0 AND seq = 100");

        final AuditVerifier.Finding first = firstFinding();

        assertThat(first.partition()).isZero();
        assertThat(first.seq()).isEqualTo(2);
        assertThat(first.offset()).isEqualTo(4);
        assertThat(first.kind()).isIn(AuditVerifier.Kind.BROKEN_LINK, AuditVerifier.Kind.HASH_MISMATCH);
    }

    @Test
    void shouldNameRowWhenSuperuserEditsQueryColumnOnly() throws SQLException {
        AuditDatabases.tamper(owner, "UPDATE audit_event SET tenant_id = 'other' WHERE kafka_partition = 1 AND seq = 2");

        final AuditVerifier.Finding first = firstFinding();

        assertThat(first.kind()).isEqualTo(AuditVerifier.Kind.FOREIGN_ROW);
        assertThat(first.detail()).contains("columns differ");
    }

    @Test
    void shouldRefuseUpdateDeleteAndTruncateWhenRunAsSinkRole() throws SQLException {
        for (String sql : new String[] {"UPDATE audit_event SET subject = 'x'", "DELETE FROM audit_event",
                "TRUNCATE audit_event", "DELETE FROM audit_rejected"}) {
            try (Connection c = writer.getConnection(); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                        .hasMessageContaining("permission denied");
            }
        }
        assertThat(AuditDatabases.count(writer, "SELECT count(*) FROM audit_event")).isEqualTo(8);
    }

    @Test
    void shouldRefuseUpdateDeleteAndTruncateWhenOwnerLeavesTriggerOn() throws SQLException {
        for (String sql : new String[] {"UPDATE audit_event SET subject = 'x'", "DELETE FROM audit_event",
                "TRUNCATE audit_event", "TRUNCATE audit_rejected"}) {
            try (Connection c = DriverManager.getConnection(owner.url()); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class)
                        .hasMessageContaining("append-only");
            }
        }
        assertThat(AuditDatabases.count(writer, "SELECT count(*) FROM audit_event")).isEqualTo(8);
    }

    private AuditVerifier.Finding firstFinding() throws SQLException {
        final AuditVerifier.Report report = new AuditVerifier(writer).verify();
        assertThat(report.intact()).isFalse();
        return report.findings().get(0);
    }

    private static String forgedInsert(final int partition, final long seq, final long offset, final String user,
                                       final String prevHex, final String hashHex) {
        return "INSERT INTO audit_event (kafka_partition, seq, kafka_offset, event_id, event_type, source, tenant_id, "
                + "subject, event_time, payload, prev_hash, hash) VALUES (" + partition + ", " + seq + ", " + offset
                + ", gen_random_uuid(), 'otp.superseded', '/otp-processor', 'acme', '" + user + "', now(), "
                + "'{}', '\\x" + prevHex + "', '\\x" + hashHex + "')";
    }

    private void insertAsSuperuser(final int partition, final long seq, final long offset, final String payload,
                                   final byte[] prev, final byte[] hash) throws Exception {
        final JsonNode event = Json.mapper().readTree(payload);
        try (Connection c = DriverManager.getConnection(owner.url());
             PreparedStatement s = c.prepareStatement("INSERT INTO audit_event (kafka_partition, seq, kafka_offset, "
                     + "event_id, event_type, source, tenant_id, subject, event_time, payload, prev_hash, hash) "
                     + "VALUES (?, ?, ?, ?::uuid, ?, ?, ?, ?, ?::timestamptz, ?::jsonb, ?, ?)")) {
            s.setInt(1, partition);
            s.setLong(2, seq);
            s.setLong(3, offset);
            s.setString(4, event.get("id").asText());
            s.setString(5, event.get("type").asText());
            s.setString(6, event.get("source").asText());
            s.setString(7, event.get("tenantid").asText());
            s.setString(8, event.get("subject").asText());
            s.setString(9, event.get("time").asText());
            s.setString(10, payload);
            s.setBytes(11, prev);
            s.setBytes(12, hash);
            s.executeUpdate();
        }
    }
}
