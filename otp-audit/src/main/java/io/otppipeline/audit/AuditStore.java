package io.otppipeline.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.otppipeline.schemas.Json;
import java.io.IOException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The PostgreSQL side of the audit sink. A batch of records is chained, inserted and (implicitly) positioned in
 * one transaction: the sink's Kafka position is the highest offset stored per partition, so a crash anywhere
 * leaves either the whole batch or none of it, and a restart continues right after the last stored record.
 */
final class AuditStore {

    /**
     * One record of {@code otp.events.v1} as consumed.
     *
     * @param partition Kafka partition
     * @param offset Kafka offset
     * @param value the record value as published (may be {@code null} or not JSON)
     */
    record Incoming(int partition, long offset, byte[] value) {
    }

    /**
     * Where a partition's sink stands.
     *
     * @param nextOffset the offset to read next; 0 when nothing of the partition is stored
     * @param head the end of the partition's chain
     */
    record Position(long nextOffset, AuditChain.Head head) {
    }

    private static final String INSERT_EVENT = "INSERT INTO audit_event (kafka_partition, seq, kafka_offset, "
            + "event_id, event_type, source, tenant_id, subject, event_time, payload, prev_hash, hash) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    private static final String INSERT_REJECTED = "INSERT INTO audit_rejected (kafka_partition, kafka_offset, reason) "
            + "VALUES (?, ?, ?)";
    private static final String LAST_OFFSETS = "SELECT (SELECT max(kafka_offset) FROM audit_event WHERE "
            + "kafka_partition = ?), (SELECT max(kafka_offset) FROM audit_rejected WHERE kafka_partition = ?)";
    private static final String HEAD = "SELECT seq, hash FROM audit_event WHERE kafka_partition = ? "
            + "ORDER BY seq DESC LIMIT 1";
    private static final String KNOWN_IDS = "SELECT event_id FROM audit_event WHERE event_id = ANY (?)";

    /** Duplicate keys are refused: PostgreSQL's jsonb would keep one of them and the hash could not be recomputed. */
    private static final ObjectReader STRICT = Json.mapper().reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final DataSource dataSource;

    AuditStore(final DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The stored position of each of {@code partitions}. */
    Map<Integer, Position> positions(final Collection<Integer> partitions) throws SQLException {
        final Map<Integer, Position> positions = new HashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement last = c.prepareStatement(LAST_OFFSETS);
             PreparedStatement head = c.prepareStatement(HEAD)) {
            for (int partition : partitions) {
                positions.put(partition, new Position(nextOffset(last, partition), head(head, partition)));
            }
        }
        return positions;
    }

