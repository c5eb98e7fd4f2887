package io.otppipeline.schemas.reply;

/**
 * The outcome of a code from an authenticator app: a confirmation ({@code active} or a refusal) or a verification
 * ({@code approved} or a refusal).
 *
 * @param commandId id of the command answered
 * @param status {@code active} (confirmed), {@code approved} (verified), {@code denied} (wrong, reused or too old
 *     code), {@code not_found} (no such factor, or none active), {@code locked} (the user is locked out) or
 *     {@code rate_limited} (the IP guard refused the client's address)
 * @param factorId the factor that matched or was named, when there is one
 * @param retryAfterSeconds seconds until the lockout or the address's block ends, for {@code locked},
 *     {@code rate_limited} or a failure that started a lockout
 * @param challengeRequired whether the caller should challenge the end user before the next attempt
 * @param replayed see {@link OtpReply#replayed()}
 */
public record FactorCheckReply(String commandId, ReplyStatus status, String factorId, Long retryAfterSeconds,
                               boolean challengeRequired, boolean replayed) implements OtpReply {

    /**
     * Checks the status.
     *
     * @throws IllegalArgumentException for a status that does not answer a factor code
     */
    public FactorCheckReply {
        switch (status) {
            case ACTIVE, APPROVED, DENIED, NOT_FOUND, LOCKED, RATE_LIMITED -> {
            }
            default -> throw new IllegalArgumentException("not a factor check outcome: " + status);
        }
    }

    @Override
    public FactorCheckReply replayFor(final String otherCommandId) {
        return new FactorCheckReply(otherCommandId, status, factorId, retryAfterSeconds, challengeRequired, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.factorChecked(this);
    }
}
