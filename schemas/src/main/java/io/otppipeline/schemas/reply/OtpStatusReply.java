package io.otppipeline.schemas.reply;

import java.time.Instant;

/**
 * Where one code stands ({@code GET /v1/otp/{otpId}}); never the code or its hash.
 *
 * @param commandId id of the status request answered
 * @param otpId the code asked about
 * @param code what the user's state knows of it, or {@code null} when the user has no such code (never issued,
 *     used, canceled, superseded, or expired more than one lifetime ago): the status is then {@code not_found}
 * @param replayed always {@code false}: a status request carries no idempotency key
 */
public record OtpStatusReply(String commandId, String otpId, CodeView code, boolean replayed) implements OtpReply {

    /**
     * One code as a status answer shows it.
     *
     * @param status {@code pending} (waiting for the right code), {@code approved} (a two-phase purpose's code
     *     reserved for its consume), {@code max_attempts} (too many wrong guesses: dead), or {@code expired}
     * @param purpose purpose it was issued for
     * @param channel {@code email} or {@code sms}
     * @param destinationMasked masked destination, for example {@code a***e@example.com}
     * @param failedAttempts wrong guesses so far
     * @param attemptsRemaining wrong guesses left before the code is dead
     * @param issuedAt when it was issued (the request's decision time)
     * @param expiresAt when it stops being accepted
     * @param delivery what became of its message: {@code queued} (no outcome reported yet), {@code sent} (a
     *     provider accepted it), {@code failed} (every provider refused it) or {@code suppressed} (not sent on
     *     purpose: a send-gate budget, a blocked prefix, or it expired before it could be sent)
     * @param deliveryReason why it failed or was suppressed ({@code country_limit}, {@code provider_error}, ...), or
     *     {@code null}
     */
    public record CodeView(ReplyStatus status, String purpose, String channel, String destinationMasked,
                           int failedAttempts, int attemptsRemaining, Instant issuedAt, Instant expiresAt,
                           String delivery, String deliveryReason) {

        /**
         * Checks the status.
         *
         * @throws IllegalArgumentException for a status a live or expired code cannot have
         */
        public CodeView {
            switch (status) {
                case PENDING, APPROVED, MAX_ATTEMPTS, EXPIRED -> {
                }
                default -> throw new IllegalArgumentException("not a code status: " + status);
            }
        }
    }

    @Override
    public ReplyStatus status() {
        return code == null ? ReplyStatus.NOT_FOUND : code.status();
    }

    @Override
    public OtpStatusReply replayFor(final String otherCommandId) {
        return new OtpStatusReply(otherCommandId, otpId, code, true);
    }

    @Override
    public <R> R accept(final Visitor<R> visitor) {
        return visitor.otpStatus(this);
    }
}
