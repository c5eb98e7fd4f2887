package io.otppipeline.processor;

import io.otppipeline.processor.domain.DecisionKeys;
import io.otppipeline.processor.domain.OtpDecisions;
import io.otppipeline.processor.gate.SendGate;
import io.otppipeline.processor.guard.IpGuard;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.kafka.TopicAdmin;
import java.time.Duration;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** otp-processor as a running service: the Kafka Streams instance, its sweep ticker, and their lifecycle. */
public final class ProcessorService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorService.class);

    private final KafkaStreams streams;
    private final CommandTicker ticker;

    private ProcessorService(final KafkaStreams streams, final CommandTicker ticker) {
        this.streams = streams;
        this.ticker = ticker;
    }

    /**
     * Creates missing topics, loads the keyrings and starts the topology.
     *
     * @throws IllegalStateException if a keyring cannot be read or a topic cannot be created
     */
    public static ProcessorService start(final ProcessorConfig config) {
        TopicAdmin.ensureTopics(config.bootstrapServers(), config.replicationFactor());
        final DecisionKeys keys = DecisionKeys.of(Keyring.load(config.commandKeyring()),
                Keyring.load(config.deliveryKeyring()), Keyring.load(config.pepperKeyring()),
                Keyring.load(config.factorKeyring()));
        final Stages stages = new Stages(new OtpDecisions(config.rules(), keys),
                new SendGate(config.gate(), keys.pepper()), new IpGuard(config.ipGuard()));
        final KafkaStreams streams = new KafkaStreams(OtpTopology.build(stages, config.inMemoryStores()),
                config.streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        final CommandTicker ticker = new CommandTicker(config.bootstrapServers(), config.rules().sweepIntervalMs());
        LOG.info("otp-processor started (application id {}, commit interval {} ms)", config.applicationId(),
                config.commitIntervalMs());
        return new ProcessorService(streams, ticker);
    }

    /** Whether the Streams instance is running (all tasks assigned and restored). */
    public boolean isRunning() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * Stops processing and leaves the consumer group, so that a restarted instance gets the partitions at
     * once instead of after the session timeout (45 s by default).
     */
    @Override
    public void close() {
        ticker.close();
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
}
