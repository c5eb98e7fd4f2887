package io.otppipeline.schemas.command;

import io.otppipeline.schemas.crypto.SealedBox;
import java.time.Instant;

/**
 * A backend enrols an authenticator app for one of its users. otp-api draws the secret (it shows it once, in the
 * {@code otpauth://} URI of its answer) and seals it into the command; the processor keeps it only sealed under
 * the factor keyring. The processor never draws randomness (docs/DESIGN-NOTES.md, "Deterministic decisions").
 *
 * @param commandId unique id, also the reply's correlation id; the factor's id is derived from it
 * @param tenantId tenant of the caller's API key
 * @param userId tenant's user identifier
 * @param type {@code totp} or {@code hotp}
 * @param client end user's client, or {@code null}
 * @param sentAt when the API accepted the request
 * @param secret the shared secret, 20 bytes (160 bits, RFC 4226 section 4 R6), sealed with the command keyring
 *     (associated data: {@code commandId})
 * @param idempotency the caller's idempotency key, or {@code null}
 */
public record FactorEnrolRequested(String commandId, String tenantId, String userId, FactorType type,
                                   ClientInfo client, Instant sentAt, SealedBox secret, IdempotencyKey idempotency)
        implements OtpCommand {

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.enrolFactor(this);
    }
}
