package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.Channel;

/**
 * One issued code as the state store keeps it: an HMAC of the code, never the code.
 *
 * @param otpId id of the code
 * @param codeMac base64 HMAC-SHA-256 of (otpId, code) under the pepper keyring
 * @param macKid pepper key id used for {@code codeMac}
 * @param channel delivery channel
 * @param destinationMasked masked destination
 * @param issuedAtMs issue time, epoch milliseconds
 * @param expiresAtMs end of lifetime, epoch milliseconds
 * @param failedAttempts wrong guesses so far
 * @param approved whether the right code was given and the code is reserved for one consume (two-phase
 *     purposes only)
 * @param expired whether its lifetime has passed and {@code otp.expired} was emitted; an expired code is kept,
 *     answering {@code expired}, for one more lifetime ({@link UserState#settle}), then forgotten
 * @param callingCode country calling code of an SMS destination, for the send gate's conversion breaker
 *     ({@code GateVerified}); {@code 0} for e-mail and for codes issued before it was kept
 * @param destinationHash keyed hash of the destination (as in {@code otp.issued}), so the send gate can tell a
 *     safe-listed number's verified codes from real conversions; {@code null} for codes issued before it was kept
 * @param delivery what the send gate or the notifier reported of its message ({@code sent}, {@code failed},
 *     {@code suppressed}), or {@code null} while nothing was reported ({@code queued})
 * @param deliveryReason the report's reason ({@code country_limit}, {@code provider_error}, ...), or {@code null}
 * @param link what a magic link keeps besides ({@link LinkState}); {@code null} for a code
 */
public record PendingOtp(String otpId, String codeMac, String macKid, Channel channel, String destinationMasked,
                         long issuedAtMs, long expiresAtMs, int failedAttempts, boolean approved, boolean expired,
                         int callingCode, String destinationHash, String delivery, String deliveryReason,
                         LinkState link) {

    /** Whether the lifetime has passed at {@code nowMs} (epoch milliseconds). */
    public boolean expiredAt(final long nowMs) {
        return nowMs >= expiresAtMs;
    }

    /** When an expired code is forgotten, epoch milliseconds: one more lifetime after it expired. */
    long forgottenAtMs() {
        return expiresAtMs + (expiresAtMs - issuedAtMs);
    }

    /** This code with one more wrong guess. */
    PendingOtp withFailedAttempt() {
        return new PendingOtp(otpId, codeMac, macKid, channel, destinationMasked, issuedAtMs, expiresAtMs,
                failedAttempts + 1, approved, expired, callingCode, destinationHash, delivery, deliveryReason, link);
    }

    /** This code approved and reserved for its consume. */
    PendingOtp asApproved() {
        return new PendingOtp(otpId, codeMac, macKid, channel, destinationMasked, issuedAtMs, expiresAtMs,
                failedAttempts, true, expired, callingCode, destinationHash, delivery, deliveryReason, link);
    }

    /** This code past its lifetime. */
    PendingOtp asExpired() {
        return new PendingOtp(otpId, codeMac, macKid, channel, destinationMasked, issuedAtMs, expiresAtMs,
                failedAttempts, approved, true, callingCode, destinationHash, delivery, deliveryReason, link);
    }

    /** This code with the outcome of its delivery; a later report replaces an earlier one. */
    PendingOtp withDelivery(final String outcome, final String reason) {
        return new PendingOtp(otpId, codeMac, macKid, channel, destinationMasked, issuedAtMs, expiresAtMs,
                failedAttempts, approved, expired, callingCode, destinationHash, outcome, reason, link);
    }

    /** Whether this entry is a magic link rather than a code. */
    boolean isLink() {
        return link != null;
    }

    /** This magic link with {@code next} as its link state and {@code expiresAt} as its end, epoch milliseconds. */
    PendingOtp withLink(final LinkState next, final long expiresAt) {
        return new PendingOtp(otpId, codeMac, macKid, channel, destinationMasked, issuedAtMs, expiresAt,
                failedAttempts, approved, expired, callingCode, destinationHash, delivery, deliveryReason, next);
    }
}
