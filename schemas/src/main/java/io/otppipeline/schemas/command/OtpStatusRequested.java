package io.otppipeline.schemas.command;

import java.time.Instant;

/**
 * A backend asks where one of a user's codes stands (pending, approved, expired, out of attempts), its attempts and
 * expiry and what became of its delivery. Read-only: it changes nothing and emits no event, but it is decided in
 * order with the user's other commands, so it never answers with a state older than an answer already given.
 *
 * @param commandId unique id, also the reply's correlation id
 * @param tenantId tenant of the caller's API key
 * @param userId tenant's user identifier
 * @param otpId the code asked about
 * @param sentAt when the API accepted the request
 */
public record OtpStatusRequested(String commandId, String tenantId, String userId, String otpId, Instant sentAt)
        implements OtpCommand {

    /** Never sent with an end user's client: the caller is the tenant's backend. */
    @Override
    public ClientInfo client() {
        return null;
    }

    /** A read needs no idempotency key. */
    @Override
    public IdempotencyKey idempotency() {
        return null;
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.status(this);
    }
}
