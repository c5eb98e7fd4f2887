package io.otppipeline.notifier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The notifier's own meters (circuit breaker and retry meters come from resilience4j-micrometer):
 * <ul>
 *   <li>{@code otp.notifier.provider.calls} (timer; tags {@code provider}, {@code channel}, {@code outcome} =
 *   {@code success} or the failure reason): every provider call and its latency;</li>
 *   <li>{@code otp.notifier.deliveries} (counter; tags {@code channel}, {@code provider}, {@code outcome} =
 *   {@code sent}, {@code failed}, {@code suppressed}, {@code reason}): one per delivery record;</li>
 *   <li>{@code otp.notifier.ledger.lag} (timer): from the provider's acceptance to the ledger's acknowledgement,
 *   the window in which a crash sends a code twice.</li>
 * </ul>
 */
final class DeliveryMetrics {

    private final MeterRegistry registry;

    DeliveryMetrics(final MeterRegistry registry) {
        this.registry = registry;
    }

    MeterRegistry registry() {
        return registry;
    }

    void call(final String provider, final String channel, final String outcome, final long nanos) {
        Timer.builder("otp.notifier.provider.calls").description("provider calls and their latency")
                .tags("provider", provider, "channel", channel, "outcome", outcome)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    void delivery(final String channel, final String provider, final String outcome, final String reason) {
        Counter.builder("otp.notifier.deliveries").description("delivery records by final outcome")
                .tags("channel", channel, "provider", provider == null ? "none" : provider, "outcome", outcome,
                        "reason", reason == null ? "none" : reason)
                .register(registry).increment();
    }

    void ledgerLag(final long nanos) {
        Timer.builder("otp.notifier.ledger.lag").description("provider acceptance to ledger acknowledgement")
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }
}
