package io.otppipeline.processor;

import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.schemas.kafka.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a sweep tick (key {@link Topics#TICK_KEY}, empty value, header {@link Topics#TICK_HEADER}) to every
 * partition of {@code otp.commands.v1} once per {@code otp.sweep.interval.ms}, so that the {@link ExpirySweep}
 * runs at times the broker stamps into the log; and to every partition of {@code otp.send-gate.v1} and
 * {@code otp.ip-activity.v1}, where the {@link SendGateProcessor} and the {@link IpGuardProcessor} forget windows that
 * lapsed. Every processor instance ticks; extra ticks cost one record
 * each and change nothing (sweeping twice at nearly the same time finds nothing due the second time). A lost
 * tick only delays events until the next one: no answer depends on the sweep.
 */
final class CommandTicker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommandTicker.class);
    /**
     * The topics ticked: the commands (expiry sweep), the send gate's input (lapsed destination windows) and the IP
     * guard's input (lapsed address windows).
     */
    private static final List<String> TICKED = List.of(Topics.COMMANDS.name(), Topics.SEND_GATE.name(),
            Topics.IP_ACTIVITY.name());

    private final KafkaProducer<String, byte[]> producer;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        final Thread t = new Thread(r, "otp-sweep-ticker");
        t.setDaemon(true);
        return t;
    });

    /**
     * Starts ticking.
     *
     * @param kafka the cluster
     * @param intervalMs time between two ticks of one partition, in milliseconds
     */
    CommandTicker(final KafkaConnection kafka, final long intervalMs) {
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
            for (String topic : TICKED) {
                for (PartitionInfo partition : producer.partitionsFor(topic)) {
                    final ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, partition.partition(),
                            Topics.TICK_KEY, new byte[0]);
                    record.headers().add(Topics.TICK_HEADER, "1".getBytes(StandardCharsets.US_ASCII));
                    producer.send(record);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("sweep tick not written ({}); the next one will be", e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        producer.close(Duration.ofSeconds(5));
    }
}
