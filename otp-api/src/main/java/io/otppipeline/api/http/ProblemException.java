package io.otppipeline.api.http;

import java.util.Map;

/** Thrown by handlers to answer with a {@link Problem}; the exception handler writes it. */
public final class ProblemException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Problem problem;
    private final transient Map<String, String> headers;

    /**
     * @param problem the body
     * @param headers extra response headers, for example {@code Retry-After}
     */
    public ProblemException(final Problem problem, final Map<String, String> headers) {
        super(problem.title(), null, false, false);
        this.problem = problem;
        this.headers = Map.copyOf(headers);
    }

    /** @param problem the body, without extra headers */
    public ProblemException(final Problem problem) {
        this(problem, Map.of());
    }

    /** The body. */
    public Problem problem() {
        return problem;
    }

    /** Extra response headers. */
    public Map<String, String> headers() {
        return headers;
    }
}
