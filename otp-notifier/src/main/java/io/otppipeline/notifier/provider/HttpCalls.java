package io.otppipeline.notifier.provider;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Set;

/**
 * What the HTTP providers share: one call with the JDK client, and the mapping of its outcome to
 * {@link SendException.Disposition}.
 *
 * <ul>
 *   <li>connect errors, timeouts, 408, 425, 5xx: retry;</li>
 *   <li>429: retry after the {@code Retry-After} delay (delay-seconds or HTTP-date, RFC 9110 section 10.2.3);</li>
 *   <li>401, 403: our credentials are refused, fail over;</li>
 *   <li>any other 4xx: the message is refused, give up (Twilio: 400 for an invalid number).</li>
 * </ul>
 */
final class HttpCalls {

    private static final Set<Integer> RETRYABLE_4XX = Set.of(408, 425, 429);

    private HttpCalls() {
    }

    /**
     * Sends {@code request} and returns the response, whatever its status.
     *
     * @param provider provider name for error messages
     * @throws SendException (retry) when the provider could not be reached or did not answer in time
     */
    static HttpResponse<String> exchange(final HttpClient client, final HttpRequest request, final String provider)
            throws SendException {
        final HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw SendException.retryable("unreachable", provider + " unreachable: " + e.getClass().getSimpleName());
        } catch (HttpTimeoutException e) {
            throw SendException.retryable("timeout", provider + " did not answer in time");
        } catch (IOException e) {
            throw SendException.retryable("unreachable", provider + " I/O error: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SendException.retryable("timeout", provider + " call interrupted");
        }
        return response;
    }

    /**
     * Returns {@code response} if its status is 2xx.
     *
     * @throws SendException classified as above; its message names the provider and the status only
     */
    static HttpResponse<String> requireSuccess(final HttpResponse<String> response, final String provider,
                                               final Clock clock) throws SendException {
        final int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return response;
        }
        throw failure(status, response.headers().firstValue("Retry-After").orElse(null), provider, clock);
    }

    /** A string field of a JSON response body, or {@code null} if the body is not JSON or lacks it. */
    static String field(final HttpResponse<String> response, final String name) {
        try {
            final JsonNode body = Json.mapper().readTree(response.body());
            return body != null && body.hasNonNull(name) ? body.get(name).asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The exception for a non-2xx {@code status}. */
    static SendException failure(final int status, final String retryAfter, final String provider,
                                 final Clock clock) {
        final String detail = provider + " answered HTTP " + status;
        if (status == 429) {
            return new SendException("rate_limited", SendException.Disposition.RETRY, retryAfter(retryAfter, clock),
                    detail);
        }
        if (status >= 500 || RETRYABLE_4XX.contains(status)) {
            return SendException.retryable("provider_error", detail);
        }
        if (status == 401 || status == 403) {
            return SendException.providerDown("provider_auth_failed", detail);
        }
        return SendException.permanent("rejected", detail);
    }

    /**
     * Parses a {@code Retry-After} value: delay-seconds or an HTTP-date.
     *
     * @return the delay (never negative), or {@code null} when absent or unreadable
     */
    static Duration retryAfter(final String value, final Clock clock) {
        if (value == null || value.isBlank()) {
            return null;
        }
        final String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                final ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME.withLocale(
                        Locale.ROOT));
                final Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    /** A request builder with the per-call timeout in milliseconds. */
    static HttpRequest.Builder request(final URI uri, final long timeoutMs) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofMillis(timeoutMs));
    }
}
