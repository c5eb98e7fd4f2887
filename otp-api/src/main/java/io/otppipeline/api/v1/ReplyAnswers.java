package io.otppipeline.api.v1;

import io.otppipeline.api.http.HttpAnswer;
import io.otppipeline.api.http.Problem;
import io.otppipeline.api.http.ProblemException;
import io.otppipeline.schemas.reply.CancelReply;
import io.otppipeline.schemas.reply.ConsumeReply;
import io.otppipeline.schemas.reply.FactorCheckReply;
import io.otppipeline.schemas.reply.FactorDeletedReply;
import io.otppipeline.schemas.reply.FactorEnrolledReply;
import io.otppipeline.schemas.reply.FactorRefusedReply;
import io.otppipeline.schemas.reply.IdempotencyMismatchReply;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.LinkConfirmedReply;
import io.otppipeline.schemas.reply.LinkExchangedReply;
import io.otppipeline.schemas.reply.LinkOpenedReply;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.OtpStatusReply;
import io.otppipeline.schemas.reply.RejectedReply;
import io.otppipeline.schemas.reply.RequestRefusedReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import io.otppipeline.schemas.reply.UnlockReply;
import io.otppipeline.schemas.reply.VerifyReply;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The HTTP answer to each kind of decision (docs/API.md): one method per reply type of {@link OtpReply}, so the
 * compiler checks that every decision has an answer. A replayed decision (a repeated {@code Idempotency-Key})
 * carries {@code Idempotent-Replayed: true} and {@code "replayed": true} (Stripe's convention): callers must not
 * open a second session on a replayed approval.
 *
 * <table>
 *   <caption>Statuses</caption>
 *   <tr><td>issued</td><td>201</td></tr>
 *   <tr><td>request refused: rate_limited / locked</td><td>429 / 423, {@code Retry-After} in seconds,
 *       {@code reason}</td></tr>
 *   <tr><td>verification refused by the IP guard</td><td>429, {@code Retry-After}, reason {@code ip_limit}</td></tr>
 *   <tr><td>verification (any other outcome)</td><td>200; {@code Retry-After} with {@code locked}</td></tr>
 *   <tr><td>consume: consumed / conflict</td><td>200 / 409</td></tr>
 *   <tr><td>unlock</td><td>200</td></tr>
 *   <tr><td>status of a code: found / not found</td><td>200 / 404</td></tr>
 *   <tr><td>idempotency key reused with another request</td><td>422</td></tr>
 *   <tr><td>rejected by the pipeline (dead-lettered)</td><td>500</td></tr>
 * </table>
 */
public final class ReplyAnswers implements OtpReply.Visitor<HttpAnswer> {

    /** Header set on replayed decisions. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    /** The one instance (stateless). */
    static final ReplyAnswers INSTANCE = new ReplyAnswers();

    /**
     * {@code 201} body of {@code POST /v1/otp}.
     *
     * @param status always {@code pending}
     * @param otpId id of the new code
     * @param expiresAt end of the code's lifetime (RFC 3339)
     * @param resendAvailableAt earliest time another code may be requested (RFC 3339)
     * @param destinationMasked masked destination
     * @param challengeRequired {@code true} when the caller should challenge the end user (a CAPTCHA) before the
     *     next request, else absent
     * @param replayed {@code true} for a replayed decision, else absent
     */
    record Created(String status, String otpId, Instant expiresAt, Instant resendAvailableAt,
                   String destinationMasked, Boolean challengeRequired, Boolean replayed) {
    }

    /**
     * {@code 200} body of {@code POST /v1/otp/verify}.
     *
     * @param status {@code approved}, {@code denied}, {@code expired}, {@code max_attempts}, {@code not_found}
     *     or {@code locked}
     * @param otpId the code concerned, if one was found
     * @param attemptsRemaining wrong guesses left, if a live code was found
     * @param retryAfterSeconds seconds until the lock ends, for {@code locked}
     * @param challengeRequired {@code true} when the caller should challenge the end user before the next attempt,
     *     else absent
     * @param replayed {@code true} for a replayed decision, else absent
     * @param factorId for an authenticator code: the factor that matched or was named, else absent
     */
    record Verified(String status, String otpId, Integer attemptsRemaining, Long retryAfterSeconds,
                    Boolean challengeRequired, Boolean replayed, String factorId) {

        Verified(final String status, final String otpId, final Integer attemptsRemaining,
                 final Long retryAfterSeconds, final Boolean challengeRequired, final Boolean replayed) {
            this(status, otpId, attemptsRemaining, retryAfterSeconds, challengeRequired, replayed, null);
        }
    }

    /**
     * {@code 200} body of {@code POST /v1/otp/{otpId}/consume} and {@code POST /v1/users/{userId}/unlock}.
     *
     * @param status {@code consumed} or {@code unlocked}
     * @param otpId the consumed code (consume only)
     * @param replayed {@code true} for a replayed decision, else absent
     */
    record Done(String status, String otpId, Boolean replayed) {
    }

    private ReplyAnswers() {
    }

    /** The answer to {@code reply}. */
    public static HttpAnswer of(final OtpReply reply) {
        return reply.accept(INSTANCE);
    }

    @Override
    public HttpAnswer issued(final IssuedReply r) {
        return answer(201, r, new Created(r.status().wireName(), r.otpId(), r.expiresAt(), r.resendAvailableAt(),
                r.destinationMasked(), orAbsent(r.challengeRequired()), flag(r)), Map.of());
    }

    @Override
    public HttpAnswer requestRefused(final RequestRefusedReply r) {
        if (r.status() == ReplyStatus.CHALLENGE_REQUIRED) {
            return challengeRequired(r, r.reason());
        }
        final boolean locked = r.status() == ReplyStatus.LOCKED;
        final Problem problem = (locked
                ? Problem.of(423, "locked", "User is locked out", "Retry after " + r.retryAfterSeconds() + " seconds.")
                : Problem.of(429, "rate-limited", "Too many codes requested",
                        "Retry after " + r.retryAfterSeconds() + " seconds.")).withReason(r.reason(),
                r.challengeRequired());
        return answer(problem.status(), r, problem, Map.of("Retry-After", Long.toString(r.retryAfterSeconds())));
    }

    @Override
    public HttpAnswer verified(final VerifyReply r) {
        if (r.status() == ReplyStatus.RATE_LIMITED) {
            return ipLimited(r, r.retryAfterSeconds(), r.challengeRequired());
        }
        if (r.status() == ReplyStatus.CHALLENGE_REQUIRED) {
            return challengeRequired(r, "captcha_required");
        }
        if (r.status() == ReplyStatus.MALFORMED) { // counted nowhere: the caller fixes its input (seed 001)
            return answer(400, r, Problem.validation(List.of(new Problem.FieldError("code",
                    "must have the number of digits of this purpose's codes (otp.code.digits, 6 by default)"))),
                    Map.of());
        }
        final Map<String, String> headers = retryAfter(r.retryAfterSeconds());
        return answer(200, r, new Verified(r.status().wireName(), r.otpId(), r.attemptsRemaining(),
                r.retryAfterSeconds(), orAbsent(r.challengeRequired()), flag(r)), headers);
    }

    @Override
    public HttpAnswer consumed(final ConsumeReply r) {
        if (r.consumed()) {
            return answer(200, r, new Done(r.status().wireName(), r.otpId(), flag(r)), Map.of());
        }
        return answer(409, r, Problem.of(409, "not-consumable", "Code cannot be consumed",
                "The code is not an approved code of a two-phase purpose: not approved yet, already consumed, "
                        + "expired or unknown."), Map.of());
    }

    @Override
    public HttpAnswer unlocked(final UnlockReply r) {
        return answer(200, r, new Done(r.status().wireName(), null, flag(r)), Map.of());
    }

    @Override
    public HttpAnswer idempotencyMismatch(final IdempotencyMismatchReply r) {
        return HttpAnswer.of(idempotencyMismatch());
    }

    @Override
    public HttpAnswer rejected(final RejectedReply r) {
        return new HttpAnswer(500, Map.of(), Problem.of(500, "command-rejected", "Command could not be processed",
                "The pipeline refused the command; it was kept on the dead-letter topic."));
    }

    /**
     * The enrolment's {@code 201} without the secret. otp-api answers a first enrolment itself, adding the
     * {@code otpauth://} URI and QR image of the secret it drew ({@code FactorEnrollment}); a <em>replayed</em>
     * enrolment is {@code 409}: the secret is shown once, and this instance never saw the first one.
     */
    @Override
    public HttpAnswer factorEnrolled(final FactorEnrolledReply r) {
        if (r.replayed()) {
            return answer(409, r, Problem.of(409, "factor-secret-shown-once", "Factor already enrolled",
                    "This Idempotency-Key enrolled a factor already; its secret is shown only in the first answer. "
                            + "Enrol again with a new key (an unconfirmed factor lapses on its own)."), Map.of());
        }
        return answer(201, r, new FactorBody(r.status().wireName(), r.factorId(), r.type().wireName(), null, null,
                null, null), Map.of());
    }

    @Override
    public HttpAnswer factorChecked(final FactorCheckReply r) {
        if (r.status() == ReplyStatus.RATE_LIMITED) {
            return ipLimited(r, r.retryAfterSeconds(), r.challengeRequired());
        }
        final Map<String, String> headers = retryAfter(r.retryAfterSeconds());
        return answer(200, r, new Verified(r.status().wireName(), null, null, r.retryAfterSeconds(),
                orAbsent(r.challengeRequired()), flag(r), r.factorId()), headers);
    }

    @Override
    public HttpAnswer factorDeleted(final FactorDeletedReply r) {
        if (r.status() == ReplyStatus.NOT_FOUND) {
            return answer(404, r, Problem.of(404, "factor-not-found", "No such factor",
                    "The user has no factor with this id."), Map.of());
        }
        return answer(200, r, new Done(r.status().wireName(), null, flag(r)), Map.of());
    }

    @Override
    public HttpAnswer canceled(final CancelReply r) {
        if (!r.canceled()) {
            return answer(404, r, Problem.of(404, "otp-not-found", "No such code",
                    "The user has no live code with this id: never issued, used, expired, superseded or canceled."),
                    Map.of());
        }
        return answer(200, r, new Done(r.status().wireName(), r.otpId(), flag(r)), Map.of());
    }

    /**
     * {@code 200} body of {@code GET /v1/otp/{otpId}}: where the code stands; never the code.
     *
     * @param otpId the code
     * @param status {@code pending}, {@code approved} (two-phase, waiting for its consume), {@code max_attempts} or
     *     {@code expired}
     * @param purpose purpose it was issued for
     * @param channel {@code email} or {@code sms}
     * @param destinationMasked masked destination
     * @param failedAttempts wrong guesses so far
     * @param attemptsRemaining wrong guesses left
     * @param issuedAt issue time (RFC 3339)
     * @param expiresAt end of the lifetime (RFC 3339)
     * @param delivery {@code queued}, {@code sent}, {@code failed} or {@code suppressed}
     * @param deliveryReason why it failed or was suppressed, else absent
     */
    record StatusBody(String otpId, String status, String purpose, String channel, String destinationMasked,
                      int failedAttempts, int attemptsRemaining, Instant issuedAt, Instant expiresAt, String delivery,
                      String deliveryReason) {
    }

    @Override
    public HttpAnswer otpStatus(final OtpStatusReply r) {
        final OtpStatusReply.CodeView c = r.code();
        if (c == null) {
            return answer(404, r, Problem.of(404, "otp-not-found", "No such code",
                    "The user has no code with this id: never issued, used, canceled, superseded, or expired more "
                            + "than one lifetime ago."), Map.of("Cache-Control", "no-store"));
        }
        return answer(200, r, new StatusBody(r.otpId(), c.status().wireName(), c.purpose(), c.channel(),
                c.destinationMasked(), c.failedAttempts(), c.attemptsRemaining(), c.issuedAt(), c.expiresAt(),
                c.delivery(), c.deliveryReason()), Map.of("Cache-Control", "no-store"));
    }

    /**
     * {@code 200} body of {@code POST /v1/magic-links/exchange}.
     *
     * @param status always {@code approved}
     * @param userId the user the link was issued to
     * @param purpose the link's purpose
     * @param linkId the link
     * @param replayed {@code true} for a replayed decision, else absent
     */
    record Exchanged(String status, String userId, String purpose, String linkId, Boolean replayed) {
    }

    /** A link exchange, for the user the code's route named: 200 once, then 409. */
    public static HttpAnswer exchanged(final LinkExchangedReply r, final String userId) {
        if (!r.approved()) {
            return answer(409, r, Problem.of(409, "exchange-code-used", "Exchange code not redeemable",
                    "The exchange code was redeemed already, expired, or is not this tenant's."), Map.of());
        }
        return answer(200, r, new Exchanged("approved", userId, r.purpose(), r.linkId(), flag(r)),
                Map.of("Cache-Control", "no-store"));
    }

    @Override
    public HttpAnswer linkExchanged(final LinkExchangedReply r) {
        return exchanged(r, null);
    }

    /** Page fetches and confirmations are answered with HTML by {@code MagicLinkPages}, never here. */
    @Override
    public HttpAnswer linkOpened(final LinkOpenedReply r) {
        return notJson(r);
    }

    @Override
    public HttpAnswer linkConfirmed(final LinkConfirmedReply r) {
        return notJson(r);
    }

    private static HttpAnswer notJson(final OtpReply r) {
        return answer(500, r, Problem.of(500, "internal", "Internal error", "The request failed; it is safe to retry."),
                Map.of());
    }

    @Override
    public HttpAnswer factorRefused(final FactorRefusedReply r) {
        return answer(409, r, Problem.of(409, "factor-limit", "Too many factors",
                "The user already holds the most factors allowed (otp.factor.max.per.user); delete one first."),
                Map.of());
    }

    /**
     * {@code 201} body of an enrolment ({@code POST /v1/users/{userId}/factors/totp} or {@code .../hotp}).
     *
     * @param status always {@code unverified}: the first code from the app confirms it
     * @param factorId id of the new factor
     * @param type {@code totp} or {@code hotp}
     * @param otpauthUri the Key Uri Format URI holding the secret; shown in this answer only
     * @param qrPngBase64 the URI as a QR code, PNG, base64
     * @param secret the secret in base32 (RFC 4648), for manual entry; shown in this answer only
     * @param replayed absent
     */
    record FactorBody(String status, String factorId, String type, String otpauthUri, String qrPngBase64,
                      String secret, Boolean replayed) {

        @Override
        public String toString() {
            return "FactorBody[factorId=" + factorId + ", type=" + type + "]";
        }
    }

    /**
     * {@code 429}: the IP guard blocked the client's address, so the code was neither compared nor counted
     * (verifications of emailed and authenticator codes alike).
     */
    /**
     * {@code 428 Precondition Required} (RFC 6585): a challenge was due and the request's CAPTCHA did not pass;
     * {@code reason} says why ({@code captcha_required}, {@code captcha_failed}, {@code captcha_unavailable}).
     * Nothing was counted: the caller shows the CAPTCHA and sends the request again with its {@code captchaToken}.
     */
    private static HttpAnswer challengeRequired(final OtpReply r, final String reason) {
        return answer(428, r, Problem.of(428, "challenge-required", "CAPTCHA required",
                "Show the end user the CAPTCHA and send this request again with its captchaToken.")
                .withReason(reason, true), Map.of());
    }

    private static HttpAnswer ipLimited(final OtpReply r, final long retryAfterSeconds, final boolean challenge) {
        final Problem problem = Problem.of(429, "rate-limited", "Too many wrong codes from this address",
                "Retry after " + retryAfterSeconds + " seconds.").withReason("ip_limit", challenge);
        return answer(429, r, problem, retryAfter(retryAfterSeconds));
    }

    /** A {@code Retry-After} header in seconds, or none. */
    private static Map<String, String> retryAfter(final Long seconds) {
        return seconds == null ? Map.of() : Map.of("Retry-After", Long.toString(seconds));
    }

    /** {@code 422}: the Idempotency-Key came before with another request. */
    private static ProblemException idempotencyMismatch() {
        return new ProblemException(Problem.of(422, "idempotency-key-reused", "Idempotency key reused",
                "This Idempotency-Key was used with a different request; use a new key for a new request."));
    }

    private static HttpAnswer answer(final int status, final OtpReply reply, final Object body,
                                     final Map<String, String> headers) {
        if (!reply.replayed()) {
            return new HttpAnswer(status, headers, body);
        }
        final Map<String, String> all = new HashMap<>(headers);
        all.put(REPLAYED_HEADER, "true");
        return new HttpAnswer(status, all, body);
    }

    private static Boolean flag(final OtpReply reply) {
        return orAbsent(reply.replayed());
    }

    /** {@code true}, or {@code null} so that the member is left out of the JSON. */
    private static Boolean orAbsent(final boolean value) {
        return value ? Boolean.TRUE : null;
    }
}
