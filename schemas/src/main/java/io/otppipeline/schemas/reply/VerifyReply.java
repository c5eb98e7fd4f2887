package io.otppipeline.schemas.reply;

/**
 * The outcome of a verification.
 *
 * @param commandId id of the verification answered
 * @param status {@code approved}, {@code denied}, {@code expired}, {@code max_attempts}, {@code not_found} or
 *     {@code locked}
 * @param otpId the code concerned, when one was found
 * @param attemptsRemaining wrong guesses left on the code, when a code that still counts was found
 * @param retryAfterSeconds seconds until the user's lockout ends, when the answer is {@code locked} or this
 *     verification started a lockout
 * @param replayed see {@link OtpReply#replayed()}
 */
public record VerifyReply(String commandId, ReplyStatus status, String otpId, Integer attemptsRemaining,
                          Long retryAfterSeconds, boolean replayed) implements OtpReply {

    /**
     * Checks the status.
     *
     * @throws IllegalArgumentException for a status that does not answer a verification
     */
    public VerifyReply {
        switch (status) {
            case APPROVED, DENIED, EXPIRED, MAX_ATTEMPTS, NOT_FOUND, LOCKED -> {
            }
            default -> throw new IllegalArgumentException("not a verification outcome: " + status);
        }
    }

    @Override
    public VerifyReply replayFor(final String otherCommandId) {
        return new VerifyReply(otherCommandId, status, otpId, attemptsRemaining, retryAfterSeconds, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.verified(this);
    }
}
