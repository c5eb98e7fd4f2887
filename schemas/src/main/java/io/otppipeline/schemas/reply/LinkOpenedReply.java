package io.otppipeline.schemas.reply;

/**
 * Whether a fetched magic link is live ({@code GET /l/{token}}): otp-api shows the confirm page if so, the neutral
 * page otherwise (the same for expired, used, superseded and unknown links).
 *
 * @param commandId id of the open answered
 * @param live {@code true} when the token is right and its link neither confirmed, expired nor superseded
 * @param redirectUrl the link's redirect URL when live (the confirm page allows its origin as the form's target),
 *     else {@code null}
 * @param replayed always {@code false}
 */
public record LinkOpenedReply(String commandId, boolean live, String redirectUrl, boolean replayed)
        implements OtpReply {

    @Override
    public ReplyStatus status() {
        return live ? ReplyStatus.PENDING : ReplyStatus.NOT_FOUND;
    }

    @Override
    public LinkOpenedReply replayFor(final String otherCommandId) {
        return new LinkOpenedReply(otherCommandId, live, redirectUrl, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.linkOpened(this);
    }
}
