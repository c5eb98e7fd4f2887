package io.otppipeline.processor;

import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.processor.gate.SendGatePolicy;
import io.otppipeline.processor.guard.IpGuardRules;
import io.otppipeline.schemas.config.Settings;
import io.otppipeline.schemas.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Typed settings of otp-processor (keys in {@code otp-processor.properties}, or {@code OTP_*} variables).
 *
 * @param kafka {@code kafka.bootstrap.servers} (required), {@code kafka.client.*}, {@code kafka.replication.factor},
 *     {@code kafka.topics.create}: how every Kafka client of the service connects; the replication factor also applies to internal changelogs ({@link KafkaConnection})
 * @param applicationId {@code processor.application.id}: Streams application id and consumer group;
 *     default {@code otp-processor}
 * @param stateDir {@code processor.state.dir}: RocksDB directory; default {@code <tmp>/otp-processor}
 * @param commitIntervalMs {@code processor.commit.interval.ms}: transaction commit interval in milliseconds;
 *     default 200. Replies are read before the commit (docs/DESIGN-NOTES.md, "Replies before the commit"), so
 *     the interval trades throughput against how fresh the events, deliveries and changelogs are, not HTTP
 *     latency; docs/BENCHMARKS.md has the sweep that chose it
 * @param commandKeyring {@code secrets.command.keyring.file}: required
 * @param deliveryKeyring {@code secrets.delivery.keyring.file}: required
 * @param pepperKeyring {@code secrets.pepper.keyring.file}: required
 * @param factorKeyring {@code secrets.factor.keyring.file}: required; seals authenticator secrets in the user state
 * @param inMemoryStores {@code processor.state.store}: {@code rocksdb} (default) or {@code in_memory}; both are
 *     backed by changelogs, in memory the stores live in the heap and are restored from the changelogs on start
 * @param rules the {@link OtpRules}
 * @param gate the send gate's budgets and safe list ({@link SendGatePolicy}, keys {@code otp.gate.*})
 * @param ipGuard the IP guard's thresholds ({@link IpGuardRules}, keys {@code otp.guard.*})
 * @param streamsOverrides {@code processor.streams.<name>}: any further Kafka Streams or client setting, passed
 *     through as {@code <name>} (for example {@code processor.streams.session.timeout.ms}); empty by default
 * @param httpHost {@code processor.http.host}: listen address of {@code /healthz}, {@code /readyz} and
 *     {@code /metrics}; default {@code 127.0.0.1}
 * @param httpPort {@code processor.http.port}: their port; default 9103 (0 picks a free one, -1 turns them off)
 */
public record ProcessorConfig(KafkaConnection kafka, String applicationId, Path stateDir, long commitIntervalMs,
                              Path commandKeyring, Path deliveryKeyring, Path pepperKeyring,
                              Path factorKeyring,
                              boolean inMemoryStores, OtpRules rules, SendGatePolicy gate,
                              IpGuardRules ipGuard,
                              Map<String, String> streamsOverrides, String httpHost, int httpPort) {

    private static final String STREAMS_PREFIX = "processor.streams.";

    /** Defensive copy. */
    public ProcessorConfig {
        streamsOverrides = Map.copyOf(streamsOverrides);
    }

    /**
     * Reads the settings listed above.
     *
     * @throws IllegalStateException naming a missing or malformed setting
     */
    public static ProcessorConfig from(final Settings s) {
        return new ProcessorConfig(
                KafkaConnection.from(s),
                s.string("processor.application.id", "otp-processor"),
                Path.of(s.string("processor.state.dir", System.getProperty("java.io.tmpdir") + "/otp-processor")),
                s.number("processor.commit.interval.ms", 200),
                s.path("secrets.command.keyring.file"),
                s.path("secrets.delivery.keyring.file"),
                s.path("secrets.pepper.keyring.file"),
                s.path("secrets.factor.keyring.file"),
                storeType(s.string("processor.state.store", "rocksdb")),
                OtpRules.from(s),
                SendGatePolicy.from(s),
                IpGuardRules.from(s),
                s.passThrough(STREAMS_PREFIX),
                s.string("processor.http.host", "127.0.0.1"),
                (int) s.number("processor.http.port", 9103));
    }

    private static boolean storeType(final String value) {
        if (!"rocksdb".equals(value) && !"in_memory".equals(value)) {
            throw new IllegalStateException("processor.state.store must be rocksdb or in_memory");
        }
        return "in_memory".equals(value);
    }

    /**
     * Kafka Streams properties: exactly_once_v2, the commit interval, the state directory, and for the reply
     * path the Streams producer's {@code linger.ms=0} (Streams would use 100) and {@code poll.ms} no longer than
     * the commit interval; every {@code processor.streams.*} setting overrides these.
     */
    public Properties streamsProperties() {
        final Properties p = kafka.properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, Long.toString(commitIntervalMs));
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(kafka.replicationFactor()));
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "0");
        p.put("processing.exception.handler.global.enabled", "true");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), "0");
        p.put(StreamsConfig.POLL_MS_CONFIG, Long.toString(Math.min(commitIntervalMs, 100)));
        p.putAll(streamsOverrides);
        return p;
    }
}
