package io.otppipeline.schemas.command;

import io.otppipeline.schemas.crypto.SealedBox;
import java.time.Instant;

/**
 * The tenant's backend redeems the exchange code the confirm step handed to the browser
 * ({@code POST /v1/magic-links/exchange}): approved once, then a conflict.
 *
 * @param commandId unique id, also the reply's correlation id
 * @param tenantId tenant of the caller's API key (it must be the one the code's route names)
 * @param userId user named by the code's route
 * @param linkId link named by the code's route
 * @param secret the code's secret part, sealed with the command keyring (associated data: {@code commandId})
 * @param client end user's client if the backend passed it, or {@code null}
 * @param sentAt when the API accepted the request
 * @param idempotency the caller's idempotency key, or {@code null}
 */
public record MagicLinkExchangeRequested(String commandId, String tenantId, String userId, String linkId,
                                         SealedBox secret, ClientInfo client, Instant sentAt,
                                         IdempotencyKey idempotency) implements OtpCommand {

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.linkExchanged(this);
    }
}
