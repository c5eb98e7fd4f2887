package io.otppipeline.processor.streams;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.otppipeline.processor.domain.OtpDecisions;
import io.otppipeline.processor.gate.SendGate;
import io.otppipeline.processor.guard.IpGuard;

/**
 * The decisions of each stage of the processor topology ({@link OtpTopology}), each Kafka-free and deterministic.
 *
 * @param decisions per-user rules (docs/ARCHITECTURE.md section 5)
 * @param gate the send gate: budgets per destination, calling code and tenant (section 5b)
 * @param ipGuard the IP guard: verdicts per end-user address (section 5b)
 * @param meters where the metrics node counts events and dead letters ({@link MetricsProcessor}); outside every
 *     decision, so it changes no answer
 */
public record Stages(OtpDecisions decisions, SendGate gate, IpGuard ipGuard, MeterRegistry meters) {

    /** Stages whose counts go nowhere (a registry with no backend). */
    public Stages(final OtpDecisions decisions, final SendGate gate, final IpGuard ipGuard) {
        this(decisions, gate, ipGuard, new CompositeMeterRegistry());
    }
}
