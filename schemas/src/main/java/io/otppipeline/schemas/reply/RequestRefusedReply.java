package io.otppipeline.schemas.reply;

/**
 * A request for a code was refused.
 *
 * @param commandId id of the request answered
 * @param status {@link ReplyStatus#RATE_LIMITED} (send limit or resend cooldown), {@link ReplyStatus#LOCKED} or
 *     {@link ReplyStatus#CHALLENGE_REQUIRED} (a CAPTCHA was due and did not pass)
 * @param reason why: {@code rate_limited} (the user's send window), {@code cooldown}, {@code locked} or
 *     {@code ip_limit} (the IP guard refused the client's address)
 * @param retryAfterSeconds whole seconds until the same request may succeed, at least 1
 * @param challengeRequired whether the caller should challenge the end user before the next request
 * @param replayed see {@link OtpReply#replayed()}
 */
public record RequestRefusedReply(String commandId, ReplyStatus status, String reason, long retryAfterSeconds,
                                  boolean challengeRequired, boolean replayed)
        implements OtpReply {

    /**
     * Checks the status.
     *
     * @throws IllegalArgumentException for a status other than {@code rate_limited}, {@code locked} or {@code challenge_required}
     */
    public RequestRefusedReply {
        if (status != ReplyStatus.RATE_LIMITED && status != ReplyStatus.LOCKED
                && status != ReplyStatus.CHALLENGE_REQUIRED) {
            throw new IllegalArgumentException("a refused request is rate_limited or locked");
        }
    }

    @Override
    public RequestRefusedReply replayFor(final String otherCommandId) {
        return new RequestRefusedReply(otherCommandId, status, reason, retryAfterSeconds, challengeRequired,
                true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.requestRefused(this);
    }
}
