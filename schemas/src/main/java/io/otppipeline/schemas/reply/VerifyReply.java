package io.otppipeline.schemas.reply;

/**
 * The outcome of a verification.
 *
 * @param commandId id of the verification answered
 * @param status {@code approved}, {@code denied}, {@code expired}, {@code max_attempts}, {@code not_found},
 *     {@code locked}, {@code rate_limited} (the IP guard refused the client's address: nothing was checked or
 *     counted), {@code malformed} (the code's length is not its purpose's: nothing compared or counted), or
 *     {@code challenge_required} (a challenge was due and the tenant's CAPTCHA did not pass: nothing compared or
 *     counted)
 * @param otpId the code concerned, when one was found
 * @param attemptsRemaining wrong guesses left on the code, when a code that still counts was found
 * @param retryAfterSeconds seconds until the user's lockout ends, when the answer is {@code locked} or this
 *     verification started a lockout; until the address's block ends for {@code rate_limited}
 * @param challengeRequired whether the caller should challenge the end user before the next attempt (the IP guard's
 *     or the user's lower threshold was passed)
 * @param replayed see {@link OtpReply#replayed()}
 */
public record VerifyReply(String commandId, ReplyStatus status, String otpId, Integer attemptsRemaining,
                          Long retryAfterSeconds, boolean challengeRequired, boolean replayed) implements OtpReply {

    /**
     * Checks the status.
     *
     * @throws IllegalArgumentException for a status that does not answer a verification
     */
    public VerifyReply {
        switch (status) {
            case APPROVED, DENIED, EXPIRED, MAX_ATTEMPTS, NOT_FOUND, LOCKED, RATE_LIMITED, MALFORMED, CHALLENGE_REQUIRED -> {
            }
            default -> throw new IllegalArgumentException("not a verification outcome: " + status);
        }
    }

    @Override
    public VerifyReply replayFor(final String otherCommandId) {
        return new VerifyReply(otherCommandId, status, otpId, attemptsRemaining, retryAfterSeconds, challengeRequired, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.verified(this);
    }
}
