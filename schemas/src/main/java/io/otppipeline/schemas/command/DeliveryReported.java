package io.otppipeline.schemas.command;

import java.time.Instant;

/**
 * What became of a code's message, fed back to the user's state so that a status request can tell it
 * ({@code GET /v1/otp/{otpId}}). Written by the processor itself, never by otp-api: its delivery-report node reads
 * {@code otp.delivery.sent}, {@code otp.delivery.failed} and {@code otp.delivery.suppressed} on
 * {@code otp.events.v1} (from the notifier and the send gate) and writes one of these per event to
 * {@code otp.commands.v1}, keyed by the user. Answered by no reply.
 *
 * @param commandId {@code delivery:} followed by the event's id, so a report read twice is the same command
 * @param tenantId tenant of the user
 * @param userId the user the code was issued to
 * @param otpId the code
 * @param outcome {@code sent}, {@code failed} or {@code suppressed}
 * @param reason the event's reason ({@code country_limit}, {@code provider_error}, ...), or {@code null}
 * @param sentAt the event's time
 */
public record DeliveryReported(String commandId, String tenantId, String userId, String otpId, String outcome,
                               String reason, Instant sentAt) implements OtpCommand {

    /** Not an end user's request. */
    @Override
    public ClientInfo client() {
        return null;
    }

    /** Never retried by a caller. */
    @Override
    public IdempotencyKey idempotency() {
        return null;
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.deliveryReported(this);
    }
}
