package io.otppipeline.processor.domain;

import io.otppipeline.schemas.gate.GateRecord;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.reply.OtpReply;
import java.util.List;

/**
 * What one decision produces: the user's next state, the reply, public events and maybe a record for the send gate.
 *
 * @param state the user's state after the decision; {@link UserState#isEmpty() empty} means "delete"
 * @param reply the answer to the command, or {@code null} for the expiry sweep
 * @param events public events, in order
 * @param gate for the send gate ({@code otp.send-gate.v1}): the code to send ({@code GateSend}), an SMS code
 *     verified ({@code GateVerified}), or {@code null}
 * @param replayUntilMs until when (epoch milliseconds) a repeated {@code Idempotency-Key} gets this reply
 *     again; {@code 0} for the sweep
 */
public record Decision(UserState state, OtpReply reply, List<CloudEvent> events, GateRecord gate,
                       long replayUntilMs) {

    /** Defensive copy. */
    public Decision {
        events = List.copyOf(events);
    }
}
