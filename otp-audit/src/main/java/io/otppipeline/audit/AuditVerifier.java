package io.otppipeline.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.kafka.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.common.utils.Utils;

/**
 * Recomputes every hash chain of the audit log ({@link AuditChain}) and reports each break: a row whose content
 * no longer matches its hash, a row that does not link to the one before, missing sequence numbers, a row whose
 * key belongs to another partition or whose query columns disagree with the hashed event. Reads with a cursor,
 * so memory does not grow with the table.
 *
 * <p>What it cannot see from the database alone: rows removed from the end of a chain, or rows appended with
 * correctly recomputed hashes. Compare the reported heads with a copy kept elsewhere, or rebuild from the topic
 * ({@link AuditRebuild}) and compare.
 */
public final class AuditVerifier {

    /** What went wrong with a row. */
    public enum Kind {
        /** The row's content (payload, position) no longer hashes to its stored hash. */
        HASH_MISMATCH,
        /** The row's prev_hash is not the hash of the row before it: a row was removed, inserted or moved. */
        BROKEN_LINK,
        /** Sequence numbers are missing before this row. */
        GAP,
        /** Offsets do not increase along the chain. */
        OUT_OF_ORDER,
        /** The row cannot have been read from its partition, or its columns are not the hashed event's. */
        FOREIGN_ROW
    }

    /**
     * One break.
     *
     * @param kind what is wrong
     * @param partition Kafka partition of the row
     * @param seq its sequence number
     * @param offset its Kafka offset
     * @param eventId its event id
     * @param detail a sentence for people
     */
    public record Finding(Kind kind, int partition, long seq, long offset, UUID eventId, String detail) {

        /** One line: where, what, why. */
        public String describe() {
            return String.format(java.util.Locale.ROOT, "partition %d seq %d (offset %d, event %s): %s: %s",
                    partition, seq, offset, eventId, kind, detail);
        }
    }

    /**
     * The outcome.
     *
     * @param rows rows read
     * @param heads the last row of every partition, as stored (anchor these elsewhere to detect truncation)
     * @param findings every break, in chain order; the first is the first broken row
     */
    public record Report(long rows, Map<Integer, AuditChain.Head> heads, List<Finding> findings) {

        /** Whether no break was found. */
        public boolean intact() {
            return findings.isEmpty();
        }
    }

    private static final String ROWS = "SELECT kafka_partition, seq, kafka_offset, event_id, event_type, source, "
            + "tenant_id, subject, event_time, payload::text, prev_hash, hash FROM audit_event "
            + "ORDER BY kafka_partition, seq";
    private static final int FETCH_SIZE = 1_000;

    private final DataSource dataSource;
    private final int partitions;

    /**
     * @param partitions partition count of {@code otp.events.v1}, to check that each row's key belongs to its
     *     partition (Kafka's default partitioner: murmur2 of the key modulo the count)
     */
    public AuditVerifier(final DataSource dataSource, final int partitions) {
        this.dataSource = dataSource;
        this.partitions = partitions;
    }

    /** With the partition count of {@link Topics#EVENTS}. */
    public AuditVerifier(final DataSource dataSource) {
        this(dataSource, Topics.EVENTS.partitions());
    }

