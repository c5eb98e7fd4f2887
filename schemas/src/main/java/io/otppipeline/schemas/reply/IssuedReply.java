package io.otppipeline.schemas.reply;

import java.time.Instant;

/**
 * A code was issued ({@code pending}).
 *
 * @param commandId id of the request answered
 * @param otpId id of the new code
 * @param expiresAt when the code stops being accepted
 * @param resendAvailableAt earliest time another code may be requested for the same purpose
 * @param destinationMasked masked destination, for example {@code a***e@example.com}
 * @param challengeRequired whether the caller should challenge the end user (a CAPTCHA, R1) before the
 *     next request: the IP guard saw this address pass its lower threshold, or the user has failed verifications
 * @param replayed see {@link OtpReply#replayed()}
 */
public record IssuedReply(String commandId, String otpId, Instant expiresAt, Instant resendAvailableAt,
                          String destinationMasked, boolean challengeRequired, boolean replayed) implements OtpReply {

    @Override
    public ReplyStatus status() {
        return ReplyStatus.PENDING;
    }

    @Override
    public IssuedReply replayFor(final String otherCommandId) {
        return new IssuedReply(otherCommandId, otpId, expiresAt, resendAvailableAt, destinationMasked, challengeRequired, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.issued(this);
    }
}
