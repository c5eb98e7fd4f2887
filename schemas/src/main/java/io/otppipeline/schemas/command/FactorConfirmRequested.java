package io.otppipeline.schemas.command;

import io.otppipeline.schemas.crypto.SealedBox;
import java.time.Instant;

/**
 * The first code from a freshly enrolled authenticator app, which activates the factor.
 *
 * @param commandId unique id, also the reply's correlation id
 * @param tenantId tenant of the caller's API key
 * @param userId tenant's user identifier
 * @param factorId the factor being confirmed
 * @param client end user's client, or {@code null}
 * @param sentAt when the API accepted the request
 * @param code the code the app shows, sealed with the command keyring (associated data: {@code commandId})
 * @param idempotency the caller's idempotency key, or {@code null}
 * @param ipVerdict the IP guard's verdict on {@code client.ip}, or {@code null} ({@link IpVerdict}): a blocked
 *     address cannot have confirmations decided either
 */
public record FactorConfirmRequested(String commandId, String tenantId, String userId, String factorId,
                                     ClientInfo client, Instant sentAt, SealedBox code,
                                     IdempotencyKey idempotency, IpVerdict ipVerdict) implements OtpCommand {

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.confirmFactor(this);
    }
}
