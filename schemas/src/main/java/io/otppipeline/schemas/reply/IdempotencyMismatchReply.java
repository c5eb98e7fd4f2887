package io.otppipeline.schemas.reply;

/**
 * The {@code Idempotency-Key} was used before, for this user, with a different request; nothing was decided.
 *
 * @param commandId id of the command answered
 */
public record IdempotencyMismatchReply(String commandId) implements OtpReply {

    @Override
    public boolean replayed() {
        return false;
    }

    @Override
    public ReplyStatus status() {
        return ReplyStatus.IDEMPOTENCY_MISMATCH;
    }

    @Override
    public IdempotencyMismatchReply replayFor(final String otherCommandId) {
        return new IdempotencyMismatchReply(otherCommandId);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.idempotencyMismatch(this);
    }
}
