package io.otppipeline.schemas.command;

import java.time.Instant;

/**
 * A backend removes one of its user's authenticator factors.
 *
 * @param commandId unique id, also the reply's correlation id
 * @param tenantId tenant of the caller's API key
 * @param userId tenant's user identifier
 * @param factorId the factor to remove
 * @param client end user's client, or {@code null}
 * @param sentAt when the API accepted the request
 * @param idempotency the caller's idempotency key, or {@code null}
 */
public record FactorDeleteRequested(String commandId, String tenantId, String userId, String factorId,
                                    ClientInfo client, Instant sentAt, IdempotencyKey idempotency)
        implements OtpCommand {

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.deleteFactor(this);
    }
}
