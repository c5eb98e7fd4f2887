package io.otppipeline.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.time.Instant;
import java.util.Map;

/** Writes JSON and problem bodies, and turns processor replies into HTTP answers (ARCHITECTURE section 7). */
final class Responses {

    /**
     * {@code 201} body of {@code POST /v1/otp}.
     *
     * @param status always {@code pending}
     * @param otpId id of the new code
     * @param expiresAt end of the code's lifetime (RFC 3339)
     * @param resendAvailableAt earliest time another code may be requested (RFC 3339)
     * @param destinationMasked masked destination
     */
    record Created(String status, String otpId, Instant expiresAt, Instant resendAvailableAt,
                   String destinationMasked) {
    }

    /**
     * {@code 200} body of {@code POST /v1/otp/verify}.
     *
     * @param status {@code approved}, {@code denied}, {@code expired}, {@code max_attempts}, {@code not_found}
     *     or {@code locked}
     * @param otpId the code concerned, if one was found
     * @param attemptsRemaining wrong guesses left, if a live code was found
     * @param retryAfterSeconds seconds until the lock ends, for {@code locked}
     */
    record Verified(String status, String otpId, Integer attemptsRemaining, Long retryAfterSeconds) {
    }

    /**
     * {@code 200} body of {@code POST /v1/otp/{otpId}/consume} and {@code POST /v1/users/{userId}/unlock}.
     *
     * @param status {@code consumed} or {@code unlocked}
     * @param otpId the consumed code (consume only)
     */
    record Done(String status, String otpId) {
    }

    private Responses() {
    }

    static void json(final Context ctx, final int status, final Object body) {
        ctx.status(status).contentType("application/json").result(bytes(body));
    }

    static void problem(final Context ctx, final ProblemException e) {
        e.headers().forEach(ctx::header);
        ctx.status(e.problem().status()).contentType(Problem.MEDIA_TYPE).result(bytes(e.problem()));
    }

    /** The HTTP answer to a request's reply. */
    static void created(final Context ctx, final OtpReply reply) {
        if (reply.status() == ReplyStatus.PENDING) {
            json(ctx, 201, new Created(reply.status().wireName(), reply.otpId(), reply.expiresAt(),
                    reply.resendAvailableAt(), reply.destinationMasked()));
        } else if (reply.status() == ReplyStatus.RATE_LIMITED) {
            problem(ctx, retryLater(429, "rate-limited", "Too many codes requested", reply));
        } else if (reply.status() == ReplyStatus.LOCKED) {
            problem(ctx, retryLater(423, "locked", "User is locked out", reply));
        } else {
            problem(ctx, rejected());
        }
    }

    /** The HTTP answer to a verification's reply. */
    static void verified(final Context ctx, final OtpReply reply) {
        if (reply.status() == ReplyStatus.REJECTED || reply.status() == ReplyStatus.PENDING
                || reply.status() == ReplyStatus.RATE_LIMITED || reply.status() == ReplyStatus.CONSUMED
                || reply.status() == ReplyStatus.CONFLICT || reply.status() == ReplyStatus.UNLOCKED) {
            problem(ctx, rejected());
            return;
        }
        if (reply.retryAfterSeconds() != null) {
            ctx.header("Retry-After", Long.toString(reply.retryAfterSeconds()));
        }
        json(ctx, 200, new Verified(reply.status().wireName(), reply.otpId(), reply.attemptsRemaining(),
                reply.retryAfterSeconds()));
    }

    /** The HTTP answer to a consume's reply: 200 once, then 409. */
    static void consumed(final Context ctx, final OtpReply reply) {
        if (reply.status() == ReplyStatus.CONSUMED) {
            json(ctx, 200, new Done(reply.status().wireName(), reply.otpId()));
        } else if (reply.status() == ReplyStatus.CONFLICT) {
            problem(ctx, new ProblemException(Problem.of(409, "not-consumable", "Code cannot be consumed",
                    "The code is not an approved code of a two-phase purpose: not approved yet, already consumed, "
                            + "expired or unknown.")));
        } else {
            problem(ctx, rejected());
        }
    }

    /** The HTTP answer to an admin unlock's reply. */
    static void unlocked(final Context ctx, final OtpReply reply) {
        if (reply.status() == ReplyStatus.UNLOCKED) {
            json(ctx, 200, new Done(reply.status().wireName(), null));
        } else {
            problem(ctx, rejected());
        }
    }

    /** {@code 422}: the Idempotency-Key came before with another request. */
    static ProblemException idempotencyMismatch() {
        return new ProblemException(Problem.of(422, "idempotency-key-reused", "Idempotency key reused",
                "This Idempotency-Key was used with a different request; use a new key for a new request."));
    }

    private static ProblemException retryLater(final int status, final String type, final String title,
                                               final OtpReply reply) {
        final long seconds = reply.retryAfterSeconds() == null ? 1 : reply.retryAfterSeconds();
        return new ProblemException(Problem.of(status, type, title, "Retry after " + seconds + " seconds."),
                Map.of("Retry-After", Long.toString(seconds)));
    }

    private static ProblemException rejected() {
        return new ProblemException(Problem.of(500, "command-rejected", "Command could not be processed",
                "The pipeline refused the command; it was kept on the dead-letter topic."));
    }

    private static byte[] bytes(final Object body) {
        try {
            return Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }
}
