package io.otppipeline.notifier;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import io.otppipeline.notifier.provider.Provider;
import io.otppipeline.notifier.provider.SendException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One provider behind Resilience4j: each call runs under a time limiter, inside the provider's circuit breaker,
 * inside a retry with exponential backoff and jitter that honours {@code Retry-After}. Only
 * {@link SendException.Disposition#RETRY} failures are retried; {@code GIVE_UP} failures (the recipient's
 * fault) do not count against the circuit.
 *
 * @param <M> the channel's message type
 */
final class ResilientProvider<M> {

    /** Thrown instead of another attempt once the code's lifetime has passed: the code is not sent late. */
    static final class CodeExpiredException extends Exception {
        private static final long serialVersionUID = 1L;

        CodeExpiredException() {
            super("code expired before it could be sent", null, false, false);
        }
    }

    private final Provider<M> provider;
    private final String channel;
    private final CircuitBreaker breaker;
    private final Retry retry;
    private final TimeLimiter timeLimiter;
    private final ExecutorService callPool;
    private final DeliveryMetrics metrics;
    private final Clock clock;

    /**
     * @param callPool runs the provider calls so the time limiter can stop waiting for them
     */
    ResilientProvider(final Provider<M> provider, final String channel, final ResilienceSettings settings,
                      final Registries registries, final ExecutorService callPool, final DeliveryMetrics metrics,
                      final Clock clock) {
        this.provider = provider;
        this.channel = channel;
        final String name = channel + "." + provider.name();
        this.breaker = registries.breakers().circuitBreaker(name, breakerConfig(settings, clock));
        this.retry = registries.retries().retry(name, retryConfig(settings));
        this.timeLimiter = TimeLimiter.of(name, TimeLimiterConfig.custom().timeoutDuration(settings.callTimeout())
                .cancelRunningFuture(true).build());
        this.callPool = callPool;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** The circuit breaker and retry registries shared by all providers (bound to the meter registry once). */
    record Registries(CircuitBreakerRegistry breakers, RetryRegistry retries) {
        static Registries create() {
            return new Registries(CircuitBreakerRegistry.ofDefaults(), RetryRegistry.ofDefaults());
        }
    }

    String name() {
        return provider.name();
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }

    /**
     * Sends {@code message}, retrying as configured, but never after {@code deadline}.
     *
     * @param attempts incremented once per provider call actually made
     * @return the provider's message id, or {@code null}
     * @throws SendException the last failure; {@code reason} {@code circuit_open} when the breaker refused the call
     * @throws CodeExpiredException when {@code deadline} passed before a call could be made
     */
    String send(final M message, final Instant deadline, final AtomicInteger attempts)
            throws SendException, CodeExpiredException {
        try {
            return retry.executeCheckedSupplier(() -> {
                if (!clock.instant().isBefore(deadline)) {
                    throw new CodeExpiredException();
                }
                return breaker.executeCheckedSupplier(() -> timedCall(message, attempts));
            });
        } catch (SendException | CodeExpiredException e) {
            throw e;
        } catch (CallNotPermittedException e) {
            throw SendException.providerDown("circuit_open", channel + "." + provider.name() + " circuit is open");
        } catch (Throwable t) {
            throw SendException.retryable("provider_error", provider.name() + ": " + t.getClass().getSimpleName());
        }
    }

    private String timedCall(final M message, final AtomicInteger attempts) throws SendException {
        attempts.incrementAndGet();
        final long start = System.nanoTime();
        try {
            final String id = timeLimiter.executeFutureSupplier(() -> CompletableFuture.supplyAsync(() -> {
                try {
                    return provider.send(message);
                } catch (SendException e) {
                    throw new CompletionException(e);
                }
            }, callPool));
            metrics.call(provider.name(), channel, "success", System.nanoTime() - start);
            return id;
        } catch (Exception e) {
            final SendException failure = asSendException(e);
            metrics.call(provider.name(), channel, failure.reason(), System.nanoTime() - start);
            throw failure;
        }
    }

    private SendException asSendException(final Exception e) {
        final Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof SendException se) {
            return se;
        }
        if (cause instanceof TimeoutException) {
            return SendException.retryable("timeout", provider.name() + " did not answer within the call timeout");
        }
        return SendException.retryable("provider_error", provider.name() + ": " + cause.getClass().getSimpleName());
    }

    private static CircuitBreakerConfig breakerConfig(final ResilienceSettings s, final Clock clock) {
        return CircuitBreakerConfig.custom()
                .slidingWindow(s.breakerWindow(), s.breakerMinimumCalls(),
                        CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(s.breakerFailureRate())
                .waitDurationInOpenState(s.breakerOpen())
                .permittedNumberOfCallsInHalfOpenState(s.breakerHalfOpenCalls())
                .recordException(t -> !(t instanceof SendException se)
                        || se.disposition() != SendException.Disposition.GIVE_UP)
                .clock(clock)
                .build();
    }

    private static RetryConfig retryConfig(final ResilienceSettings s) {
        final IntervalFunction backoff = IntervalFunction.ofExponentialRandomBackoff(s.initialBackoff().toMillis(),
                s.multiplier(), s.jitter(), s.maxBackoff().toMillis());
        return RetryConfig.custom()
                .maxAttempts(s.maxAttempts())
                .retryOnException(t -> t instanceof SendException se
                        && se.disposition() == SendException.Disposition.RETRY
                        && se.retryAfter().map(d -> d.compareTo(s.maxRetryAfter()) <= 0).orElse(true))
                .intervalBiFunction((attempt, outcome) -> {
                    final long wait = backoff.apply(attempt);
                    if (outcome.isLeft() && outcome.getLeft() instanceof SendException se) {
                        return Math.max(wait, se.retryAfter().map(d -> d.toMillis()).orElse(0L));
                    }
                    return wait;
                })
                .build();
    }
}
