package io.otppipeline.processor.gate;

import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import java.util.List;

/**
 * What the send gate decided for one code: pass it to the notifier, or suppress it with a reason.
 */
public sealed interface GateOutcome {

    /** The gate's state after the decision. */
    GateWindows next();

    /** Public events of the decision, in order ({@code otp.prefix.blocked}, {@code otp.delivery.suppressed}). */
    List<CloudEvent> events();

    /**
     * The code goes to the notifier.
     *
     * @param delivery the record for {@code otp.delivery.v1}
     * @param next the gate's state with the send counted (unchanged for a safe-listed destination)
     */
    record Admitted(OtpIssued delivery, GateWindows next) implements GateOutcome {

        @Override
        public List<CloudEvent> events() {
            return List.of();
        }
    }

    /**
     * The code is never sent; {@code otp.delivery.suppressed} says why.
     *
     * @param reason one of the {@code SendGate} reasons, for example {@code destination_limit}
     * @param next the gate's state (refused sends count toward nothing; a breaker that tripped is recorded)
     * @param events the suppression event, after {@code otp.prefix.blocked} if this send tripped the breaker
     */
    record Suppressed(String reason, GateWindows next, List<CloudEvent> events) implements GateOutcome {

        /** Unmodifiable copy. */
        public Suppressed {
            events = List.copyOf(events);
        }
    }
}
