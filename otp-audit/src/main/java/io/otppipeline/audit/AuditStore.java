package io.otppipeline.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.event.CloudEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The PostgreSQL side of the audit sink: writes a batch of events and the consumer's next offsets in one
 * transaction, so a crash anywhere leaves either both or neither (no gap, no duplicate on restart).
 */
final class AuditStore {

    /**
     * One record of the events topic, parsed or not.
     *
     * @param partition Kafka partition
     * @param offset Kafka offset
     * @param event the parsed event, or {@code null} if the record is not a valid CloudEvent
     * @param rejection why it is not, or {@code null}
     */
    record Row(int partition, long offset, CloudEvent event, String rejection) {
    }

    private static final String INSERT_EVENT = "INSERT INTO audit_event (event_id, event_type, source, tenant_id, "
            + "subject, event_time, kafka_partition, kafka_offset, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT DO NOTHING";
    private static final String INSERT_REJECTED = "INSERT INTO audit_rejected (kafka_partition, kafka_offset, reason) "
            + "VALUES (?, ?, ?) ON CONFLICT DO NOTHING";
    private static final String UPSERT_OFFSET = "INSERT INTO audit_consumer_offset (topic, kafka_partition, "
            + "next_offset) VALUES (?, ?, ?) ON CONFLICT (topic, kafka_partition) DO UPDATE SET next_offset = "
            + "EXCLUDED.next_offset";

    private final DataSource dataSource;

    AuditStore(final DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The stored next offset per partition of {@code topic}. */
    Map<Integer, Long> nextOffsets(final String topic) throws SQLException {
        final Map<Integer, Long> offsets = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT kafka_partition, next_offset FROM audit_consumer_offset WHERE topic = ?")) {
            s.setString(1, topic);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    offsets.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        return offsets;
    }

    /**
     * Inserts {@code rows} and stores {@code nextOffsets} in one transaction.
     *
     * @throws SQLException if the transaction fails (it is rolled back; nothing was written)
     */
    void write(final String topic, final List<Row> rows, final Map<Integer, Long> nextOffsets) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                insertRows(c, rows);
                storeOffsets(c, topic, nextOffsets);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static void insertRows(final Connection c, final List<Row> rows) throws SQLException {
        try (PreparedStatement events = c.prepareStatement(INSERT_EVENT);
             PreparedStatement rejected = c.prepareStatement(INSERT_REJECTED)) {
            for (Row row : rows) {
                if (row.event() == null) {
                    rejected.setInt(1, row.partition());
                    rejected.setLong(2, row.offset());
                    rejected.setString(3, row.rejection());
                    rejected.addBatch();
                } else {
                    bindEvent(events, row);
                    events.addBatch();
                }
            }
            events.executeBatch();
            rejected.executeBatch();
        }
    }

    private static void bindEvent(final PreparedStatement s, final Row row) throws SQLException {
        final CloudEvent e = row.event();
        s.setObject(1, UUID.fromString(e.id()));
        s.setString(2, e.type());
        s.setString(3, e.source());
        s.setString(4, e.tenantid());
        s.setString(5, e.subject());
        s.setTimestamp(6, Timestamp.from(e.time()));
        s.setInt(7, row.partition());
        s.setLong(8, row.offset());
        try {
            s.setObject(9, Json.mapper().writeValueAsString(e), Types.OTHER);
        } catch (JsonProcessingException ex) {
            throw new SQLException("cannot write event as JSON", ex);
        }
    }

    private static void storeOffsets(final Connection c, final String topic, final Map<Integer, Long> nextOffsets)
            throws SQLException {
        try (PreparedStatement s = c.prepareStatement(UPSERT_OFFSET)) {
            for (Map.Entry<Integer, Long> entry : nextOffsets.entrySet()) {
                s.setString(1, topic);
                s.setInt(2, entry.getKey());
                s.setLong(3, entry.getValue());
                s.addBatch();
            }
            s.executeBatch();
        }
    }
}
