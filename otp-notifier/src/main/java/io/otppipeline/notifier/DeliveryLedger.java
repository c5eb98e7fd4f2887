package io.otppipeline.notifier;

import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.schemas.kafka.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the notifier already finished, so that a restart or a rebalance does not send a code twice
 * ({@code otp.delivery.ledger.v1}). Each finished delivery record's outcome event is written to the ledger
 * partition with the delivery record's partition number, with the record's offset in a
 * {@value #OFFSET_HEADER} header, and acknowledged ({@code acks=all}) before the batch's consumer offsets are
 * committed.
 *
 * <p>In memory the ledger keeps only entries of records past the committed offset, so it holds about one batch
 * per partition. When a delivery partition is assigned with records past its committed offset, the ledger
 * partition is read from the time the first of them was appended (less one minute of clock slack, at most
 * {@code lookback} back) and the entries at or past the committed offset are kept.
 *
 * <p>What it cannot close: a crash after the provider accepted a message and before the ledger acknowledged
 * it (measured by {@code otp.notifier.ledger.lag}) sends that code again on restart.
 */
final class DeliveryLedger implements AutoCloseable {

    static final String OFFSET_HEADER = "delivery-offset";

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLedger.class);
    private static final Serde<CloudEvent> SERDE = Topics.DELIVERY_LEDGER.valueSerde();
    private static final long CLOCK_SLACK_MS = 60_000;

    /** One finished record: its offset on the delivery partition and its outcome. */
    private record Entry(long offset, CloudEvent outcome) {
    }

    private final KafkaConnection kafka;
    private final Duration lookback;
    private final Clock clock;
    private final KafkaProducer<String, CloudEvent> producer;
    private final Map<Integer, Map<String, Entry>> known = new ConcurrentHashMap<>();

    /**
     * @param kafka the cluster
     * @param lookback the furthest back a ledger read starts; at least the longest code lifetime
     */
    DeliveryLedger(final KafkaConnection kafka, final Duration lookback, final Clock clock) {
        this.kafka = kafka;
        this.lookback = lookback;
        this.clock = clock;
        final Properties p = kafka.properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(p, Serdes.String().serializer(), SERDE.serializer());
    }

    /**
     * Loads the entries of newly assigned delivery partitions (blocking, before their first record).
     *
     * @param committed the committed offset (the consumer's position) of each assigned delivery partition
     */
    void load(final Map<Integer, Long> committed) {
        if (committed.isEmpty()) {
            return;
        }
        committed.keySet().forEach(p -> known.put(p, new ConcurrentHashMap<>()));
        final long started = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(readerSettings(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final Map<Integer, Long> from = firstUncommittedAppendTimes(consumer, committed);
            final int kept = read(consumer, from, committed);
            LOG.info("delivery ledger: {} finished records past the committed offsets of partitions {} ({} ms)",
                    kept, committed.keySet(), (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Per partition with records past its committed offset: when to start reading its ledger (epoch ms). */
    private Map<Integer, Long> firstUncommittedAppendTimes(final KafkaConsumer<byte[], byte[]> consumer,
                                                           final Map<Integer, Long> committed) {
        final List<TopicPartition> tps = committed.keySet().stream()
                .map(p -> new TopicPartition(Topics.DELIVERY.name(), p)).toList();
        final Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
        final Map<Integer, Long> from = new HashMap<>();
        final List<TopicPartition> pending = tps.stream()
                .filter(tp -> committed.get(tp.partition()) < ends.get(tp)).toList();
        consumer.assign(pending);
        pending.forEach(tp -> consumer.seek(tp, committed.get(tp.partition())));
        final long floor = clock.millis() - lookback.toMillis();
        // stop at the first record, or at the end: offsets past the committed one may be transaction markers only
        while (pending.stream().anyMatch(tp -> !from.containsKey(tp.partition()) && consumer.position(tp)
                < ends.get(tp))) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                from.putIfAbsent(r.partition(), Math.max(floor, r.timestamp() - CLOCK_SLACK_MS));
                consumer.pause(List.of(new TopicPartition(r.topic(), r.partition())));
            }
        }
        return from;
    }

    private int read(final KafkaConsumer<byte[], byte[]> consumer, final Map<Integer, Long> from,
                     final Map<Integer, Long> committed) {
        final Map<TopicPartition, Long> times = new HashMap<>();
        from.forEach((p, t) -> times.put(new TopicPartition(Topics.DELIVERY_LEDGER.name(), p), t));
        consumer.assign(times.keySet());
        final Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(times);
        final Map<TopicPartition, Long> ends = consumer.endOffsets(times.keySet());
        times.keySet().forEach(tp -> consumer.seek(tp, starts.get(tp) == null ? ends.get(tp)
                : starts.get(tp).offset()));
        int kept = 0;
        while (times.keySet().stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                final Header h = r.headers().lastHeader(OFFSET_HEADER);
                final long offset = h == null || h.value() == null || h.value().length != Long.BYTES ? -1
                        : ByteBuffer.wrap(h.value()).getLong();
                if (offset < committed.get(r.partition())) {
                    continue;
                }
                final CloudEvent outcome = readable(r);
                if (outcome == null) { // a foreign or damaged record: it protects nothing, and must not stop us
                    LOG.warn("unreadable ledger record skipped (partition {}, offset {})", r.partition(), r.offset());
                    continue;
                }
                known.get(r.partition()).put(new String(r.key(), StandardCharsets.UTF_8), new Entry(offset, outcome));
                kept++;
            }
        }
        return kept;
    }

    /** The outcome event of a ledger record, or {@code null} if it has no key or is not one. */
    private static CloudEvent readable(final ConsumerRecord<byte[], byte[]> r) {
        if (r.key() == null || r.value() == null) {
            return null;
        }
        try {
            final CloudEvent event = SERDE.deserializer().deserialize(r.topic(), r.value());
            return event == null || event.type() == null ? null : event;
        } catch (SerializationException e) {
            return null;
        }
    }

    private Properties readerSettings() {
        final Properties c = kafka.properties();
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        return c;
    }

    /** Forgets revoked partitions. */
    void forget(final Collection<Integer> partitions) {
        partitions.forEach(known::remove);
    }

    /** Drops the entries of records before {@code nextOffset}: their offsets are committed. */
    void committed(final int partition, final long nextOffset) {
        final Map<String, Entry> p = known.get(partition);
        if (p != null) {
            p.values().removeIf(e -> e.offset() < nextOffset);
        }
    }

    /** The outcome already recorded for {@code otpId} on {@code partition}, if any. */
    Optional<CloudEvent> recorded(final int partition, final String otpId) {
        final Map<String, Entry> p = known.get(partition);
        final Entry e = p == null ? null : p.get(otpId);
        return e == null ? Optional.empty() : Optional.of(e.outcome());
    }

    /**
     * Records {@code outcome} for the delivery record at {@code partition}/{@code offset} and waits for the
     * broker's acknowledgement.
     *
     * @throws IllegalStateException if the broker did not acknowledge it (the batch then fails and is not
     *     committed)
     */
    void record(final int partition, final long offset, final String otpId, final CloudEvent outcome) {
        final ProducerRecord<String, CloudEvent> r = new ProducerRecord<>(Topics.DELIVERY_LEDGER.name(), partition,
                otpId, outcome);
        r.headers().add(OFFSET_HEADER, ByteBuffer.allocate(Long.BYTES).putLong(offset).array());
        try {
            producer.send(r).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the delivery ledger", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("delivery ledger write failed", e.getCause());
        }
        known.computeIfAbsent(partition, p -> new ConcurrentHashMap<>()).put(otpId, new Entry(offset, outcome));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
