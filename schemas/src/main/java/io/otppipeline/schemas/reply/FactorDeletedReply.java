package io.otppipeline.schemas.reply;

/**
 * The answer to removing an authenticator factor.
 *
 * @param commandId id of the command answered
 * @param status {@code deleted} or {@code not_found}
 * @param factorId the factor named
 * @param replayed see {@link OtpReply#replayed()}
 */
public record FactorDeletedReply(String commandId, ReplyStatus status, String factorId, boolean replayed)
        implements OtpReply {

    /**
     * Checks the status.
     *
     * @throws IllegalArgumentException for a status other than {@code deleted} or {@code not_found}
     */
    public FactorDeletedReply {
        if (status != ReplyStatus.DELETED && status != ReplyStatus.NOT_FOUND) {
            throw new IllegalArgumentException("a factor removal is deleted or not_found");
        }
    }

    @Override
    public FactorDeletedReply replayFor(final String otherCommandId) {
        return new FactorDeletedReply(otherCommandId, status, factorId, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.factorDeleted(this);
    }
}
