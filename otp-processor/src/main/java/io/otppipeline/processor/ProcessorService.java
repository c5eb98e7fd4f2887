package io.otppipeline.processor;

import io.otppipeline.processor.streams.CommandTicker;
import io.otppipeline.processor.streams.OtpTopology;
import io.otppipeline.processor.streams.Stages;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.otppipeline.processor.domain.DecisionKeys;
import io.otppipeline.processor.domain.OtpDecisions;
import io.otppipeline.processor.gate.SendGate;
import io.otppipeline.processor.guard.IpGuard;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.runtime.ops.JvmMeters;
import io.otppipeline.runtime.ops.OpsEndpoint;
import io.otppipeline.runtime.ops.ServiceLifecycle;
import java.time.Duration;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * otp-processor as a running service: the Kafka Streams instance, its sweep ticker, its operations endpoint
 * ({@code /healthz}: 503 once Streams is in ERROR or shut down; {@code /readyz}: RUNNING; {@code /metrics}: the
 * event and dead-letter counts of {@link MetricsProcessor}, Kafka Streams' own metrics (consumer lag, commit and
 * process rates, task states) and the JVM's), and their lifecycle.
 */
public final class ProcessorService implements ServiceLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessorService.class);

    private final KafkaStreams streams;
    private final CommandTicker ticker;
    private final KafkaStreamsMetrics streamsMetrics;
    private final OpsEndpoint ops;

    private ProcessorService(final KafkaStreams streams, final CommandTicker ticker,
                             final KafkaStreamsMetrics streamsMetrics, final OpsEndpoint ops) {
        this.streams = streams;
        this.ticker = ticker;
        this.streamsMetrics = streamsMetrics;
        this.ops = ops;
    }

    /**
     * Creates missing topics, loads the keyrings and starts the topology.
     *
     * @throws IllegalStateException if a keyring cannot be read or a topic cannot be created
     */
    public static ProcessorService start(final ProcessorConfig config) {
        config.kafka().ensureTopics();
        final DecisionKeys keys = DecisionKeys.of(Keyring.load(config.commandKeyring()),
                Keyring.load(config.deliveryKeyring()), Keyring.load(config.pepperKeyring()),
                Keyring.load(config.factorKeyring()));
        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmMeters.bindTo(meters);
        final Stages stages = new Stages(new OtpDecisions(config.rules(), keys),
                new SendGate(config.gate(), keys.pepper(), config.rules().mailboxes()), new IpGuard(config.ipGuard()), meters);
        final KafkaStreams streams = new KafkaStreams(OtpTopology.build(stages, config.inMemoryStores()),
                config.streamsProperties());
        streams.setUncaughtExceptionHandler(new ThreadReplacements(config.threadReplacements(),
                System::currentTimeMillis, meters));
        final KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        streams.start();
        final CommandTicker ticker = new CommandTicker(config.kafka(), config.rules().sweepIntervalMs(), streams);
        final OpsEndpoint ops = config.httpPort() < 0 ? null : OpsEndpoint.start(config.httpHost(), config.httpPort(),
                () -> alive(streams.state()), () -> streams.state() == KafkaStreams.State.RUNNING, meters::scrape);
        LOG.info("rules configured for purposes {}; send-gate budgets configured for tenants {}",
                config.rules().purposes().keySet(), config.gate().tenants().keySet());
        LOG.info("otp-processor started (application id {}, commit interval {} ms, /metrics on port {})",
                config.applicationId(), config.commitIntervalMs(), ops == null ? "none" : ops.port());
        return new ProcessorService(streams, ticker, streamsMetrics, ops);
    }

    /** Liveness: every state but ERROR, PENDING_ERROR and NOT_RUNNING (shut down) can still reach RUNNING. */
    private static boolean alive(final KafkaStreams.State state) {
        return state != KafkaStreams.State.ERROR && state != KafkaStreams.State.PENDING_ERROR
                && state != KafkaStreams.State.NOT_RUNNING;
    }

    /** Port of {@code /healthz}, {@code /readyz} and {@code /metrics}, or -1 when turned off. */
    public int httpPort() {
        return ops == null ? -1 : ops.port();
    }

    /** Live while Kafka Streams can still reach {@code RUNNING} (not {@code ERROR}, not shut down). */
    @Override
    public boolean isLive() {
        return alive(streams.state());
    }

    /** Ready while Kafka Streams is {@code RUNNING} (every task assigned and its store restored). */
    @Override
    public boolean isReady() {
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * Stops processing and leaves the consumer group, so that a restarted instance gets the partitions at
     * once instead of after the session timeout (45 s by default).
     */
    @Override
    public void close() {
        if (ops != null) {
            ops.close();
        }
        streamsMetrics.close();
        ticker.close();
        streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
}
