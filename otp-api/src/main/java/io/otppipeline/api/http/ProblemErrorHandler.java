package io.otppipeline.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.otppipeline.schemas.Json;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Errors that Jetty raises itself, before any route (a URI it cannot decode, control characters, headers too
 * large: 431, an unknown HTTP version: 505, a body that arrives too slowly), answered like every other error of this
 * API: RFC 9457 {@code application/problem+json} with the status, a generic title and nothing the client sent (the
 * default handler writes an HTML page that may quote the offending URI).
 */
public final class ProblemErrorHandler extends ErrorHandler {

    @Override
    public boolean handle(final Request request, final Response response, final Callback callback) {
        final int status = response.getStatus() >= 400 ? response.getStatus() : HttpStatus.INTERNAL_SERVER_ERROR_500;
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, body(status), callback);
        return true;
    }

    /** The body of an error the HTTP parser found before there was a request (400, 431, 505). */
    @Override
    public ByteBuffer badMessageError(final int status, final String reason, final HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, Problem.MEDIA_TYPE));
        return body(status);
    }

    private static ByteBuffer body(final int status) {
        final String title = HttpStatus.getMessage(status);
        try {
            return ByteBuffer.wrap(Json.mapper().writeValueAsBytes(Problem.of(status, "http-" + status, title,
                    "The request could not be processed as HTTP; nothing of it is repeated here.")));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
