package io.otppipeline.schemas.reply;

/**
 * The answer to canceling a code.
 *
 * @param commandId id of the cancel answered
 * @param otpId the code named
 * @param canceled {@code true} if a pending code was canceled; {@code false} if the user has no live code with that
 *     id (never issued, already used, expired, superseded or canceled)
 * @param replayed see {@link OtpReply#replayed()}
 */
public record CancelReply(String commandId, String otpId, boolean canceled, boolean replayed) implements OtpReply {

    @Override
    public ReplyStatus status() {
        return canceled ? ReplyStatus.CANCELED : ReplyStatus.NOT_FOUND;
    }

    @Override
    public CancelReply replayFor(final String otherCommandId) {
        return new CancelReply(otherCommandId, otpId, canceled, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.canceled(this);
    }
}
