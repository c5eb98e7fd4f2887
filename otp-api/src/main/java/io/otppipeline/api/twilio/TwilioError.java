package io.otppipeline.api.twilio;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.otppipeline.api.http.HttpAnswer;

/**
 * An error in Twilio's JSON shape, which Twilio's helper libraries turn into their exception with {@code code}
 * (for example {@code com.twilio.exception.ApiException#getCode()}): the Twilio Verify facade answers with these
 * instead of problem+json, because its callers are Twilio clients (docs/TWILIO.md, "Coming from Twilio Verify" lists the codes).
 *
 * @param code Twilio's error code: 20003 authentication, 20404 not found, 20429 too many requests, 60200 invalid
 *     parameter, 60202 max check attempts reached, 60203 max send attempts reached, 20500 internal error
 * @param message what went wrong, never a code, token or destination
 * @param moreInfo Twilio's page for the code
 * @param status the HTTP status
 */
public record TwilioError(int code, String message, @JsonProperty("more_info") String moreInfo, int status) {

    /** Twilio's error for {@code code} at HTTP {@code status}. */
    static TwilioError of(final int status, final int code, final String message) {
        return new TwilioError(code, message, "https://www.twilio.com/docs/errors/" + code, status);
    }

    /** This error as an answer. */
    public HttpAnswer answer() {
        return new HttpAnswer(status, code == 20003 ? java.util.Map.of("WWW-Authenticate", "Basic realm=\"Twilio API\"")
                : java.util.Map.of(), this);
    }

    /** This error thrown from a route (written by the handler {@code ApiService} registers). */
    Thrown thrown() {
        return new Thrown(this);
    }

    /** A {@link TwilioError} thrown out of a facade route. */
    public static final class Thrown extends RuntimeException {
        private final transient TwilioError error;

        Thrown(final TwilioError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }

        public TwilioError error() {
            return error;
        }
    }
}
