package io.otppipeline.schemas.reply;

/**
 * The outcome of redeeming an exchange code ({@code POST /v1/magic-links/exchange}).
 *
 * @param commandId id of the exchange answered
 * @param linkId the link the code belongs to
 * @param purpose the link's purpose when approved, else {@code null}
 * @param approved {@code true} the first time a live code is redeemed; {@code false} for a used, expired, wrong or
 *     unknown one (answered {@code 409})
 * @param replayed see {@link OtpReply#replayed()}
 */
public record LinkExchangedReply(String commandId, String linkId, String purpose, boolean approved,
                                 boolean replayed) implements OtpReply {

    @Override
    public ReplyStatus status() {
        return approved ? ReplyStatus.APPROVED : ReplyStatus.CONFLICT;
    }

    @Override
    public LinkExchangedReply replayFor(final String otherCommandId) {
        return new LinkExchangedReply(otherCommandId, linkId, purpose, approved, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.linkExchanged(this);
    }
}
