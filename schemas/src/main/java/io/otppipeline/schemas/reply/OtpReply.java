package io.otppipeline.schemas.reply;

import java.time.Instant;

/**
 * The processor's decision for one command, on {@code otp.replies.v1}, keyed by command id. Holds no
 * code and no raw destination.
 *
 * @param commandId id of the command answered
 * @param status the decision
 * @param otpId the code concerned, if any
 * @param expiresAt when the issued code stops being accepted (requests only)
 * @param resendAvailableAt earliest time another code may be requested (requests only)
 * @param destinationMasked masked destination, for example {@code a***e@example.com} (requests only)
 * @param attemptsRemaining wrong guesses left on the code (verifications that found a live code)
 * @param retryAfterSeconds seconds until a refused call may succeed ({@code locked}, {@code rate_limited})
 */
public record OtpReply(String commandId, ReplyStatus status, String otpId, Instant expiresAt,
                       Instant resendAvailableAt, String destinationMasked, Integer attemptsRemaining,
                       Long retryAfterSeconds) {

    /** A reply that carries only a status. */
    public static OtpReply of(final String commandId, final ReplyStatus status) {
        return new OtpReply(commandId, status, null, null, null, null, null, null);
    }

    /** This reply answering another command (an idempotent repeat gets the first decision). */
    public OtpReply forCommand(final String otherCommandId) {
        return new OtpReply(otherCommandId, status, otpId, expiresAt, resendAvailableAt, destinationMasked,
                attemptsRemaining, retryAfterSeconds);
    }
}
