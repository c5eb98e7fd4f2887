package io.otppipeline.schemas.command;

import java.time.Instant;

/**
 * A backend consumes an approved code of a two-phase purpose (for example {@code password_reset}): the
 * second phase, done once when the protected action (the password change) happens.
 *
 * @param commandId unique id, also the reply's correlation id
 * @param tenantId tenant of the caller's API key
 * @param userId tenant's user identifier
 * @param otpId the approved code to consume
 * @param client end user's client, or {@code null}
 * @param sentAt when the API accepted the request
 * @param idempotency the caller's idempotency key, or {@code null}
 */
public record OtpConsumeRequested(String commandId, String tenantId, String userId, String otpId,
                                  ClientInfo client, Instant sentAt, IdempotencyKey idempotency)
        implements OtpCommand {

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.consume(this);
    }
}
