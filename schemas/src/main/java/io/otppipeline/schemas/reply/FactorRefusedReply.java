package io.otppipeline.schemas.reply;

/**
 * An enrolment was refused: the user already holds {@code otp.factor.max.per.user} factors (HTTP 409).
 *
 * @param commandId id of the enrolment answered
 * @param reason {@code factor_limit}
 * @param replayed see {@link OtpReply#replayed()}
 */
public record FactorRefusedReply(String commandId, String reason, boolean replayed) implements OtpReply {

    @Override
    public ReplyStatus status() {
        return ReplyStatus.CONFLICT;
    }

    @Override
    public FactorRefusedReply replayFor(final String otherCommandId) {
        return new FactorRefusedReply(otherCommandId, reason, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.factorRefused(this);
    }
}
