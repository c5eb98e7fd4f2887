package io.otppipeline.audit;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;

/**
 * Appends consumed batches of {@code otp.events.v1} to the per-partition hash chains: the part shared by the live
 * sink ({@link AuditService}) and {@link AuditRebuild}. Not thread-safe: one consumer thread drives it.
 */
final class AuditSink {

    private final AuditStore store;
    private final WriteListener listener;
    private final Map<Integer, AuditChain.Head> heads = new HashMap<>();
    private long rowsWritten;

    AuditSink(final DataSource dataSource, final WriteListener listener) {
        this.store = new AuditStore(dataSource);
        this.listener = listener;
    }

    /**
     * Takes over {@code partitions}: loads their chain heads and stored positions.
     *
     * @return the offset to read next, per partition
     * @throws SQLException if the database cannot be read
     */
    Map<Integer, Long> assign(final Collection<Integer> partitions) throws SQLException {
        final Map<Integer, Long> next = new HashMap<>();
        store.positions(partitions).forEach((partition, position) -> {
            heads.put(partition, position.head());
            next.put(partition, position.nextOffset());
        });
        return next;
    }

    /** Forgets {@code partitions} (their heads are reloaded when they come back). */
    void revoke(final Collection<Integer> partitions) {
        partitions.forEach(heads::remove);
    }

    /**
     * Writes one batch in one transaction; the heads move only once it committed.
     *
     * @throws SQLException if the transaction failed; call {@link #assign} again before the next batch
     */
    void write(final ConsumerRecords<String, byte[]> records) throws SQLException {
        final List<AuditStore.Incoming> incoming = new ArrayList<>(records.count());
        for (ConsumerRecord<String, byte[]> record : records) {
            incoming.add(new AuditStore.Incoming(record.partition(), record.offset(), record.value()));
        }
        heads.putAll(store.write(incoming, heads, listener));
        rowsWritten += incoming.size();
    }

    /** Records written since this sink was created (chained and rejected). */
    long rowsWritten() {
        return rowsWritten;
    }
}
