package io.otppipeline.schemas.command;

import io.otppipeline.schemas.crypto.SealedBox;
import java.time.Instant;

/**
 * A backend asked for a code to be sent to one of its users.
 *
 * @param commandId unique id, also the reply's correlation id
 * @param tenantId tenant of the caller's API key
 * @param userId tenant's user identifier
 * @param purpose purpose name ({@code login}, {@code step_up}, {@code password_reset}, ...)
 * @param channel delivery channel
 * @param locale BCP 47 language tag for the message, or {@code null}
 * @param client end user's client, or {@code null}
 * @param sentAt when the API accepted the request
 * @param destination the e-mail address or E.164 number, sealed with the command keyring
 *     (associated data: {@code commandId})
 * @param entropy 32 random bytes drawn by otp-api for this command, sealed with the command keyring
 *     (associated data: {@code commandId}); the processor derives the otpId and the code from them, so that
 *     taking the decision again yields the same answer (docs/DESIGN-NOTES.md, "Deterministic decisions")
 * @param idempotency the caller's idempotency key, or {@code null}
 * @param ipVerdict the IP guard's verdict on {@code client.ip} when the API accepted the command, or {@code null}
 *     when there was none (no address given, or nothing known about it)
 * @param link present when the request is for a magic link ({@code POST /v1/magic-links}) instead of a code;
 *     {@code null} for a code
 * @param captcha what the tenant's CAPTCHA provider said about the request's token, or {@code null} when the tenant
 *     uses no CAPTCHA
 */
public record OtpRequested(String commandId, String tenantId, String userId, String purpose, Channel channel,
                           String locale, ClientInfo client, Instant sentAt, SealedBox destination,
                           SealedBox entropy, IdempotencyKey idempotency, IpVerdict ipVerdict, MagicLink link,
                           CaptchaVerdict captcha)
        implements OtpCommand {

    /**
     * The purpose of lockout notices (the processor's {@code LockoutNotices}): reserved, so otp-api refuses code
     * requests for it and the notifier's {@code lockout_notice} templates are never used for a code.
     */
    public static final String LOCKOUT_NOTICE_PURPOSE = "lockout_notice";


    /** A command without a CAPTCHA verdict. */
    public OtpRequested(final String commandId, final String tenantId, final String userId, final String purpose,
                        final Channel channel, final String locale, final ClientInfo client, final Instant sentAt,
                        final SealedBox destination, final SealedBox entropy, final IdempotencyKey idempotency,
                        final IpVerdict ipVerdict, final MagicLink link) {
        this(commandId, tenantId, userId, purpose, channel, locale, client, sentAt, destination, entropy, idempotency,
                ipVerdict, link, null);
    }

    /** A command without an IP verdict. */
    public OtpRequested(final String commandId, final String tenantId, final String userId, final String purpose,
                        final Channel channel, final String locale, final ClientInfo client, final Instant sentAt,
                        final SealedBox destination, final SealedBox entropy, final IdempotencyKey idempotency) {
        this(commandId, tenantId, userId, purpose, channel, locale, client, sentAt, destination, entropy, idempotency,
                null, null, null);
    }

    /** A request for a code (no magic link). */
    public OtpRequested(final String commandId, final String tenantId, final String userId, final String purpose,
                        final Channel channel, final String locale, final ClientInfo client, final Instant sentAt,
                        final SealedBox destination, final SealedBox entropy, final IdempotencyKey idempotency,
                        final IpVerdict ipVerdict) {
        this(commandId, tenantId, userId, purpose, channel, locale, client, sentAt, destination, entropy, idempotency,
                ipVerdict, null, null);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.request(this);
    }
}
