package io.otppipeline.audit;

import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.schemas.kafka.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Reads a fixed range of every partition of {@code otp.events.v1} once, without a consumer group and without
 * committing: from an offset found by timestamp (or the beginning) to the end offsets seen when it started (or an
 * offset found by timestamp). Committed transactions only. Used by replay and rebuild.
 */
final class TopicRange implements AutoCloseable {

    /** Handles one polled batch. */
    interface Batches {
        void accept(ConsumerRecords<String, byte[]> records) throws Exception;
    }

    private static final Duration POLL = Duration.ofMillis(200);
    private static final String TOPIC = Topics.EVENTS.name();

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<TopicPartition, Long> start = new HashMap<>();
    private final Map<TopicPartition, Long> end = new HashMap<>();

    /**
     * @param kafka the cluster
     * @param from first record timestamp to read (Kafka record time, inclusive); {@code null} for the beginning
     * @param to record timestamp to stop before (exclusive); {@code null} for the end offsets at start
     * @throws org.apache.kafka.common.KafkaException if the broker cannot be reached
     */
    TopicRange(final KafkaConnection kafka, final Instant from, final Instant to) {
        final Properties p = kafka.properties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
        consumer = new KafkaConsumer<>(p, Serdes.String().deserializer(), Serdes.ByteArray().deserializer());
        final List<TopicPartition> partitions = consumer.partitionsFor(TOPIC).stream()
                .map(info -> new TopicPartition(TOPIC, info.partition())).toList();
        consumer.assign(partitions);
        end.putAll(consumer.endOffsets(partitions));
        start.putAll(from == null ? consumer.beginningOffsets(partitions) : offsetsAt(partitions, from));
        if (to != null) {
            offsetsAt(partitions, to).forEach((tp, offset) -> end.merge(tp, offset, Math::min));
        }
        start.forEach(consumer::seek);
    }

    /** The first offset at or after {@code time} per partition; the end offset where there is none. */
    private Map<TopicPartition, Long> offsetsAt(final List<TopicPartition> partitions, final Instant time) {
        final Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(tp -> query.put(tp, time.toEpochMilli()));
        final Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        partitions.forEach(tp -> offsets.put(tp, found.get(tp) == null ? end.get(tp) : found.get(tp).offset()));
        return offsets;
    }

    /** Partition numbers of the topic. */
    List<Integer> partitions() {
        return start.keySet().stream().map(TopicPartition::partition).sorted().toList();
    }

    /**
     * Polls until every partition reached its end, handing each batch (records past the end removed) to
     * {@code batches}, and prints a progress line to {@code progress} every {@code every}.
     *
     * @return records handed over
     * @throws Exception what {@code batches} throws
     */
    long read(final Batches batches, final PrintWriter progress, final Duration every, final String name)
            throws Exception {
        long read = 0;
        long nextReport = System.nanoTime() + every.toNanos();
        while (!done()) {
            final ConsumerRecords<String, byte[]> polled = consumer.poll(POLL);
            final ConsumerRecords<String, byte[]> inRange = trim(polled);
            if (!inRange.isEmpty()) {
                batches.accept(inRange);
                read += inRange.count();
            }
            if (System.nanoTime() >= nextReport) {
                progress.printf(Locale.ROOT, "%s: %d records read, %d left%n", name, read, remaining());
                progress.flush();
                nextReport = System.nanoTime() + every.toNanos();
            }
        }
        return read;
    }

    private ConsumerRecords<String, byte[]> trim(final ConsumerRecords<String, byte[]> polled) {
        final Map<TopicPartition, List<org.apache.kafka.clients.consumer.ConsumerRecord<String, byte[]>>> kept =
                new HashMap<>();
        for (TopicPartition tp : polled.partitions()) {
            final long limit = end.get(tp);
            final var records = polled.records(tp).stream().filter(r -> r.offset() < limit).toList();
            if (!records.isEmpty()) {
                kept.put(tp, records);
            }
        }
        return new ConsumerRecords<>(kept, Map.of());
    }

    private boolean done() {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private long remaining() {
        return end.entrySet().stream().mapToLong(e -> Math.max(0, e.getValue() - consumer.position(e.getKey())))
                .sum();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
