package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.crypto.SealedBox;

/**
 * One authenticator factor as the user state keeps it (docs/ARCHITECTURE.md section 11). The secret only sealed.
 *
 * @param type {@code totp} or {@code hotp}
 * @param active whether its first code confirmed it; an unconfirmed factor verifies nothing and is dropped after
 *     {@link FactorRules#enrolmentSeconds()}
 * @param secret the shared secret, AES-GCM sealed under the factor keyring (associated data
 *     {@code tenantId:userId factorId})
 * @param algorithm {@code SHA1}, {@code SHA256} or {@code SHA512}
 * @param digits code length
 * @param periodSeconds TOTP time step in seconds; {@code 0} for HOTP
 * @param lastStep TOTP: the last time step accepted ({@code 0}: none yet): a step is accepted once only, also
 *     across instances and restarts, because this record is the user's changelogged state (RFC 6238 section 5.2)
 * @param counter HOTP: the next counter value expected
 * @param enrolledAtMs when it was enrolled, epoch milliseconds
 */
public record Factor(FactorType type, boolean active, SealedBox secret, String algorithm, int digits,
                     int periodSeconds, long lastStep, long counter, long enrolledAtMs) {

    /** This factor confirmed, having accepted the step or counter value {@code used}. */
    Factor accepted(final long used) {
        return type == FactorType.TOTP
                ? new Factor(type, true, secret, algorithm, digits, periodSeconds, used, counter, enrolledAtMs)
                : new Factor(type, true, secret, algorithm, digits, periodSeconds, lastStep, used + 1, enrolledAtMs);
    }
}
