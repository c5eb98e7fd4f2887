package io.otppipeline.processor;

import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.processor.gate.SendGatePolicy;
import io.otppipeline.processor.gate.SendGateRules;
import io.otppipeline.processor.guard.IpGuardRules;
import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.SettingCatalog;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.runtime.config.SharedSettings;
import io.otppipeline.runtime.kafka.KafkaConnection;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Typed settings of otp-processor (keys in {@code otp-processor.properties}, or {@code OTP_*} variables).
 *
 * @param kafka how every Kafka client of the service connects ({@link KafkaConnection#SETTINGS}); the replication
 *     factor also applies to internal changelogs
 * @param applicationId {@link #APPLICATION_ID}
 * @param stateDir {@link #STATE_DIR}
 * @param commitIntervalMs {@link #COMMIT_INTERVAL_MS}
 * @param commandKeyring {@link SharedSettings#COMMAND_KEYRING_FILE}
 * @param deliveryKeyring {@link SharedSettings#DELIVERY_KEYRING_FILE}
 * @param pepperKeyring {@link #PEPPER_KEYRING_FILE}
 * @param factorKeyring {@link #FACTOR_KEYRING_FILE}
 * @param inMemoryStores {@link #STATE_STORE} is {@code in_memory}
 * @param rules the {@link OtpRules}
 * @param gate the send gate's budgets and safe list ({@link SendGatePolicy})
 * @param ipGuard the IP guard's thresholds ({@link IpGuardRules})
 * @param streamsOverrides {@link #STREAMS_PREFIX} settings, passed through
 * @param httpHost {@link #HTTP_HOST}
 * @param httpPort {@link #HTTP_PORT}
 * @param threadReplacements how often a failed stream thread is replaced before the client shuts down
 *     ({@link ThreadReplacements})
 */
public record ProcessorConfig(KafkaConnection kafka, String applicationId, Path stateDir, long commitIntervalMs,
                              Path commandKeyring, Path deliveryKeyring, Path pepperKeyring,
                              Path factorKeyring,
                              boolean inMemoryStores, OtpRules rules, SendGatePolicy gate,
                              IpGuardRules ipGuard,
                              Map<String, String> streamsOverrides, String httpHost, int httpPort,
                              ThreadReplacements.Bound threadReplacements) {

    /**
     * {@code processor.streams.<name>}: any further Kafka Streams or client setting, passed through as {@code <name>}
     * (for example {@code processor.streams.session.timeout.ms}).
     */
    public static final String STREAMS_PREFIX = "processor.streams.";

    public static final Setting<String> APPLICATION_ID = Setting.string("processor.application.id", "otp-processor",
            "Kafka Streams application id: consumer group, prefix of internal topics and transactional ids (its "
                    + "ACLs in docs/OPERATIONS.md follow it)");
    public static final Setting<String> STATE_DIR = Setting.string("processor.state.dir", "<tmp>/otp-processor",
            "RocksDB state directory, one per instance");
    public static final Setting<Long> COMMIT_INTERVAL_MS = Setting.integer("processor.commit.interval.ms", 200,
            "milliseconds", "exactly-once transaction interval; replies are read before the commit "
                    + "(docs/DESIGN-NOTES.md, \"Replies before the commit\"), so it trades throughput against how "
                    + "fresh events, deliveries and changelogs are, not HTTP latency (sweep in docs/BENCHMARKS.md)")
            .check(Setting.atLeast(1), "at least 1");
    public static final Setting<String> STATE_STORE = Setting.string("processor.state.store", "rocksdb",
            "rocksdb, or in_memory (heap; restored from the changelogs on start; figures in docs/BENCHMARKS.md)")
            .check(v -> "rocksdb".equals(v) || "in_memory".equals(v), "rocksdb or in_memory");
    public static final Setting<Path> PEPPER_KEYRING_FILE = Setting.path("secrets.pepper.keyring.file",
            "the pepper keyring: HMAC keys of stored code hashes").required();
    public static final Setting<Path> FACTOR_KEYRING_FILE = Setting.path("secrets.factor.keyring.file",
            "seals authenticator secrets in the user state").required();
    public static final Setting<String> HTTP_HOST = Setting.string("processor.http.host", "127.0.0.1",
            "listen address of /healthz, /readyz and /metrics");
    public static final Setting<Long> HTTP_PORT = Setting.integer("processor.http.port", 9103, "port",
            "port of /healthz, /readyz and /metrics; 0 picks a free one, -1 turns them off")
            .check(Setting.between(-1, 65_535), "between -1 and 65535");

    /**
     * Every setting otp-processor reads; it owns {@code processor.*} and {@code otp.*}, and refuses an unknown
     * {@code otp.*} key (the security rules) instead of ignoring it.
     */
    public static final SettingCatalog CATALOG = new SettingCatalog("otp-processor",
            List.of("processor.", "otp.", "kafka."), List.of("otp."), catalog(), List.of(STREAMS_PREFIX,
                    KafkaConnection.CLIENT_PREFIX));

    private static List<Setting<?>> catalog() {
        final List<Setting<?>> all = new ArrayList<>(List.of(APPLICATION_ID, STATE_DIR, COMMIT_INTERVAL_MS,
                STATE_STORE, PEPPER_KEYRING_FILE, FACTOR_KEYRING_FILE, HTTP_HOST, HTTP_PORT,
                SharedSettings.COMMAND_KEYRING_FILE, SharedSettings.DELIVERY_KEYRING_FILE));
        all.addAll(ThreadReplacements.SETTINGS);
        all.addAll(KafkaConnection.SETTINGS);
        all.addAll(OtpRules.SETTINGS);
        all.addAll(SendGateRules.SETTINGS);
        SendGateRules.SETTINGS.forEach(d -> all.add(SendGateRules.forTenant(d)));
        all.add(SendGatePolicy.SAFE_LIST_FILE);
        all.addAll(IpGuardRules.SETTINGS);
        return all;
    }

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
        CATALOG.check(s);
        final Map<String, String> streamsOverrides = s.passThrough(STREAMS_PREFIX);
        KafkaConnection.checkPassThrough(STREAMS_PREFIX, streamsOverrides, true);
        final String stateDir = STATE_DIR.read(s);
        return new ProcessorConfig(
                KafkaConnection.from(s),
                APPLICATION_ID.read(s),
                Path.of(stateDir.replace("<tmp>", System.getProperty("java.io.tmpdir"))),
                COMMIT_INTERVAL_MS.read(s),
                SharedSettings.COMMAND_KEYRING_FILE.read(s),
                SharedSettings.DELIVERY_KEYRING_FILE.read(s),
                PEPPER_KEYRING_FILE.read(s),
                FACTOR_KEYRING_FILE.read(s),
                "in_memory".equals(STATE_STORE.read(s)),
                OtpRules.from(s),
                SendGatePolicy.from(s),
                IpGuardRules.from(s),
                streamsOverrides,
                HTTP_HOST.read(s),
                HTTP_PORT.read(s).intValue(),
                ThreadReplacements.Bound.from(s));
    }

    /**
     * Kafka Streams properties: exactly_once_v2, the commit interval, the state directory, and for the reply
     * path the Streams producer's {@code linger.ms=0} (Streams would use 100) and {@code poll.ms} no longer than
     * the commit interval, {@code max.task.idle.ms=-1} (no task has two input partitions to order); every {@code processor.streams.*} setting overrides these.
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
        // every task reads one partition (the dead-letter metrics aside), so there is no cross-partition order for
        // Streams to wait for; with the default (0) Kafka Streams 4.3 formats a log line per idle partition with
        // String.format on every processed record, whether or not it is logged: 10 % of the stream thread's JFR
        // samples of ./otp local at 250 requests/s (docs/BENCHMARKS.md)
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, Long.toString(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED));
        p.putAll(streamsOverrides);
        return p;
    }
}
