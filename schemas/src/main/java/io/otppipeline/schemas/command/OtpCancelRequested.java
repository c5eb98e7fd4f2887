package io.otppipeline.schemas.command;

import java.time.Instant;

/**
 * A backend cancels a user's pending code (the user chose another way to sign in, or the session ended): the code
 * can no longer be verified.
 *
 * @param commandId unique id, also the reply's correlation id
 * @param tenantId tenant of the caller's API key
 * @param userId tenant's user identifier
 * @param otpId the code to cancel
 * @param client end user's client, or {@code null}
 * @param sentAt when the API accepted the request
 * @param idempotency the caller's idempotency key, or {@code null}
 */
public record OtpCancelRequested(String commandId, String tenantId, String userId, String otpId, ClientInfo client,
                                 Instant sentAt, IdempotencyKey idempotency) implements OtpCommand {

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.cancel(this);
    }
}
