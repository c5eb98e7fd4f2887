package io.otppipeline.runtime.kafka;

import java.time.Duration;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka consumer polled on its own thread until {@link #close()}: subscribe, then hand every batch to a
 * handler. A handler exception stops the loop (and is logged): the services fail loudly instead of skipping
 * records. {@link #close()} wakes the consumer, waits for the thread and closes the consumer.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class PollingLoop<K, V> implements AutoCloseable {

    /** Handles one polled batch (possibly empty). */
    @FunctionalInterface
    public interface BatchHandler<K, V> {
        /** @throws Exception to stop the loop */
        void handle(ConsumerRecords<K, V> records) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PollingLoop.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long JOIN_MS = 15_000;

    private final KafkaConsumer<K, V> consumer;
    private final Consumer<KafkaConsumer<K, V>> subscribe;
    private final BatchHandler<K, V> handler;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param name thread name
     * @param consumer the consumer; owned by the loop from now on
     * @param subscribe subscribes the consumer (called on the loop's thread)
     * @param handler handles each batch (called on the loop's thread)
     */
    public PollingLoop(final String name, final KafkaConsumer<K, V> consumer,
                       final Consumer<KafkaConsumer<K, V>> subscribe, final BatchHandler<K, V> handler) {
        this.consumer = consumer;
        this.subscribe = subscribe;
        this.handler = handler;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /**
     * Milliseconds a fetch may wait at the broker for data ({@code fetch.max.wait.ms}) for readers that assign their
     * partitions themselves, without a consumer group: 5,000. The broker answers a waiting fetch as soon as a record
     * (or a transaction's commit marker, for a read_committed reader) is appended, so a long wait adds no latency; it
     * only makes an idle reader ask ten times less often than Kafka's default of 500 ms (docs/BENCHMARKS.md, idle).
     * Not for a group member: while its fetch waits, partitions a rebalance just assigned are not fetched, which held
     * a freshly started processor for seconds (PerUserRulesIT, 2026-12-07). Below {@code request.timeout.ms}.
     */
    public static final int ASSIGNED_READER_FETCH_MAX_WAIT_MS = 5_000;

    /**
     * Consumer settings of a reader that sees committed transactions only and commits offsets itself.
     *
     * @param kafka the cluster
     * @param groupId consumer group
     * @param autoOffsetReset {@code earliest} or {@code latest}, for a group without committed offsets
     * @return properties to add serdes-free client settings to
     */
    public static Properties readCommittedConsumer(final KafkaConnection kafka, final String groupId,
                                                   final String autoOffsetReset) {
        final Properties p = kafka.properties();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, autoOffsetReset);
        return p;
    }

    /** Starts the thread. */
    public void start() {
        thread.start();
    }

    private void run() {
        try {
            subscribe.accept(consumer);
            while (running) {
                handler.handle(consumer.poll(POLL));
            }
        } catch (WakeupException e) {
            // close() was called
        } catch (Exception e) {
            LOG.error("{} stopped", thread.getName(), e);
        } finally {
            consumer.close();
        }
    }

    /** Whether the loop's thread is still running (false after a handler failure). */
    public boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(JOIN_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
