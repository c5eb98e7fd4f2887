package io.otppipeline.schemas.event;

import java.time.Instant;

/**
 * Data of {@code otp.expired}: the expiry sweep removed a code whose lifetime had passed.
 *
 * @param otpId the code
 * @param purpose purpose name
 * @param channel {@code email} or {@code sms}
 * @param failedAttempts wrong guesses the code had received
 * @param approved whether it was an approved code of a two-phase purpose that was never consumed
 * @param expiresAt end of the code's lifetime
 */
public record OtpExpiredData(String otpId, String purpose, String channel, Integer failedAttempts, Boolean approved,
                             Instant expiresAt) {
}
