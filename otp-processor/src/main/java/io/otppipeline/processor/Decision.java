package io.otppipeline.processor;

import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.reply.OtpReply;
import java.util.List;

/**
 * What one command produces: the user's next state, the reply, public events and maybe a delivery.
 *
 * @param state the user's state after the command; {@link UserState#isEmpty() empty} means "delete"
 * @param reply the decision for the caller
 * @param events public events, in order
 * @param delivery the code to send, or {@code null}
 */
public record Decision(UserState state, OtpReply reply, List<CloudEvent> events, OtpIssued delivery) {
}
