package io.otppipeline.schemas.command;

import io.otppipeline.schemas.crypto.SealedBox;
import java.time.Instant;

/**
 * The person pressed the confirm page's button ({@code POST /l/{token}}): the only step that consumes a magic link.
 * If the token is live and right, the processor stores the exchange code's HMAC (it lives
 * {@code otp.magic.link.exchange.seconds}) and answers with the redirect URL.
 *
 * @param commandId unique id, also the reply's correlation id
 * @param tenantId tenant named by the token's route
 * @param userId user named by the token's route
 * @param linkId link named by the token's route
 * @param secret the token's secret part, sealed with the command keyring (associated data: {@code commandId})
 * @param exchangeSecret the exchange code's 32 random bytes, drawn by otp-api, sealed likewise
 * @param client the browser (address and user agent), or {@code null}
 * @param sentAt when the API accepted the request
 * @param ipVerdict the IP guard's verdict on {@code client.ip} (failures) when the API accepted the command, or
 *     {@code null}: the confirmation passes the same admission step as a code's verification (a blocked address is
 *     refused first)
 */
public record MagicLinkConfirmRequested(String commandId, String tenantId, String userId, String linkId,
                                        SealedBox secret, SealedBox exchangeSecret, ClientInfo client, Instant sentAt,
                                        IpVerdict ipVerdict)
        implements OtpCommand {

    /** The page's form is posted once; a second post finds the link used. */
    @Override
    public IdempotencyKey idempotency() {
        return null;
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.linkConfirmed(this);
    }
}
