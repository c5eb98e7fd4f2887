package io.otppipeline.bench;

import io.otppipeline.local.DevSecrets;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One benchmark run: both systems, every workload, both paths, a time without requests, the commit-interval
 * sweep and the state size, in that order, on one machine. Each run of one workload on one system is measured
 * alone (nothing else is sent meanwhile); after each of this project's runs the benchmark waits for otp-audit to
 * have written every event to PostgreSQL (and, in the shipped layout, for otp-notifier to have handed every code
 * to its sink), inside the measured window, so that the audit trail's CPU counts against this project as the
 * audit row inside each transaction counts against the row-lock design.
 */
final class Benchmark {

    /** Code lifetime of both systems during the run, in seconds: the longest the processor accepts, so that no
     * code expires in the middle of the run. */
    static final long LIFETIME_SECONDS = 3600;

    static final String STREAMS = "streams";
    static final String ROW_LOCK = "row-lock";

    private static final Logger LOG = LoggerFactory.getLogger(Benchmark.class);
    private static final Duration CORE_TIMEOUT = Duration.ofMinutes(10);

    private final BenchConfig c;
    private final BenchEnvironment env;
    private final ProcessSampler sampler;
    private final KafkaProbe probe;
    private final StreamsDriver streams;
    private final RowLockDriver rowLock;
    private final OpenLoopHttp http;
    private final List<String> users;
    private final List<String> hotUsers;
    private final List<RunResult> runs = new ArrayList<>();
    private final Map<String, Map<String, Double>> changelog = new LinkedHashMap<>();

    private Benchmark(final BenchConfig c, final BenchEnvironment env, final ProcessSampler sampler,
                      final KafkaProbe probe, final StreamsDriver streams, final OpenLoopHttp http) {
        this.c = c;
        this.env = env;
        this.sampler = sampler;
        this.probe = probe;
        this.streams = streams;
        this.http = http;
        final DevSecrets s = env.secrets();
        this.rowLock = new RowLockDriver(new RowLockDesign(env.pool(), new Mac(Keyring.load(s.pepperKeyring())),
                new Aead(Keyring.load(s.deliveryKeyring())), LIFETIME_SECONDS), DevSecrets.DEMO_TENANT,
                c.baselineThreads());
        this.users = Ops.users("u", c.users());
        this.hotUsers = Ops.users("hot", c.hotUsers());
    }

    /**
     * Runs everything {@code config} asks for; the data directory is wiped first.
     *
     * @throws IllegalStateException if a service dies or does not become ready
     */
    static BenchResults run(final BenchConfig config) throws Exception {
        wipe(config.dataDir());
        Files.createDirectories(config.dataDir());
        final String startedAt = Instant.now().toString();
        try (DriverProfile ignored = DriverProfile.start(config);
             BenchEnvironment env = BenchEnvironment.start(config);
             ProcessSampler sampler = new ProcessSampler();
             KafkaProbe probe = new KafkaProbe(env.bootstrapServers());
             StreamsDriver streams = new StreamsDriver(env.bootstrapServers(), DevSecrets.DEMO_TENANT,
                     new Aead(Keyring.load(env.secrets().commandKeyring())),
                     new Aead(Keyring.load(env.secrets().deliveryKeyring())), config.window());
             OpenLoopHttp http = new OpenLoopHttp(env.secrets().apiKey())) {
            env.track(sampler);
            final Benchmark b = new Benchmark(config, env, sampler, probe, streams, http);
            b.awaitReady();
            b.warmUp();
            b.core();
            if (!config.skipped().contains("http")) {
                b.overHttp();
            }
            final Map<String, ProcessUsage> idle = b.idle();
            final List<BenchResults.SweepPoint> sweep = config.skipped().contains("sweep") ? List.of() : b.sweep();
            final List<StateSize.Point> state;
            if (config.skipped().contains("state-size")) {
                state = List.of();
            } else {
                LOG.info("measuring state size with {} users", config.stateUsers());
                state = StateSize.measure(config.stateUsers(), config.rightCodeShare(), config.seed(),
                        Files.createDirectories(config.dataDir().resolve("state-size")));
            }
            return new BenchResults(startedAt, Machine.describe(env.postgresVersion()), config, b.runs, sweep,
                    b.changelog, state, idle);
        }
    }

    /**
     * With {@code --profile}, a JFR recording ({@code settings=profile}) of the benchmark's own JVM, the load
     * generator's, written to {@code <data dir>/bench-driver.jfr} when the run ends.
     */
    private record DriverProfile(jdk.jfr.Recording recording) implements AutoCloseable {