    /**
     * Reads every row once.
     *
     * @throws SQLException if the database cannot be read
     */
    public Report verify() throws SQLException {
        final List<Finding> findings = new ArrayList<>();
        final Map<Integer, AuditChain.Head> heads = new TreeMap<>();
        long rows = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (PreparedStatement s = c.prepareStatement(ROWS)) {
                s.setFetchSize(FETCH_SIZE);
                try (ResultSet rs = s.executeQuery()) {
                    Row previous = null;
                    while (rs.next()) {
                        final Row row = Row.read(rs);
                        check(previous != null && previous.partition() == row.partition() ? previous : null, row,
                                findings);
                        heads.put(row.partition(), new AuditChain.Head(row.seq(), row.hash()));
                        previous = row;
                        rows++;
                    }
                }
            } finally {
                c.rollback();
            }
        }
        return new Report(rows, heads, List.copyOf(findings));
    }

    private void check(final Row previous, final Row row, final List<Finding> findings) {
        final long expectedSeq = previous == null ? 1 : previous.seq() + 1;
        final byte[] expectedPrev = previous == null ? AuditChain.genesis().hash() : previous.hash();
        if (row.seq() != expectedSeq) {
            findings.add(row.finding(Kind.GAP, "sequence numbers " + expectedSeq + " to " + (row.seq() - 1)
                    + " are missing (rows deleted)"));
        } else if (!Arrays.equals(row.prevHash(), expectedPrev)) {
            findings.add(row.finding(Kind.BROKEN_LINK, "prev_hash is not the hash of the row before it "
                    + "(a row was removed, inserted or moved here)"));
        }
        if (previous != null && row.offset() <= previous.offset()) {
            findings.add(row.finding(Kind.OUT_OF_ORDER, "offset " + row.offset() + " does not follow offset "
                    + previous.offset() + " of the row before"));
        }
        final byte[] recomputed;
        try {
            recomputed = AuditChain.hash(row.prevHash(),
                    AuditChain.canonical(row.partition(), row.offset(), row.seq(), row.payload()));
        } catch (IllegalArgumentException e) {
            findings.add(row.finding(Kind.HASH_MISMATCH, "payload cannot be canonicalized"));
            return;
        }
        if (!Arrays.equals(recomputed, row.hash())) {
            findings.add(row.finding(Kind.HASH_MISMATCH, "content or position differs from what was hashed "
                    + "(modified after it was written)"));
        }
        final String foreign = foreignReason(row);
        if (foreign != null) {
            findings.add(row.finding(Kind.FOREIGN_ROW, foreign));
        }
    }

    private String foreignReason(final Row row) {
        final JsonNode event;
        try {
            event = Json.mapper().readTree(row.payload());
        } catch (IOException e) {
            return "payload is not JSON";
        }
        if (!row.eventId().toString().equals(event.path("id").asText())
                || !row.type().equals(event.path("type").asText())
                || !row.source().equals(event.path("source").asText())
                || !row.tenant().equals(event.path("tenantid").asText())
                || !row.subject().equals(event.path("subject").asText())
                || !sameInstant(row.time(), event.path("time").asText())) {
            return "its columns differ from the hashed event";
        }
        final byte[] key = Topics.userKey(row.tenant(), row.subject()).getBytes(StandardCharsets.UTF_8);
        final int expected = Utils.toPositive(Utils.murmur2(key)) % partitions;
        if (expected != row.partition()) {
            return "its key belongs to partition " + expected + ": it was not read from partition " + row.partition();
        }
        return null;
    }

    private static boolean sameInstant(final OffsetDateTime column, final String attribute) {
        try {
            return column.toInstant().equals(OffsetDateTime.parse(attribute).toInstant());
        } catch (java.time.format.DateTimeParseException e) {
            return false;
        }
    }

    /** One row as read. */
    private record Row(int partition, long seq, long offset, UUID eventId, String type, String source, String tenant,
                       String subject, OffsetDateTime time, String payload, byte[] prevHash, byte[] hash) {

        static Row read(final ResultSet rs) throws SQLException {
            return new Row(rs.getInt(1), rs.getLong(2), rs.getLong(3), rs.getObject(4, UUID.class), rs.getString(5),
                    rs.getString(6), rs.getString(7), rs.getString(8), rs.getObject(9, OffsetDateTime.class),
                    rs.getString(10), rs.getBytes(11), rs.getBytes(12));
        }

        Finding finding(final Kind kind, final String detail) {
            return new Finding(kind, partition, seq, offset, eventId, detail);
        }
    }
}
