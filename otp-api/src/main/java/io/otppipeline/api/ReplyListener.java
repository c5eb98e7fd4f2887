package io.otppipeline.api;

import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.schemas.reply.OtpReply;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code otp.replies.v1} (read_committed) on its own thread and completes the future of the request
 * waiting for each reply. The partitions this instance is assigned are the ones it names in the
 * {@code reply-partition} header of its commands; until it has one, the API is not ready.
 */
final class ReplyListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyListener.class);

    private final KafkaConsumer<String, OtpReply> consumer;
    private final Map<String, CompletableFuture<OtpReply>> waiting = new ConcurrentHashMap<>();
    private final AtomicReference<List<Integer>> assigned = new AtomicReference<>(List.of());
    private final AtomicInteger nextPartition = new AtomicInteger();
    private final Thread thread;
    private volatile boolean running = true;

    ReplyListener(final String bootstrapServers, final String groupId) {
        final Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        consumer = new KafkaConsumer<>(p, Topics.REPLIES.keySerde().deserializer(),
                Topics.REPLIES.valueSerde().deserializer());
        thread = new Thread(this::run, "otp-api-replies");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /**
     * Registers interest in the reply to {@code commandId}; call before sending the command.
     *
     * @return completes with the reply; never times out by itself
     */
    CompletableFuture<OtpReply> expect(final String commandId) {
        final CompletableFuture<OtpReply> future = new CompletableFuture<>();
        waiting.put(commandId, future);
        return future;
    }

    /** Stops waiting for {@code commandId} (after a timeout or a failed send). */
    void forget(final String commandId) {
        waiting.remove(commandId);
    }

    /** A partition this instance reads, round-robin, or {@code -1} if it has none yet. */
    int replyPartition() {
        final List<Integer> partitions = assigned.get();
        if (partitions.isEmpty()) {
            return -1;
        }
        return partitions.get(Math.floorMod(nextPartition.getAndIncrement(), partitions.size()));
    }

    /** Whether replies can reach this instance (it holds at least one reply partition). */
    boolean isReady() {
        return !assigned.get().isEmpty();
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.REPLIES.name()), new Rebalance());
            while (running) {
                for (ConsumerRecord<String, OtpReply> record : consumer.poll(Duration.ofMillis(500))) {
                    final CompletableFuture<OtpReply> future = waiting.remove(record.key());
                    if (future != null && record.value() != null) {
                        future.complete(record.value());
                    }
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("reply listener stopped", e);
        } finally {
            assigned.set(List.of());
            consumer.close();
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(final Collection<TopicPartition> partitions) {
            assigned.set(List.of());
        }

        @Override
        public void onPartitionsAssigned(final Collection<TopicPartition> partitions) {
            partitions.forEach(consumer::position);
            assigned.set(partitions.stream().map(TopicPartition::partition).sorted().toList());
            LOG.info("reply partitions assigned: {}", assigned.get());
        }
    }
}
