package io.otppipeline.schemas.reply;

/**
 * The outcome of consuming an approved two-phase code.
 *
 * @param commandId id of the consume answered
 * @param otpId the code named by the caller
 * @param consumed {@code true} once; {@code false} (a conflict) when the code is not approved, already consumed,
 *     expired, unknown or not of a two-phase purpose
 * @param replayed see {@link OtpReply#replayed()}
 */
public record ConsumeReply(String commandId, String otpId, boolean consumed, boolean replayed) implements OtpReply {

    @Override
    public ReplyStatus status() {
        return consumed ? ReplyStatus.CONSUMED : ReplyStatus.CONFLICT;
    }

    @Override
    public ConsumeReply replayFor(final String otherCommandId) {
        return new ConsumeReply(otherCommandId, otpId, consumed, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.consumed(this);
    }
}
