package io.otppipeline.local;

import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (combined broker and controller) in its own JVM process, started from the
 * launcher's classpath with main class {@code kafka.Kafka}. Storage lives under {@code dir} and is formatted
 * once ({@code kafka.tools.StorageTool}); a second start reuses it. Every replication factor and min ISR is 1 so
 * that exactly-once works on one node (docs/DESIGN-NOTES.md); it listens on 127.0.0.1 only.
 *
 * <p>{@link #withSasl} turns on authentication and authorisation as a secured cluster has them: both listeners
 * take SASL/PLAIN, the standard KRaft authorizer refuses whatever no ACL allows, and the first user is the only
 * super user (the broker and controller talk to each other as it). The test of the service ACLs runs on this.
 */
public final class LocalKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

    private final Path dir;
    private final int port;
    private Process process;
    private Map<String, String> saslUsers = Map.of();
    private String superUser;

    /**
     * @param dir data directory (config, log dirs, broker log file, pid file)
     * @param port client port; the controller listens on {@code port + 1}
     */
    public LocalKafka(final Path dir, final int port) {
        this.dir = dir;
        this.port = port;
    }

    /**
     * A client port for a broker on a port chosen at random: free now, and its successor (the controller's port)
     * free too (checking only the client port let the controller's bind fail now and then, a failed
     * {@code ./otp bench} start), both below the ephemeral range so that the broker can be stopped and started
     * again on them ({@link RestartablePorts}).
     *
     * @throws IOException if no two adjacent ports were free in 100 tries
     */
    public static int freePorts() throws IOException {
        return RestartablePorts.freeRun(2);
    }

    /**
     * Requires SASL/PLAIN on every listener and ACLs for everything (before {@link #start()}).
     *
     * @param superUser the user the broker and controller authenticate as, and the only super user
     * @param users every user name and its password, the super user's included
     * @return this broker
     */
    public LocalKafka withSasl(final String superUser, final Map<String, String> users) {
        if (!users.containsKey(superUser)) {
            throw new IllegalArgumentException("the super user needs a password");
        }
        this.superUser = superUser;
        this.saslUsers = Map.copyOf(users);
        return this;
    }

    /** Client settings with which the super user reaches this broker (empty without SASL). */
    public Map<String, String> superUserClientSettings() {
        return superUser == null ? Map.of() : Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", plainLogin(superUser, saslUsers.get(superUser), Map.of()));
    }

    private static String plainLogin(final String user, final String password, final Map<String, String> users) {
        final StringBuilder b = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                .append(" username=\"").append(user).append("\" password=\"").append(password).append('"');
        users.forEach((name, pw) -> b.append(" user_").append(name).append("=\"").append(pw).append('"'));
        return b.append(';').toString();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /**
     * Formats storage if needed, starts the broker and waits until it answers.
     *
     * @throws IOException if files cannot be written or the process cannot start
     * @throws IllegalStateException if formatting fails or the broker is not ready in 90 seconds
     */
    public LocalKafka start() throws IOException, InterruptedException {
        Files.createDirectories(dir);
        stopLeftover();
        final Path config = writeConfig();
        if (!Files.exists(dir.resolve("data/meta.properties"))) {
            format(config);
        }
        process = java("kafka.Kafka", config.toString()).start();
        Files.writeString(dir.resolve("kafka.pid"), Long.toString(process.pid()));
        awaitReady();
        return this;
    }

    private Path writeConfig() throws IOException {
        final Properties p = new Properties();
        p.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", "1"),
                Map.entry("controller.quorum.voters", "1@127.0.0.1:" + (port + 1)),
                Map.entry("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + (port + 1)),
                Map.entry("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port),
                Map.entry("controller.listener.names", "CONTROLLER"),
                Map.entry("inter.broker.listener.name", "PLAINTEXT"),
                Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
                Map.entry("log.dirs", dir.resolve("data").toString()),
                Map.entry("num.partitions", "1"),
                Map.entry("auto.create.topics.enable", "false"),
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("min.insync.replicas", "1"),
                Map.entry("default.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // a produce that reaches a partition while the previous transaction's markers are being written is
                // retried by the broker after this many milliseconds (default 20): the first reply after each
                // processor commit waited for it (docs/BENCHMARKS.md)
                Map.entry("add.partitions.to.txn.retry.backoff.ms", "2")));
        if (superUser != null) {
            final String login = plainLogin(superUser, saslUsers.get(superUser), saslUsers);
            p.putAll(Map.of(
                    "listeners", "SASL_PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + (port + 1),
                    "advertised.listeners", "SASL_PLAINTEXT://127.0.0.1:" + port,
                    "inter.broker.listener.name", "SASL_PLAINTEXT",
                    "listener.security.protocol.map", "SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT",
                    "sasl.enabled.mechanisms", "PLAIN",
                    "sasl.mechanism.inter.broker.protocol", "PLAIN",
                    "sasl.mechanism.controller.protocol", "PLAIN",
                    "listener.name.sasl_plaintext.plain.sasl.jaas.config", login,
                    "listener.name.controller.plain.sasl.jaas.config", login,
                    "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"));
            p.put("super.users", "User:" + superUser);
            p.put("allow.everyone.if.no.acl.found", "false");
        }
        final Path config = dir.resolve("server.properties");
        try (Writer w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
            p.store(w, "written by ./otp local on every start");
        }
        return config;
    }

    private void format(final Path config) throws IOException, InterruptedException {
        final Process formatter = java("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                "-c", config.toString()).start();
        if (!formatter.waitFor(60, TimeUnit.SECONDS) || formatter.exitValue() != 0) {
            formatter.destroyForcibly();
            throw new IllegalStateException("formatting Kafka storage failed; see " + logFile());
        }
    }

    private ProcessBuilder java(final String mainClass, final String... args) {
        final List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms128m", "-Xmx768m", "-XX:+UseG1GC",
                "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + LocalKafka.class.getResource("/kafka-logback.xml"),
                mainClass));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
    }

    /** The broker's operating-system process id; only valid after {@link #start()}. */
    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return dir.resolve("kafka.log");
    }

    private void awaitReady() throws InterruptedException {
        awaitPort();
        final Properties p = new Properties();
        p.putAll(superUserClientSettings());
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        final Instant deadline = Instant.now().plus(READY_TIMEOUT);
        try (Admin admin = Admin.create(p)) {
            while (Instant.now().isBefore(deadline)) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka exited during start-up; see " + logFile());
                }
                try {
                    admin.describeCluster().nodes().get(3, TimeUnit.SECONDS);
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    LOG.debug("Kafka not ready yet: {}", e.getMessage());
                }
            }
        }
        throw new IllegalStateException("Kafka was not ready within " + READY_TIMEOUT.toSeconds() + " s; see "
                + logFile());
    }

    private void awaitPort() throws InterruptedException {
        final Instant deadline = Instant.now().plus(READY_TIMEOUT);
        while (Instant.now().isBefore(deadline) && process.isAlive()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
    }

    /** A broker left running by a launcher that was killed (SIGKILL) would hold the ports: stop it. */
    private void stopLeftover() throws IOException {
        final Path pidFile = dir.resolve("kafka.pid");
        if (Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
                    .filter(h -> h.info().commandLine().orElse("").contains("kafka.Kafka"))
                    .ifPresent(h -> {
                        LOG.warn("stopping Kafka process {} left by an earlier run", h.pid());
                        h.destroy();
                        h.onExit().join();
                    });
            Files.delete(pidFile);
        }
    }

    /** Stops the broker with SIGTERM (controlled shutdown) and waits up to 30 seconds. */
    @Override
    public void close() throws InterruptedException, IOException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        Files.deleteIfExists(dir.resolve("kafka.pid"));
    }
}
