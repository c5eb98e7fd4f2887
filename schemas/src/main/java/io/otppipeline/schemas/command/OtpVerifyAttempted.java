package io.otppipeline.schemas.command;

import io.otppipeline.schemas.crypto.SealedBox;
import java.time.Instant;

/**
 * A backend forwarded a code its user typed.
 *
 * @param commandId unique id, also the reply's correlation id
 * @param tenantId tenant of the caller's API key
 * @param userId tenant's user identifier
 * @param purpose purpose the code was issued for
 * @param otpId the code's id if the caller knows it, else {@code null} (the user's pending code for
 *     {@code purpose} is used)
 * @param client end user's client, or {@code null}
 * @param sentAt when the API accepted the request
 * @param code the typed code, sealed with the command keyring (associated data: {@code commandId})
 * @param idempotency the caller's idempotency key, or {@code null}
 * @param ipVerdict the IP guard's verdict on {@code client.ip} when the API accepted the command, or {@code null}
 *     when there was none (no address given, or nothing known about it)
 * @param captcha what the tenant's CAPTCHA provider said about the request's token, or {@code null} when the tenant
 *     uses no CAPTCHA
 */
public record OtpVerifyAttempted(String commandId, String tenantId, String userId, String purpose, String otpId,
                                 ClientInfo client, Instant sentAt, SealedBox code,
                                 IdempotencyKey idempotency, IpVerdict ipVerdict, CaptchaVerdict captcha)
        implements OtpCommand {

    /** A command without a CAPTCHA verdict. */
    public OtpVerifyAttempted(final String commandId, final String tenantId, final String userId,
                              final String purpose, final String otpId, final ClientInfo client, final Instant sentAt,
                              final SealedBox code, final IdempotencyKey idempotency, final IpVerdict ipVerdict) {
        this(commandId, tenantId, userId, purpose, otpId, client, sentAt, code, idempotency, ipVerdict, null);
    }

    /** A command without an IP verdict. */
    public OtpVerifyAttempted(final String commandId, final String tenantId, final String userId,
                              final String purpose, final String otpId, final ClientInfo client, final Instant sentAt,
                              final SealedBox code, final IdempotencyKey idempotency) {
        this(commandId, tenantId, userId, purpose, otpId, client, sentAt, code, idempotency, null, null);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.verify(this);
    }
}
