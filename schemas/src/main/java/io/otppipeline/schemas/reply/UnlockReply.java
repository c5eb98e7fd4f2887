package io.otppipeline.schemas.reply;

/**
 * An administrator's unlock was applied (whether or not the user was locked).
 *
 * @param commandId id of the unlock answered
 * @param replayed see {@link OtpReply#replayed()}
 */
public record UnlockReply(String commandId, boolean replayed) implements OtpReply {

    @Override
    public ReplyStatus status() {
        return ReplyStatus.UNLOCKED;
    }

    @Override
    public UnlockReply replayFor(final String otherCommandId) {
        return new UnlockReply(otherCommandId, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.unlocked(this);
    }
}
