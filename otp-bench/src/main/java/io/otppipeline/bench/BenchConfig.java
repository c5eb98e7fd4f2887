package io.otppipeline.bench;

import java.nio.file.Path;
import java.util.List;

/**
 * What one {@code ./otp bench} run measures. Counts are operations (one operation = one OTP request or one
 * verification); rates are requests per second; durations are seconds.
 *
 * @param users users that get a code in the issuance run and that the uniform workload verifies over
 *     (issue 6: 100,000)
 * @param hotUsers users the hot workload hammers with wrong codes (issue 6: 10; the brute-force and retry-storm
 *     case: after 5 failures each user is locked, and every further attempt is refused under the lock)
 * @param verifications verifications of the uniform run on path (a)
 * @param hotVerifications verifications of the hot run on path (a)
 * @param rightCodeShare share of verifications that carry the right code, 0 to 1; the rest carry a wrong one
 * @param httpRates fixed request rates of the open-loop HTTP runs on path (b), in requests per second (issue 14:
 *     up to 2,000 by default)
 * @param httpSeconds length of each HTTP run, in seconds; the unmeasured HTTP warm-up lasts
 *     {@link #httpWarmupSeconds()}
 * @param commitIntervalsMs the processor's {@code commit.interval.ms} values swept, in milliseconds
 * @param shippedCommitIntervalMs the interval every other run uses (the shipped default), in milliseconds
 * @param sweepVerifications verifications per sweep point on path (a)
 * @param sweepRate HTTP rate per sweep point, in requests per second; half of it is the rate of the sweep's
 *     issuance run, which measures how long a code takes to reach the committed delivery topic
 * @param stateUsers users of the in-process state-size measurement
 * @param poolSize connections of the row-lock design's pool; default from HikariCP's pool-sizing rule
 *     {@code cores * 2 + 1} ("About Pool Sizing", HikariCP wiki)
 * @param baselineThreads callers of the row-lock design on path (a): enough to keep every connection busy
 * @param window commands in flight at most on the processor's path (a)
 * @param warmup operations of each system's unmeasured warm-up (JIT, connections, caches)
 * @param seed seed of every random choice, so both systems get the same sequence of operations
 * @param profile whether the service JVMs record a JFR profile ({@code settings=profile}) into the data directory
 * @param skipped parts of the run left out ({@code http}: the HTTP runs at each rate; {@code sweep},
 *     {@code state-size}), for a shorter measurement; the full run leaves out nothing
 * @param settings extra settings per service ({@code otp-api}, {@code otp-processor}, {@code otp-audit}), on top of
 *     the ones the benchmark writes: how a default is measured before it is changed ({@code --set}); with
 *     {@link Layout#SHIPPED} all of them go to the one JVM
 * @param layout how the services run: as {@code ./otp local} ships them (the default) or one JVM per service
 * @param idleSettleSeconds seconds without any request before the idle measurement starts
 * @param idleSeconds length of the idle measurement, in seconds (CPU of every process while nothing is asked)
 * @param dataDir broker, PostgreSQL, processor state and logs of this run; wiped at start
 * @param out directory the JSON results are written to
 */
public record BenchConfig(int users, int hotUsers, int verifications, int hotVerifications, double rightCodeShare,
                          List<Integer> httpRates, int httpSeconds, List<Long> commitIntervalsMs,
                          long shippedCommitIntervalMs, int sweepVerifications, int sweepRate, int stateUsers,
                          int poolSize, int baselineThreads, int window, int warmup, long seed, boolean profile,
                          java.util.Set<String> skipped, java.util.Map<String, java.util.Map<String, String>> settings,
                          Layout layout, int idleSettleSeconds, int idleSeconds, Path dataDir, Path out) {

    /** Parts of a run that {@code --skip} may leave out. */
    public static final java.util.Set<String> SKIPPABLE = java.util.Set.of("http", "sweep", "state-size");

    /** The pool size HikariCP's wiki recommends for this machine: {@code cores * 2 + 1} (one spindle). */
    public static int recommendedPoolSize() {
        return Runtime.getRuntime().availableProcessors() * 2 + 1;
    }

    /** The full run of issues 6 and 14 (about 18 minutes on 2 cores), on the shipped layout; idle: 30 s, then 30 s. */
    public static BenchConfig full(final Path dataDir, final Path out) {
        final int pool = recommendedPoolSize();
        return new BenchConfig(100_000, 10, 100_000, 20_000, 0.3, List.of(250, 500, 1000, 2000), 15,
                List.of(50L, 100L, 200L, 500L), 200, 30_000, 500, 100_000, pool, pool * 4, 1000, 3000, 42, false,
                java.util.Set.of(), java.util.Map.of(), Layout.SHIPPED, 30, 30, dataDir, out);
    }

    /**
     * A run small enough for the test suite: proves every figure is produced, in about 1.5 minutes. Each HTTP run
     * lasts 1 s (50 operations at 50/s), and so does the HTTP warm-up; the idle measurement 1 s, right after the
     * last run; the sweep's first point (200 ms, the shipped interval) is measured without a restart.
     */
    public static BenchConfig tiny(final Path dataDir, final Path out) {
        final int pool = recommendedPoolSize();
        return new BenchConfig(100, 3, 300, 150, 0.3, List.of(50), 1, List.of(200L, 100L), 200, 200, 50, 200, pool,
                pool * 2, 200, 20, 42, false, java.util.Set.of(), java.util.Map.of(), Layout.SHIPPED, 0, 1, dataDir,
                out);
    }

    /** Length of the unmeasured HTTP warm-up per system, in seconds: 2, or {@link #httpSeconds()} if shorter. */
    public int httpWarmupSeconds() {
        return Math.min(2, httpSeconds);
    }
}
