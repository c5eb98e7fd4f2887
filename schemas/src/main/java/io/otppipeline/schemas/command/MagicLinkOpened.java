package io.otppipeline.schemas.command;

import io.otppipeline.schemas.crypto.SealedBox;
import java.time.Instant;

/**
 * Someone (the user, or a mail scanner) fetched a magic link's page ({@code GET /l/{token}}): the processor says
 * whether the link is live and counts the open; it consumes nothing.
 *
 * @param commandId unique id, also the reply's correlation id
 * @param tenantId tenant named by the token's route
 * @param userId user named by the token's route
 * @param linkId link named by the token's route
 * @param secret the token's secret part, sealed with the command keyring (associated data: {@code commandId})
 * @param client who fetched it (address and user agent as otp-api saw them), or {@code null}
 * @param sentAt when the API accepted the request
 */
public record MagicLinkOpened(String commandId, String tenantId, String userId, String linkId, SealedBox secret,
                              ClientInfo client, Instant sentAt) implements OtpCommand {

    /** A page fetch needs no idempotency key. */
    @Override
    public IdempotencyKey idempotency() {
        return null;
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.linkOpened(this);
    }
}
