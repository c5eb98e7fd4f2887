package io.otppipeline.processor.streams;

import io.otppipeline.processor.domain.Digits;
import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a sweep tick (key {@link Topics#TICK_KEY}, empty value, header {@link Topics#TICK_HEADER}) once per
 * {@code otp.sweep.interval.ms} to each partition of {@code otp.commands.v1}, {@code otp.send-gate.v1} and
 * {@code otp.ip-activity.v1} whose task in this instance holds work due by now: an entry of its time index (the
 * {@link ExpiryIndex} for the {@link ExpirySweep}, the {@link LapseIndex} of the {@link SendGateProcessor} and of the
 * {@link IpGuardProcessor}) at or before the wall clock. The sweep then runs at a time the broker stamps into the
 * log. A partition with nothing due gets no tick, so an idle pipeline writes no record and commits no transaction
 * (issue 30: idle costs nearly nothing). The first round after a start ticks every partition once: each task then
 * runs its first transaction before the first burst of commands rather than inside it, as the ticks every second
 * used to make it do.
 *
 * <p>The wall clock only decides whether a tick is written, never what a sweep does: the sweep reads the tick's
 * broker timestamp, and a tick that comes early (a broker clock behind this one) finds nothing due and is followed
 * by another a second later. Each instance looks only at the tasks it runs (Kafka Streams' interactive queries on
 * the index stores); a task moving to another instance is ticked there. Extra ticks cost one record each and change
 * nothing (sweeping twice at nearly the same time finds nothing due the second time). A lost tick only delays events
 * until the next one: no answer depends on the sweep.
 */
public final class CommandTicker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommandTicker.class);
    /** The topics ticked, each with the time index its sweep reads: entries {@code <13-digit epoch ms> <key>}. */
    private static final Map<String, String> TICKED = Map.of(
            Topics.COMMANDS.name(), Nodes.EXPIRY_INDEX_STORE,
            Topics.SEND_GATE.name(), Nodes.GATE_LAPSES_STORE,
            Topics.IP_ACTIVITY.name(), Nodes.IP_LAPSES_STORE);

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaStreams streams;
    /** Until a round has been handed to the producer without an error: tick every partition, due or not. */
    private volatile boolean firstRound = true;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "otp-sweep-ticker");
        t.setDaemon(true);
        return t;
    });

    /**
     * Starts ticking.
     *
     * @param kafka the cluster
     * @param intervalMs time between two looks at one partition, in milliseconds
     * @param streams this instance's Kafka Streams, whose index stores say where work is due
     */
    public CommandTicker(final KafkaConnection kafka, final long intervalMs, final KafkaStreams streams) {
        this.streams = streams;
        final Properties p = kafka.properties();
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "otp-sweep-ticker");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        timer.scheduleAtFixedRate(this::tick, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            final long nowMs = System.currentTimeMillis();
            final boolean all = firstRound;
            for (Map.Entry<String, String> ticked : TICKED.entrySet()) {
                final String topic = ticked.getKey();
                for (PartitionInfo partition : producer.partitionsFor(topic)) {
                    if (!all && !dueHere(ticked.getValue(), partition.partition(), nowMs)) {
                        continue;
                    }
                    final ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition.partition(),
                            Topics.TICK_KEY, new byte[0]);
                    record.headers().add(Topics.TICK_HEADER, "1".getBytes(StandardCharsets.US_ASCII));
                    producer.send(record);
                }
            }
            firstRound = false;
        } catch (RuntimeException e) {
            LOG.warn("sweep tick not written ({}); the next one will be", e.getClass().getSimpleName());
        }
    }

    /**
     * Whether this instance's active task for {@code partition} holds an entry of {@code indexStore} due at or before
     * {@code nowMs}. False when the task runs elsewhere, is not running yet, or is restoring. True when the store
     * cannot be asked or read for another reason (an instance in ERROR, a RocksDB failure): an extra tick costs one
     * record, a missing one would stop the sweep.
     */
    private boolean dueHere(final String indexStore, final int partition, final long nowMs) {
        final ReadOnlyKeyValueStore<String, String> index;
        try {
            index = streams.store(StoreQueryParameters.fromNameAndType(indexStore,
                    QueryableStoreTypes.<String, String>keyValueStore()).withPartition(partition));
        } catch (InvalidStateStoreException notHere) {
            return false;
        } catch (RuntimeException unexpected) {
            LOG.debug("could not look into {} partition {}; ticking it anyway", indexStore, partition, unexpected);
            return true;
        }
        try {
            return hasDue(index, nowMs);
        } catch (RuntimeException unexpected) {
            LOG.debug("could not read {} partition {}; ticking it anyway", indexStore, partition, unexpected);
            return true;
        }
    }

    /**
     * Whether a time index (keys {@code <epoch ms as 13 digits> <key>}) holds an entry due at or before {@code nowMs}
     * (epoch milliseconds): one seek.
     */
    static boolean hasDue(final ReadOnlyKeyValueStore<String, String> index, final long nowMs) {
        try (KeyValueIterator<String, String> due = index.range(Digits.zeroPadded(0, 13),
                Digits.zeroPadded(nowMs, 13) + '~')) {
            return due.hasNext();
        } catch (InvalidStateStoreException closedMeanwhile) {
            return false;
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
