package io.otppipeline.bench;

import io.otppipeline.runtime.config.Settings;
import io.otppipeline.runtime.config.SharedSettings;
import io.otppipeline.processor.domain.PurposeRules;
import io.otppipeline.processor.ProcessorConfig;
import io.otppipeline.audit.AuditConfig;
import io.otppipeline.api.ApiConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.audit.AuditMain;
import io.otppipeline.api.ApiMain;
import io.otppipeline.local.DevSecrets;
import io.otppipeline.local.LocalKafka;
import io.otppipeline.local.LocalPostgres;
import io.otppipeline.processor.ProcessorMain;
import io.otppipeline.local.OtpCli;
import io.otppipeline.notifier.NotifierConfig;
import io.otppipeline.schemas.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one benchmark run, each in its own OS process so that its CPU and memory can be read:
 * a KRaft broker, PostgreSQL (embedded binaries, default durability: fsync and synchronous_commit on), this
 * project's services in the run's {@link Layout} ({@code ./otp local}'s launcher, or otp-processor, otp-api and
 * otp-audit apart), and the row-lock design's HTTP server. All listen on free loopback ports. The benchmark's own
 * JVM (the load driver) also runs the row-lock design on path (a).
 */
final class BenchEnvironment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BenchEnvironment.class);

    /** Consumer group of otp-audit in the per-service layout. */
    private static final String PER_SERVICE_AUDIT_GROUP = "otp-audit-bench";

    /** The JVM of the shipped layout, by the name the report gives it. */
    static final String SHIPPED_JVM = "otp-local";

    private final BenchConfig config;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final DevSecrets secrets;
    private LocalKafka kafka;
    private LocalPostgres postgres;
    private ServiceProcess processor;   // in the shipped layout: ./otp local's JVM
    private ServiceProcess api;
    private ServiceProcess audit;
    private ServiceProcess rowLock;
    private HikariDataSource pool;
    private final int apiPort = freePort();
    private final int rowLockPort = freePort();

    private BenchEnvironment(final BenchConfig config) {
        this.config = config;
        this.secrets = new DevSecrets(config.dataDir().resolve("secrets"));
    }

    /**
     * Starts every process; the services are started but not yet known to be ready.
     *
     * @throws IOException if a process cannot start
     */
    static BenchEnvironment start(final BenchConfig config) throws IOException, InterruptedException, SQLException {
        final BenchEnvironment env = new BenchEnvironment(config);
        try {
            env.startAll();
            return env;
        } catch (IOException | InterruptedException | SQLException | RuntimeException e) {
            env.close();
            throw e;
        }
    }

    private void startAll() throws IOException, InterruptedException, SQLException {
        final Path dir = config.dataDir();
        secrets.ensure();
        kafka = new LocalKafka(dir.resolve("kafka"), LocalKafka.freePorts()).start();
        started.push(kafka);
        postgres = LocalPostgres.start(dir.resolve("postgres"), freePort(), dir.resolve("postgres.log"));
        started.push(postgres);
        KafkaConnection.plaintext(kafka.bootstrapServers()).ensureTopics();
        pool = RowLockServer.pool(postgres.jdbcUrl(), "postgres", config.poolSize());
        started.push(pool);
        RowLockDesign.createSchema(pool);
        if (config.layout() == Layout.SHIPPED) {
            startShipped(config.shippedCommitIntervalMs());
        } else {
            startPerService();
        }
        rowLock = ServiceProcess.start("row-lock", RowLockServer.class.getName(), Map.of(
                "rowlock.port", Integer.toString(rowLockPort), "rowlock.jdbc.url", postgres.jdbcUrl(),
                "rowlock.pool.size", Integer.toString(config.poolSize()),
                "rowlock.lifetime.seconds", Long.toString(Benchmark.LIFETIME_SECONDS),
                ApiConfig.API_KEYS_FILE.name(), secrets.apiKeys().toString(),
                ProcessorConfig.PEPPER_KEYRING_FILE.name(), secrets.pepperKeyring().toString(),
                SharedSettings.DELIVERY_KEYRING_FILE.name(), secrets.deliveryKeyring().toString()), dir, config.profile());
        started.push(rowLock);
    }

    /**
     * {@code ./otp local} as users run it, pointed at this run's broker and PostgreSQL, with the code lifetime of
     * the run and the {@code --set} settings of every service in its {@code --config} file; its mail and SMS sinks
     * listen on free ports. Its data directory is the run's, so it finds the development secrets that the load
     * driver seals commands and opens deliveries with.
     */
    private void startShipped(final long commitIntervalMs) throws IOException {
        final Path dir = config.dataDir();
        final Map<String, String> ours = Map.of(PurposeRules.LIFETIME_SECONDS.name(),
                Long.toString(Benchmark.LIFETIME_SECONDS));
        final Map<String, String> settings = new HashMap<>();
        for (String service : config.settings().keySet()) {
            settings.putAll(withOverrides(service, ours));
        }
        settings.putAll(ours);
        final Path file = ServiceProcess.writeSettings(dir, SHIPPED_JVM, settings);
        processor = ServiceProcess.startMain(SHIPPED_JVM, OtpCli.class.getName(), List.of(
                "local", "--data-dir", dir.toString(), "--api-port", Integer.toString(apiPort),
                "--bootstrap-servers", kafka.bootstrapServers(), "--jdbc-url", postgres.jdbcUrl(),
                "--smtp-port", Integer.toString(freePort()), "--sms-port", Integer.toString(freePort()),
                "--commit-interval-ms", Long.toString(commitIntervalMs), "--config", file.toString()), dir,
                config.profile());
        started.push(processor);
        LOG.info("./otp local started with --commit-interval-ms {}", commitIntervalMs);
    }

    private void startPerService() throws IOException {
        final Path dir = config.dataDir();
        startProcessor(config.shippedCommitIntervalMs());
        audit = ServiceProcess.start("otp-audit", AuditMain.class.getName(), withOverrides("otp-audit", Map.of(
                KafkaConnection.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers(), AuditConfig.JDBC_URL.name(), postgres.jdbcUrl(),
                AuditConfig.JDBC_USER.name(), "postgres", AuditConfig.GROUP_ID.name(), PER_SERVICE_AUDIT_GROUP)), dir,
                config.profile());
        started.push(audit);
        api = ServiceProcess.start("otp-api", ApiMain.class.getName(), withOverrides("otp-api", Map.of(
                KafkaConnection.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers(), ApiConfig.PORT.name(), Integer.toString(apiPort),
                ApiConfig.REPLY_GROUP_ID.name(), "otp-api-bench", ApiConfig.API_KEYS_FILE.name(), secrets.apiKeys().toString(),
                SharedSettings.COMMAND_KEYRING_FILE.name(), secrets.commandKeyring().toString())), dir, config.profile());
        started.push(api);
    }

    /**
     * Stops otp-processor (SIGTERM: clean close, local state checkpointed; in the shipped layout the whole
     * {@code ./otp local} JVM) and starts it with another commit interval; same application id and state
     * directory, so it resumes where it stopped.
     */
    void restartProcessor(final long commitIntervalMs) throws IOException, InterruptedException {
        if (processor != null) {
            started.remove(processor);
            processor.close();
        }
        if (config.layout() == Layout.SHIPPED) {
            startShipped(commitIntervalMs);
        } else {
            startProcessor(commitIntervalMs);
        }
    }

    /**
     * The consumer groups, with the topic each reads, whose work a run of this project waits for before its
     * measurement ends: otp-audit on the events (every event in PostgreSQL) and, in the shipped layout,
     * otp-notifier on the deliveries (every code handed to the mail or SMS sink), so that this work counts
     * against the run that caused it and not against the next one.
     */
    Map<String, String> followers() {
        if (config.layout() == Layout.PER_SERVICE) {
            return Map.of(PER_SERVICE_AUDIT_GROUP, Topics.EVENTS.name());
        }
        final Settings defaults = Settings.of(Map.of());
        return Map.of(AuditConfig.GROUP_ID.read(defaults), Topics.EVENTS.name(),
                NotifierConfig.GROUP_ID.read(defaults), Topics.DELIVERY.name());
    }

    private void startProcessor(final long commitIntervalMs) throws IOException {
        final Map<String, String> s = new HashMap<>();
        s.put(KafkaConnection.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers());
        s.put(ProcessorConfig.APPLICATION_ID.name(), "otp-processor-bench");
        s.put(ProcessorConfig.STATE_DIR.name(), config.dataDir().resolve("processor-state").toString());
        s.put(ProcessorConfig.COMMIT_INTERVAL_MS.name(), Long.toString(commitIntervalMs));
        s.put(PurposeRules.LIFETIME_SECONDS.name(), Long.toString(Benchmark.LIFETIME_SECONDS));
        s.put(SharedSettings.COMMAND_KEYRING_FILE.name(), secrets.commandKeyring().toString());
        s.put(SharedSettings.DELIVERY_KEYRING_FILE.name(), secrets.deliveryKeyring().toString());
        s.put(ProcessorConfig.PEPPER_KEYRING_FILE.name(), secrets.pepperKeyring().toString());
        s.put(ProcessorConfig.FACTOR_KEYRING_FILE.name(), secrets.factorKeyring().toString());
        processor = ServiceProcess.start("otp-processor", ProcessorMain.class.getName(),
                withOverrides("otp-processor", s), config.dataDir(),
                config.profile());
        started.push(processor);
        LOG.info("otp-processor started with commit.interval.ms={}", commitIntervalMs);
    }

    /**
     * {@code settings} with this run's {@code --set} settings of {@code service} added.
     *
     * @throws IllegalArgumentException if {@code --set} names a key the benchmark sets itself (the commit interval
     *     of the sweep, the ports, the keyrings, ...): it would silently change what a run measures
     */
    private Map<String, String> withOverrides(final String service, final Map<String, String> settings) {
        final Map<String, String> extra = config.settings().getOrDefault(service, Map.of());
        for (String key : extra.keySet()) {
            if (settings.containsKey(key)) {
                throw new IllegalArgumentException("--set cannot change " + key + ": the benchmark sets it");
            }
        }
        if (!extra.isEmpty()) {
            LOG.info("{} runs with --set {}", service, extra.keySet());   // names only: a value may be a secret
        }
        final Map<String, String> all = new HashMap<>(settings);
        all.putAll(extra);
        return all;
    }

    DevSecrets secrets() {
        return secrets;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    HikariDataSource pool() {
        return pool;
    }

    String apiUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    String rowLockUrl() {
        return "http://127.0.0.1:" + rowLockPort;
    }

    /** Process ids by the names the report uses. */
    void track(final ProcessSampler sampler) {
        sampler.track("kafka-broker", kafka::pid, false);
        sampler.track("postgresql", () -> {
            try {
                return postgres.pid();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, true);
        if (config.layout() == Layout.SHIPPED) {
            sampler.track(SHIPPED_JVM, () -> processor.pid(), false);
        } else {
            sampler.track("otp-processor", () -> processor.pid(), false);
            sampler.track("otp-api", api::pid, false);
            sampler.track("otp-audit", audit::pid, false);
        }
        sampler.track("row-lock-server", rowLock::pid, false);
        sampler.track("bench-driver", () -> ProcessHandle.current().pid(), false);
    }

    /** @throws IllegalStateException if a service has exited */
    void checkAlive() {
        for (ServiceProcess p : new ServiceProcess[] {processor, api, audit, rowLock}) {
            if (p != null) {
                p.checkAlive();
            }
        }
    }

    /** PostgreSQL's {@code server_version}. */
    String postgresVersion() throws SQLException {
        try (Connection c = pool.getConnection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SHOW server_version")) {
            r.next();
            return "PostgreSQL " + r.getString(1);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                LOG.warn("could not stop a benchmark process cleanly", e);
            }
        }
    }
}