    /**
     * Appends {@code records} (in offset order per partition) to the chains ending at {@code heads}, in one
     * transaction. Records that are not complete CloudEvents, or repeat an event id already stored, go to
     * {@code audit_rejected} instead of the chain.
     *
     * @param heads the current head of every partition in {@code records}
     * @return the new heads; valid only because the transaction committed
     * @throws SQLException if the transaction fails (it is rolled back; nothing was written), including when
     *     another writer appended to the same partition meanwhile (primary key on partition and sequence)
     */
    Map<Integer, AuditChain.Head> write(final List<Incoming> records, final Map<Integer, AuditChain.Head> heads,
                                        final WriteListener listener) throws SQLException {
        final List<Parsed> parsed = records.stream().map(AuditStore::parse).toList();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                final Map<Integer, AuditChain.Head> next = insert(c, parsed, knownIds(c, parsed), heads);
                listener.inserted(records.size());
                c.commit();
                listener.committed(records.size());
                return next;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static Map<Integer, AuditChain.Head> insert(final Connection c, final List<Parsed> records,
                                                        final Set<UUID> known, final Map<Integer, AuditChain.Head> heads)
            throws SQLException {
        final Map<Integer, AuditChain.Head> next = new HashMap<>(heads);
        final Set<UUID> seen = new HashSet<>(known);
        try (PreparedStatement events = c.prepareStatement(INSERT_EVENT);
             PreparedStatement rejected = c.prepareStatement(INSERT_REJECTED)) {
            for (Parsed record : records) {
                final Incoming in = record.incoming();
                final String rejection = record.rejection() != null ? record.rejection()
                        : seen.add(record.eventId()) ? null : "duplicate event id " + record.eventId();
                if (rejection != null) {
                    bindRejected(rejected, in, rejection);
                    continue;
                }
                final AuditChain.Head prev = next.getOrDefault(in.partition(), AuditChain.genesis());
                final AuditChain.Head head = AuditChain.append(prev, in.partition(), in.offset(), record.json());
                bindEvent(events, record, prev, head);
                next.put(in.partition(), head);
            }
            events.executeBatch();
            rejected.executeBatch();
        }
        return next;
    }

    private static void bindEvent(final PreparedStatement s, final Parsed record, final AuditChain.Head prev,
                                  final AuditChain.Head head) throws SQLException {
        final JsonNode e = record.event();
        s.setInt(1, record.incoming().partition());
        s.setLong(2, head.seq());
        s.setLong(3, record.incoming().offset());
        s.setObject(4, record.eventId());
        s.setString(5, e.path("type").asText());
        s.setString(6, e.path("source").asText());
        s.setString(7, e.path("tenantid").asText());
        s.setString(8, e.path("subject").asText());
        s.setTimestamp(9, Timestamp.from(record.time()));
        s.setObject(10, record.json(), Types.OTHER);
        s.setBytes(11, prev.hash());
        s.setBytes(12, head.hash());
        s.addBatch();
    }

    private static void bindRejected(final PreparedStatement s, final Incoming in, final String reason)
            throws SQLException {
        s.setInt(1, in.partition());
        s.setLong(2, in.offset());
        s.setString(3, reason);
        s.addBatch();
    }

    private static Set<UUID> knownIds(final Connection c, final List<Parsed> records) throws SQLException {
        final Object[] ids = records.stream().filter(r -> r.rejection() == null).map(Parsed::eventId).toArray();
        final Set<UUID> known = new HashSet<>();
        if (ids.length == 0) {
            return known;
        }
        try (PreparedStatement s = c.prepareStatement(KNOWN_IDS)) {
            final Array array = c.createArrayOf("uuid", ids);
            s.setArray(1, array);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    known.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return known;
    }

    private static long nextOffset(final PreparedStatement s, final int partition) throws SQLException {
        s.setInt(1, partition);
        s.setInt(2, partition);
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            final long event = rs.getLong(1);
            final boolean noEvent = rs.wasNull();
            final long rejected = rs.getLong(2);
            final boolean noRejected = rs.wasNull();
            if (noEvent && noRejected) {
                return 0;
            }
            return Math.max(noEvent ? -1 : event, noRejected ? -1 : rejected) + 1;
        }
    }

    private static AuditChain.Head head(final PreparedStatement s, final int partition) throws SQLException {
        s.setInt(1, partition);
        try (ResultSet rs = s.executeQuery()) {
            return rs.next() ? new AuditChain.Head(rs.getLong(1), rs.getBytes(2)) : AuditChain.genesis();
        }
    }

    /** A record checked for what the chain needs: a JSON object with the CloudEvent attributes we index. */
    private record Parsed(Incoming incoming, String json, JsonNode event, UUID eventId, Instant time,
                          String rejection) {
    }

    private static Parsed parse(final Incoming in) {
        if (in.value() == null) {
            return rejected(in, "empty record");
        }
        final String json = AuditChain.text(in.value());
        final JsonNode event;
        try {
            event = STRICT.readTree(json);
        } catch (IOException e) {
            return rejected(in, "not JSON");
        }
        if (event == null || !event.isObject()) {
            return rejected(in, "not a CloudEvent");
        }
        if (!storable(event)) { // on the parsed text: an escaped backslash before "u0000" is ordinary text
            // PostgreSQL's JSONB refuses NUL and unpaired surrogates: inserting it would fail the whole batch
            // again and again, so the event is kept (by position) in audit_rejected and the log moves on
            return rejected(in, "text PostgreSQL cannot store (NUL or unpaired surrogate)");
        }
        for (String attribute : List.of("specversion", "id", "source", "type", "subject", "time", "tenantid")) {
            if (!event.path(attribute).isTextual() || event.path(attribute).asText().isEmpty()) {
                return rejected(in, "incomplete CloudEvent: no " + attribute);
            }
        }
        try {
            return new Parsed(in, json, event, UUID.fromString(event.get("id").asText()),
                    OffsetDateTime.parse(event.get("time").asText()).toInstant(), null);
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return rejected(in, "CloudEvent id is not a UUID or time is not RFC 3339");
        }
    }

    /** Whether every field name and text of {@code node} is valid Unicode without NUL. */
    private static boolean storable(final JsonNode node) {
        if (node.isTextual()) {
            return storable(node.textValue());
        }
        final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            final Map.Entry<String, JsonNode> field = fields.next();
            if (!storable(field.getKey()) || !storable(field.getValue())) {
                return false;
            }
        }
        for (JsonNode element : node.isArray() ? node : List.<JsonNode>of()) {
            if (!storable(element)) {
                return false;
            }
        }
        return true;
    }

    private static boolean storable(final String text) {
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            if (c == 0 || Character.isLowSurrogate(c)) {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            }
        }
        return true;
    }

    private static Parsed rejected(final Incoming in, final String reason) {
        return new Parsed(in, null, null, null, null, reason);
    }
}
