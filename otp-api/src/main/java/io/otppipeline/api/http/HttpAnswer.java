package io.otppipeline.api.http;

import java.util.Map;

/**
 * An HTTP answer before it is written: what {@link ReplyAnswers} makes of a decision, testable without a server.
 *
 * @param status HTTP status code
 * @param headers extra response headers (for example {@code Retry-After}, {@code Idempotent-Replayed})
 * @param body the JSON body: a response record, or a {@link Problem} (then the media type is
 *     {@code application/problem+json})
 */
public record HttpAnswer(int status, Map<String, String> headers, Object body) {

    /** Defensive copy. */
    public HttpAnswer {
        headers = Map.copyOf(headers);
    }

    /** An answer for a {@link ProblemException}. */
    public static HttpAnswer of(final ProblemException e) {
        return new HttpAnswer(e.problem().status(), e.headers(), e.problem());
    }

    /** Whether the body is an RFC 9457 problem. */
    boolean isProblem() {
        return body instanceof Problem;
    }
}
