package io.otppipeline.bench;

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
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one benchmark run, each in its own OS process so that its CPU and memory can be read:
 * a KRaft broker, PostgreSQL (embedded binaries, default durability: fsync and synchronous_commit on),
 * otp-processor, otp-api and otp-audit (this project), and the row-lock design's HTTP server. All listen on
 * free loopback ports. The benchmark's own JVM (the load driver) also runs the row-lock design on path (a).
 */
final class BenchEnvironment implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BenchEnvironment.class);

    /** Consumer group of the benchmark's otp-audit. */
    static final String AUDIT_GROUP = "otp-audit-bench";

    private final BenchConfig config;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private final DevSecrets secrets;
    private LocalKafka kafka;
    private LocalPostgres postgres;
    private ServiceProcess processor;
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
        startProcessor(config.shippedCommitIntervalMs());
        audit = ServiceProcess.start("otp-audit", AuditMain.class.getName(), withOverrides("otp-audit", Map.of(
                KafkaConnection.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers(), AuditConfig.JDBC_URL.name(), postgres.jdbcUrl(),
                AuditConfig.JDBC_USER.name(), "postgres", AuditConfig.GROUP_ID.name(), AUDIT_GROUP)), dir, config.profile());
        started.push(audit);
        api = ServiceProcess.start("otp-api", ApiMain.class.getName(), withOverrides("otp-api", Map.of(
                KafkaConnection.BOOTSTRAP_SERVERS.name(), kafka.bootstrapServers(), ApiConfig.PORT.name(), Integer.toString(apiPort),
                ApiConfig.REPLY_GROUP_ID.name(), "otp-api-bench", ApiConfig.API_KEYS_FILE.name(), secrets.apiKeys().toString(),
                SharedSettings.COMMAND_KEYRING_FILE.name(), secrets.commandKeyring().toString())), dir, config.profile());
        started.push(api);
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
     * Stops otp-processor (SIGTERM: clean close, local state checkpointed) and starts it with another commit
     * interval; same application id and state directory, so it resumes where it stopped.
     */
    void restartProcessor(final long commitIntervalMs) throws IOException, InterruptedException {
        if (processor != null) {
            started.remove(processor);
            processor.close();
        }
        startProcessor(commitIntervalMs);
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
        sampler.track("otp-processor", () -> processor.pid(), false);
        sampler.track("otp-api", api::pid, false);
        sampler.track("otp-audit", audit::pid, false);
        sampler.track("row-lock-server", rowLock::pid, false);
        sampler.track("bench-driver", () -> ProcessHandle.current().pid(), false);
    }

    /** @throws IllegalStateException if a service has exited */
    void checkAlive() {
        for (ServiceProcess p : new ServiceProcess[] {processor, api, audit, rowLock}) {
            p.checkAlive();
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
