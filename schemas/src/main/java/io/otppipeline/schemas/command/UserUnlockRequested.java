package io.otppipeline.schemas.command;

import java.time.Instant;

/**
 * An administrator lifts a user's lockout (only API keys with the {@code admin} scope may send it).
 *
 * @param commandId unique id, also the reply's correlation id
 * @param tenantId tenant of the caller's API key
 * @param userId tenant's user identifier
 * @param actor id (not the secret) of the admin API key that asked, for the audit trail
 * @param client end user's client as the admin tool reported it, or {@code null}
 * @param sentAt when the API accepted the request
 * @param idempotency the caller's idempotency key, or {@code null}
 */
public record UserUnlockRequested(String commandId, String tenantId, String userId, String actor,
                                  ClientInfo client, Instant sentAt, IdempotencyKey idempotency)
        implements OtpCommand {

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.unlock(this);
    }
}
