package io.otppipeline.notifier;

import io.otppipeline.schemas.config.Settings;
import java.time.Duration;

/**
 * How hard the notifier tries one provider before it fails over. Every provider gets its own retry and circuit
 * breaker instances built from these settings.
 *
 * @param callTimeout {@code notifier.call.timeout.ms}: one provider call, in milliseconds; default 5000. Enforced by
 *     the Resilience4j time limiter and by the transport's own timeout
 * @param maxAttempts {@code notifier.retry.max.attempts}: calls to one provider for one message, first included;
 *     default 3
 * @param initialBackoff {@code notifier.retry.initial.backoff.ms}: wait before the first retry, in milliseconds;
 *     default 200. Doubles per retry ({@code notifier.retry.multiplier}, default 2.0) with
 *     {@code notifier.retry.jitter} (default 0.5: plus or minus 50 %, "full jitter" in spirit, AWS Architecture
 *     Blog, "Exponential Backoff And Jitter") up to {@code notifier.retry.max.backoff.ms} (default 5000)
 * @param multiplier see {@code initialBackoff}
 * @param jitter see {@code initialBackoff}
 * @param maxBackoff see {@code initialBackoff}
 * @param maxRetryAfter {@code notifier.retry.max.retry.after.ms}: the longest {@code Retry-After} (HTTP 429) the
 *     notifier waits for, in milliseconds; a longer one fails over at once; default 10000
 * @param breakerFailureRate {@code notifier.breaker.failure.rate.percent}: failure rate that opens a provider's
 *     circuit; default 50
 * @param breakerWindow {@code notifier.breaker.window.calls}: calls in the count-based sliding window; default 20
 * @param breakerMinimumCalls {@code notifier.breaker.minimum.calls}: calls before the rate counts; default 10
 * @param breakerOpen {@code notifier.breaker.open.ms}: how long an open circuit refuses calls before letting
 *     {@code notifier.breaker.half.open.calls} (default 3) trial calls through, in milliseconds; default 30000
 * @param breakerHalfOpenCalls see {@code breakerOpen}
 */
public record ResilienceSettings(Duration callTimeout, int maxAttempts, Duration initialBackoff, double multiplier,
                                 double jitter, Duration maxBackoff, Duration maxRetryAfter, float breakerFailureRate,
                                 int breakerWindow, int breakerMinimumCalls, Duration breakerOpen,
                                 int breakerHalfOpenCalls) {

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
                Duration.ofMillis(s.number("notifier.call.timeout.ms", 5_000)),
                (int) s.number("notifier.retry.max.attempts", 3),
                Duration.ofMillis(s.number("notifier.retry.initial.backoff.ms", 200)),
                Double.parseDouble(s.string("notifier.retry.multiplier", "2.0")),
                Double.parseDouble(s.string("notifier.retry.jitter", "0.5")),
                Duration.ofMillis(s.number("notifier.retry.max.backoff.ms", 5_000)),
                Duration.ofMillis(s.number("notifier.retry.max.retry.after.ms", 10_000)),
                s.number("notifier.breaker.failure.rate.percent", 50),
                (int) s.number("notifier.breaker.window.calls", 20),
                (int) s.number("notifier.breaker.minimum.calls", 10),
                Duration.ofMillis(s.number("notifier.breaker.open.ms", 30_000)),
                (int) s.number("notifier.breaker.half.open.calls", 3));
    }
}
