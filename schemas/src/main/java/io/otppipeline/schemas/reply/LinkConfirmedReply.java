package io.otppipeline.schemas.reply;

/**
 * The outcome of a magic link's confirm step ({@code POST /l/{token}}).
 *
 * @param commandId id of the confirmation answered
 * @param redirectUrl where to send the browser with the exchange code when the link was consumed; {@code null} when
 *     it was not (wrong, expired, used, superseded or unknown token, or the user is locked)
 * @param replayed always {@code false}
 */
public record LinkConfirmedReply(String commandId, String redirectUrl, boolean replayed) implements OtpReply {

    @Override
    public ReplyStatus status() {
        return redirectUrl != null ? ReplyStatus.APPROVED : ReplyStatus.NOT_FOUND;
    }

    @Override
    public LinkConfirmedReply replayFor(final String otherCommandId) {
        return new LinkConfirmedReply(otherCommandId, redirectUrl, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.linkConfirmed(this);
    }
}