        static DriverProfile start(final BenchConfig config) throws IOException, java.text.ParseException {
            if (!config.profile()) {
                return new DriverProfile(null);
            }
            final jdk.jfr.Recording r = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            r.setDestination(config.dataDir().resolve("bench-driver.jfr"));
            r.start();
            return new DriverProfile(r);
        }

        @Override
        public void close() {
            if (recording != null) {
                recording.stop();   // writes the destination
                recording.close();
            }
        }
    }

    private void awaitReady() throws InterruptedException {
        final long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!(http.isOk(env.apiUrl() + "/readyz") && http.isOk(env.rowLockUrl() + "/healthz"))) {
            env.checkAlive();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("otp-api or the row-lock server was not ready within 2 minutes");
            }
            Thread.sleep(200);
        }
    }

    /** Unmeasured: JIT, connection pools, the processor's first rebalance, and codes for the hot users. */
    private void warmUp() throws InterruptedException, SQLException {
        LOG.info("warming up with {} operations per system", c.warmup());
        final List<String> warm = Ops.users("w", c.warmup());
        final List<Ops.Verify> warmOps = Ops.verifications(warm, c.warmup(), c.rightCodeShare(), c.seed() - 1);
        streams.issue(warm, CORE_TIMEOUT);
        streams.verify(warmOps, CORE_TIMEOUT);
        streams.issue(hotUsers, CORE_TIMEOUT);
        rowLock.issue(warm);
        rowLock.verify(warmOps);
        rowLock.issue(hotUsers);
        final int rate = Math.max(10, c.httpRates().get(0) / 2);
        for (String base : List.of(env.apiUrl(), env.rowLockUrl())) {
            http.run(base + "/v1/otp/verify", i -> verifyBody(warmOps.get(i % warmOps.size()), Map.of()), rate,
                    c.httpWarmupSeconds());
        }
    }

    /**
     * No request for {@link BenchConfig#idleSettleSeconds()} (the audit trail has caught up with every event
     * before), then the CPU and memory of every process over {@link BenchConfig#idleSeconds()}: what the system
     * costs while nobody asks anything.
     *
     * @throws IllegalStateException if a service has exited meanwhile
     */
    private Map<String, ProcessUsage> idle() throws InterruptedException {
        LOG.info("idle: {} s without requests, then {} s measured", c.idleSettleSeconds(), c.idleSeconds());
        env.checkAlive();
        Thread.sleep(Duration.ofSeconds(c.idleSettleSeconds()).toMillis());   // a measured pause, not a wait for a condition
        sampler.begin();
        Thread.sleep(Duration.ofSeconds(c.idleSeconds()).toMillis());
        final Map<String, ProcessUsage> usage = sampler.end();
        env.checkAlive();
        return usage;
    }

    /** Path (a): the processor alone (Kafka in, Kafka out) against the transaction alone (JDBC). */
    private void core() throws Exception {
        final List<Ops.Verify> uniform = Ops.verifications(users, c.verifications(), c.rightCodeShare(), c.seed());
        final List<Ops.Verify> hot = Ops.verifications(hotUsers, c.hotVerifications(), 0, c.seed() + 1);
        coreStreams("issuance", users.size(), () -> streams.issue(users, CORE_TIMEOUT));
        coreRowLock("issuance", () -> rowLock.issue(users));
        coreStreams("uniform", uniform.size(), () -> streams.verify(uniform, CORE_TIMEOUT));
        coreRowLock("uniform", () -> rowLock.verify(uniform));
        coreStreams("hot", hot.size(), () -> streams.verify(hot, CORE_TIMEOUT));
        coreRowLock("hot", () -> rowLock.verify(hot));
    }

    @FunctionalInterface
    private interface Run {
        Measurement run() throws Exception;
    }

    private void coreStreams(final String workload, final int ops, final Run run) throws Exception {
        final Map<String, Long> before = probe.topicBytes();
        final RunResult r = measure("a-core", workload, STREAMS, null, run);
        final Map<String, Double> perOp = new LinkedHashMap<>();
        KafkaProbe.growth(before, probe.topicBytes()).forEach((topic, bytes) ->
                perOp.put(topic, Math.round(10.0 * bytes / ops) / 10.0));
        changelog.put(workload, perOp);
        runs.add(r);
    }

    private void coreRowLock(final String workload, final Run run) throws Exception {
        runs.add(measure("a-core", workload, ROW_LOCK, null, run));
    }

    /** Measures one run: process usage from start until this project's audit trail has caught up. */
    private RunResult measure(final String path, final String workload, final String system, final Integer rate,
                              final Run run) throws Exception {
        LOG.info("run {} {} {}{}", path, workload, system, rate == null ? "" : " at " + rate + "/s");
        env.checkAlive();
        sampler.begin();
        final Measurement m = run.run();
        if (STREAMS.equals(system)) {
            for (Map.Entry<String, String> follower : env.followers().entrySet()) {
                probe.awaitCaughtUp(follower.getKey(), follower.getValue(), Duration.ofMinutes(10));
            }
        }
        final RunResult r = m.result(path, workload, system, rate, sampler.end());
        LOG.info("  {} ops, {} ops/s, p50 {} ms, p99 {} ms, {} errors, {}", r.operations(),
                String.format(Locale.ROOT, "%.0f", r.throughput()), r.p50Ms(), r.p99Ms(), r.errors(), r.decisions());
        return r;
    }

    /** Path (b): both systems over HTTP, open loop, at each fixed rate. */
    private void overHttp() throws Exception {
        for (String workload : List.of("issuance", "uniform", "hot")) {
            for (int rate : c.httpRates()) {
                for (String system : List.of(STREAMS, ROW_LOCK)) {
                    runs.add(measure("b-http", workload, system, rate, () -> httpRun(workload, system, rate)));
                }
            }
        }
    }

    private Measurement httpRun(final String workload, final String system, final int rate)
            throws InterruptedException {
        final String base = STREAMS.equals(system) ? env.apiUrl() : env.rowLockUrl();
        final Map<String, String> codes = STREAMS.equals(system) ? streams.codes() : rowLock.codes();
        final int n = rate * c.httpSeconds();
        if ("issuance".equals(workload)) {
            final List<String> fresh = Ops.users(String.format(Locale.ROOT, "b%d%s-", rate, system.charAt(0)), n);
            return http.run(base + "/v1/otp", i -> issueBody(fresh.get(i)), rate, c.httpSeconds());
        }
        final List<Ops.Verify> ops = "hot".equals(workload) ? Ops.verifications(hotUsers, n, 0, c.seed() + rate)
                : Ops.verifications(users, n, c.rightCodeShare(), c.seed() + rate);
        final IntFunction<String> body = i -> verifyBody(ops.get(i), codes);
        return http.run(base + "/v1/otp/verify", body, rate, c.httpSeconds());
    }

    /** The processor's commit.interval.ms swept: uniform verifications on path (a) and (b) per value. */
    private List<BenchResults.SweepPoint> sweep() throws Exception {
        final List<BenchResults.SweepPoint> points = new ArrayList<>();
        long running = c.shippedCommitIntervalMs();
        for (long interval : c.commitIntervalsMs()) {
            // a point at the interval already running is measured on that processor (restart only to change it)
            if (interval != running) {
                env.restartProcessor(interval);
                running = interval;
            }
            final List<Ops.Verify> warm = Ops.verifications(users, c.warmup(), c.rightCodeShare(), c.seed() + interval);
            streams.verify(warm, CORE_TIMEOUT);
            final List<Ops.Verify> ops = Ops.verifications(users, c.sweepVerifications(), c.rightCodeShare(),
                    c.seed() + 1000 + interval);
            final String label = "uniform, commit.interval.ms=" + interval;
            final RunResult core = measure("a-core", label, STREAMS, null, () -> streams.verify(ops, CORE_TIMEOUT));
            final List<Ops.Verify> httpOps = Ops.verifications(users, c.sweepRate() * c.httpSeconds(),
                    c.rightCodeShare(), c.seed() + 2000 + interval);
            final RunResult overHttp = measure("b-http", label, STREAMS, c.sweepRate(), () -> http.run(
                    env.apiUrl() + "/v1/otp/verify", i -> verifyBody(httpOps.get(i), streams.codes()), c.sweepRate(),
                    c.httpSeconds()));
            final int issueRate = Math.max(1, c.sweepRate() / 2);
            final List<String> fresh = Ops.users("d" + interval + "-", issueRate * c.httpSeconds());
            final RunResult delivery = measure("a-core", "issuance to delivery, commit.interval.ms=" + interval,
                    STREAMS, issueRate, () -> streams.issuePaced(fresh, issueRate, CORE_TIMEOUT));
            points.add(new BenchResults.SweepPoint(interval, core, overHttp, delivery));
        }
        return points;
    }

    private static String issueBody(final String user) {
        return "{\"userId\":\"" + user + "\",\"channel\":\"email\",\"destination\":\"" + Ops.destination(user)
                + "\",\"purpose\":\"" + Ops.PURPOSE + "\"}";
    }

    private static String verifyBody(final Ops.Verify op, final Map<String, String> codes) {
        return "{\"userId\":\"" + op.userId() + "\",\"purpose\":\"" + Ops.PURPOSE + "\",\"code\":\"" + op.code(codes)
                + "\"}";
    }

    private static void wipe(final Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }
}
