package io.otppipeline.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.javalin.http.Context;
import io.otppipeline.schemas.Json;

/** Writes JSON bodies, RFC 9457 problem bodies and {@link HttpAnswer}s. */
public final class Responses {

    private Responses() {
    }

    public static void json(final Context ctx, final int status, final Object body) {
        ctx.status(status).contentType("application/json").result(bytes(body));
    }

    public static void problem(final Context ctx, final ProblemException e) {
        write(ctx, HttpAnswer.of(e));
    }

    /** Writes {@code answer}: status, headers, and the body as JSON or {@code application/problem+json}. */
    public static void write(final Context ctx, final HttpAnswer answer) {
        answer.headers().forEach(ctx::header);
        ctx.status(answer.status()).contentType(answer.isProblem() ? Problem.MEDIA_TYPE : "application/json")
                .result(bytes(answer.body()));
    }

    private static byte[] bytes(final Object body) {
        try {
            return Json.mapper().writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write response", e);
        }
    }
}
