package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Data of {@code otp.verification.completed}.
 *
 * @param otpId the code checked, absent for {@code not_found}
 * @param commandId the verification command
 * @param purpose purpose name
 * @param outcome {@code approved}, {@code denied}, {@code expired}, {@code max_attempts}, {@code not_found} or
 *     {@code locked}
 * @param failedAttempts wrong guesses on this code so far, this one included
 * @param attemptsRemaining wrong guesses left before the code dies
 * @param userFailures the user's failed verifications inside the lockout window after this one (all codes)
 * @param retryAfterSeconds seconds until the lockout ends, for {@code locked}
 * @param client end user's client, if the caller sent it
 * @param channel the code's channel ({@code email} or {@code sms}), when a code was found
 * @param ageMs milliseconds from the code's issue to this verification, when a code was found (the time users take
 *     to type a code; {@code otp_verification_age_seconds} on the processor's {@code /metrics})
 * @param compared {@code true} when the typed code was compared with the code: {@code approved}, {@code denied}, and
 *     the {@code max_attempts} of the wrong guess that used up the code (a later guess at a dead code is answered
 *     {@code max_attempts} without a comparison and has no {@code compared}); the IP guard counts every compared
 *     wrong guess (issue 32)
 */
public record VerificationCompletedData(String otpId, String commandId, String purpose, String outcome,
                                        Integer failedAttempts, Integer attemptsRemaining, Integer userFailures,
                                        Long retryAfterSeconds, ClientInfo client, String channel, Long ageMs,
                                        Boolean compared) {

    /** The data without {@code compared}. */
    public VerificationCompletedData(final String otpId, final String commandId, final String purpose,
                                     final String outcome, final Integer failedAttempts,
                                     final Integer attemptsRemaining, final Integer userFailures,
                                     final Long retryAfterSeconds, final ClientInfo client, final String channel,
                                     final Long ageMs) {
        this(otpId, commandId, purpose, outcome, failedAttempts, attemptsRemaining, userFailures, retryAfterSeconds,
                client, channel, ageMs, null);
    }

    /** The data without channel and age. */
    public VerificationCompletedData(final String otpId, final String commandId, final String purpose,
                                     final String outcome, final Integer failedAttempts,
                                     final Integer attemptsRemaining, final Integer userFailures,
                                     final Long retryAfterSeconds, final ClientInfo client) {
        this(otpId, commandId, purpose, outcome, failedAttempts, attemptsRemaining, userFailures, retryAfterSeconds,
                client, null, null, null);
    }
}
