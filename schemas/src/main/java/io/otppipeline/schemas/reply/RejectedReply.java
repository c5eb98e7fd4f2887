package io.otppipeline.schemas.reply;

/**
 * The command could not be processed at all (a sealed field could not be opened); it was kept on the commands
 * dead-letter topic.
 *
 * @param commandId id of the command answered
 */
public record RejectedReply(String commandId) implements OtpReply {

    @Override
    public boolean replayed() {
        return false;
    }

    @Override
    public ReplyStatus status() {
        return ReplyStatus.REJECTED;
    }

    @Override
    public RejectedReply replayFor(final String otherCommandId) {
        return new RejectedReply(otherCommandId);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.rejected(this);
    }
}
