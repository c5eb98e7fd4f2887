package io.otppipeline.api.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 9457 problem details body ({@code application/problem+json}). Details never echo a submitted
 * value: a code or a destination must not come back in an error.
 *
 * @param type URI reference identifying the problem type (relative to the API, documented in docs/API.md)
 * @param title short, human-readable summary of the type
 * @param status HTTP status code
 * @param detail explanation of this occurrence
 * @param errors per-field errors for validation problems, else {@code null}
 * @param reason extension member: which rule refused a request ({@code rate_limited}, {@code cooldown},
 *     {@code locked}, {@code ip_limit}), else {@code null}
 * @param challengeRequired extension member: {@code true} when the caller should challenge the end user (a CAPTCHA)
 *     before trying again, else absent
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(String type, String title, int status, String detail, List<FieldError> errors, String reason,
                      Boolean challengeRequired) {

    /** Media type of problem bodies. */
    public static final String MEDIA_TYPE = "application/problem+json";

    /**
     * One invalid field.
     *
     * @param field JSON path of the field, for example {@code client.ip}
     * @param message what is wrong, without the value
     */
    public record FieldError(String field, String message) {
    }

    /** A problem without field errors. */
    public static Problem of(final int status, final String type, final String title, final String detail) {
        return new Problem("/problems/" + type, title, status, detail, null, null, null);
    }

    /** This problem naming the rule that refused the request and whether to challenge the end user. */
    public Problem withReason(final String rule, final boolean challenge) {
        return new Problem(type, title, status, detail, errors, rule, challenge ? Boolean.TRUE : null);
    }

    /** A 400 validation problem listing {@code errors}. */
    public static Problem validation(final List<FieldError> errors) {
        final String detail = errors.size() == 1
                ? errors.get(0).field() + ": " + errors.get(0).message()
                : errors.size() + " fields are invalid";
        return new Problem("/problems/validation", "Request body is invalid", 400, detail, List.copyOf(errors), null,
                null);
    }
}
