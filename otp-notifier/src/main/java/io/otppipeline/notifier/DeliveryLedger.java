package io.otppipeline.notifier;

import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.kafka.Topics;
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
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the notifier already finished, so that a restart or a rebalance does not send a code twice
 * ({@code otp.delivery.ledger.v1}). Each finished delivery record's outcome event is written to the ledger
 * partition with the delivery record's partition number, and acknowledged ({@code acks=all}) before the next
 * record of the batch is considered done and long before the consumer offset is committed. When a delivery
 * partition is assigned, the ledger partition is read back from {@code now - lookback}.
 *
 * <p>What it cannot close: a crash after the provider accepted a message and before the ledger acknowledged
 * it (measured by {@code otp.notifier.ledger.lag}) sends that code again on restart.
 */
final class DeliveryLedger implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryLedger.class);
    private static final Serde<CloudEvent> SERDE = Topics.DELIVERY_LEDGER.valueSerde();

    private final String bootstrapServers;
    private final Duration lookback;
    private final Clock clock;
    private final KafkaProducer<String, CloudEvent> producer;
    private final Map<Integer, Map<String, CloudEvent>> known = new ConcurrentHashMap<>();

    /**
     * @param lookback how far back to read on assignment; at least the longest code lifetime
     */
    DeliveryLedger(final String bootstrapServers, final Duration lookback, final Clock clock) {
        this.bootstrapServers = bootstrapServers;
        this.lookback = lookback;
        this.clock = clock;
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        this.producer = new KafkaProducer<>(p, Serdes.String().serializer(), SERDE.serializer());
    }

    /** Reads the ledger partitions of newly assigned delivery partitions (blocking, before their records). */
    void load(final Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        final long started = System.nanoTime();
        final Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(c, Serdes.String().deserializer(),
                SERDE.deserializer())) {
            final List<TopicPartition> tps = partitions.stream()
                    .map(p -> new TopicPartition(Topics.DELIVERY_LEDGER.name(), p)).toList();
            consumer.assign(tps);
            final Map<TopicPartition, Long> from = new HashMap<>();
            tps.forEach(tp -> from.put(tp, clock.millis() - lookback.toMillis()));
            final Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(from);
            final Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
            int read = 0;
            for (TopicPartition tp : tps) {
                final OffsetAndTimestamp start = starts.get(tp);
                consumer.seek(tp, start == null ? ends.get(tp) : start.offset());
                known.put(tp.partition(), new ConcurrentHashMap<>());
            }
            while (tps.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
                for (ConsumerRecord<String, CloudEvent> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null) {
                        known.get(r.partition()).put(r.key(), r.value());
                        read++;
                    }
                }
            }
            LOG.info("delivery ledger: {} finished codes read for partitions {} in {} ms", read, partitions,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Forgets revoked partitions. */
    void forget(final Collection<Integer> partitions) {
        partitions.forEach(known::remove);
    }

    /** The outcome already recorded for {@code otpId} on {@code partition}, if any. */
    Optional<CloudEvent> recorded(final int partition, final String otpId) {
        final Map<String, CloudEvent> p = known.get(partition);
        return p == null ? Optional.empty() : Optional.ofNullable(p.get(otpId));
    }

    /**
     * Records {@code outcome} for {@code otpId} and waits for the broker's acknowledgement.
     *
     * @throws IllegalStateException if the broker did not acknowledge it (the batch then fails and is not
     *     committed)
     */
    void record(final int partition, final String otpId, final CloudEvent outcome) {
        try {
            producer.send(new ProducerRecord<>(Topics.DELIVERY_LEDGER.name(), partition, otpId, outcome)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the delivery ledger", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("delivery ledger write failed", e.getCause());
        }
        known.computeIfAbsent(partition, p -> new ConcurrentHashMap<>()).put(otpId, outcome);
    }

    /** Drops entries older than the lookback, so memory follows the send rate, not uptime. */
    void prune() {
        final long cutoff = clock.millis() - lookback.toMillis();
        known.values().forEach(m -> m.values().removeIf(e -> e.time().toEpochMilli() < cutoff));
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
