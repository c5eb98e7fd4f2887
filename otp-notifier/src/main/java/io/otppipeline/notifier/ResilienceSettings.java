package io.otppipeline.notifier;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.time.Duration;
import java.util.List;

/**
 * How hard the notifier tries one provider before it fails over. Every provider gets its own retry and circuit
 * breaker instances built from these settings.
 *
 * @param callTimeout {@link #CALL_TIMEOUT_MS}
 * @param maxAttempts {@link #MAX_ATTEMPTS}
 * @param initialBackoff {@link #INITIAL_BACKOFF_MS}
 * @param multiplier {@link #MULTIPLIER}
 * @param jitter {@link #JITTER}
 * @param maxBackoff {@link #MAX_BACKOFF_MS}
 * @param maxRetryAfter {@link #MAX_RETRY_AFTER_MS}
 * @param breakerFailureRate {@link #BREAKER_FAILURE_RATE_PERCENT}
 * @param breakerWindow {@link #BREAKER_WINDOW_CALLS}
 * @param breakerMinimumCalls {@link #BREAKER_MINIMUM_CALLS}
 * @param breakerOpen {@link #BREAKER_OPEN_MS}
 * @param breakerHalfOpenCalls {@link #BREAKER_HALF_OPEN_CALLS}
 */
public record ResilienceSettings(Duration callTimeout, int maxAttempts, Duration initialBackoff, double multiplier,
                                 double jitter, Duration maxBackoff, Duration maxRetryAfter, float breakerFailureRate,
                                 int breakerWindow, int breakerMinimumCalls, Duration breakerOpen,
                                 int breakerHalfOpenCalls) {

    public static final Setting<Long> CALL_TIMEOUT_MS = Setting.integer("notifier.call.timeout.ms", 5_000,
            "milliseconds", "one provider call, enforced by the Resilience4j time limiter and the transport's own "
                    + "timeout").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> MAX_ATTEMPTS = Setting.integer("notifier.retry.max.attempts", 3, "count",
            "calls to one provider for one message, the first included").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> INITIAL_BACKOFF_MS = Setting.integer("notifier.retry.initial.backoff.ms", 200,
            "milliseconds", "wait before the first retry; multiplied per retry").check(Setting.atLeast(0), "at least 0");
    public static final Setting<String> MULTIPLIER = Setting.string("notifier.retry.multiplier", "2.0",
            "factor of the back-off per retry").check(ResilienceSettings::isNumber, "a number");
    public static final Setting<String> JITTER = Setting.string("notifier.retry.jitter", "0.5", "randomisation of "
            + "each back-off: 0.5 is plus or minus 50 % (AWS Architecture Blog, \"Exponential Backoff And Jitter\")")
            .check(ResilienceSettings::isNumber, "a number");
    public static final Setting<Long> MAX_BACKOFF_MS = Setting.integer("notifier.retry.max.backoff.ms", 5_000,
            "milliseconds", "the longest back-off").check(Setting.atLeast(0), "at least 0");
    public static final Setting<Long> MAX_RETRY_AFTER_MS = Setting.integer("notifier.retry.max.retry.after.ms",
            10_000, "milliseconds", "the longest Retry-After (HTTP 429) the notifier waits for; a longer one fails "
                    + "over at once").check(Setting.atLeast(0), "at least 0");
    public static final Setting<Long> BREAKER_FAILURE_RATE_PERCENT = Setting.integer(
            "notifier.breaker.failure.rate.percent", 50, "percent", "failure rate that opens a provider's circuit")
            .check(Setting.between(1, 100), "between 1 and 100");
    public static final Setting<Long> BREAKER_WINDOW_CALLS = Setting.integer("notifier.breaker.window.calls", 20,
            "calls", "the count-based sliding window").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> BREAKER_MINIMUM_CALLS = Setting.integer("notifier.breaker.minimum.calls", 10,
            "calls", "calls before the failure rate counts").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> BREAKER_OPEN_MS = Setting.integer("notifier.breaker.open.ms", 30_000,
            "milliseconds", "how long an open circuit refuses calls before trial calls go through")
            .check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> BREAKER_HALF_OPEN_CALLS = Setting.integer("notifier.breaker.half.open.calls",
            3, "calls", "trial calls of a half-open circuit").check(Setting.atLeast(1), "at least 1");

    /** Every setting above. */
    public static final List<Setting<?>> SETTINGS = List.of(CALL_TIMEOUT_MS, MAX_ATTEMPTS, INITIAL_BACKOFF_MS,
            MULTIPLIER, JITTER, MAX_BACKOFF_MS, MAX_RETRY_AFTER_MS, BREAKER_FAILURE_RATE_PERCENT, BREAKER_WINDOW_CALLS,
            BREAKER_MINIMUM_CALLS, BREAKER_OPEN_MS, BREAKER_HALF_OPEN_CALLS);

    private static boolean isNumber(final String value) {
        try {
            Double.parseDouble(value);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The defaults listed above. */
    public static ResilienceSettings defaults() {
        return from(Settings.of(java.util.Map.of()));
    }

    /**
     * Reads the settings listed above.
     *
     * @throws IllegalStateException naming a malformed setting
     */
    public static ResilienceSettings from(final Settings s) {
        return new ResilienceSettings(
                Duration.ofMillis(CALL_TIMEOUT_MS.read(s)),
                MAX_ATTEMPTS.read(s).intValue(),
                Duration.ofMillis(INITIAL_BACKOFF_MS.read(s)),
                Double.parseDouble(MULTIPLIER.read(s)),
                Double.parseDouble(JITTER.read(s)),
                Duration.ofMillis(MAX_BACKOFF_MS.read(s)),
                Duration.ofMillis(MAX_RETRY_AFTER_MS.read(s)),
                BREAKER_FAILURE_RATE_PERCENT.read(s),
                BREAKER_WINDOW_CALLS.read(s).intValue(),
                BREAKER_MINIMUM_CALLS.read(s).intValue(),
                Duration.ofMillis(BREAKER_OPEN_MS.read(s)),
                BREAKER_HALF_OPEN_CALLS.read(s).intValue());
    }
}
