package io.otppipeline.local;

import com.twilio.http.NetworkHttpClient;
import com.twilio.http.Request;
import com.twilio.http.Response;
import java.net.URL;
import java.util.List;
import java.util.Map;

/**
 * Twilio's own HTTP client (Apache HttpClient 5, as the helper library ships it), with one change: every request
 * the library would send to {@code https://verify.twilio.com} goes to {@code base} instead, with the same method,
 * path, query, form parameters, headers and HTTP Basic credentials.
 */
final class LocalTwilioHttpClient extends NetworkHttpClient {

    private final String base;

    /** @param base scheme, host and port of the local API, for example {@code http://127.0.0.1:8080} */
    LocalTwilioHttpClient(final String base) {
        this.base = base;
    }

    @Override
    public Response makeRequest(final Request request) {
        final URL twilio = request.constructURL(); // https://verify.twilio.com/v2/...?query
        final Request local = new Request(request.getMethod(), base + twilio.getFile());
        for (Map.Entry<String, List<String>> p : request.getPostParams().entrySet()) {
            p.getValue().forEach(v -> local.addPostParam(p.getKey(), v));
        }
        for (Map.Entry<String, List<String>> h : request.getHeaderParams().entrySet()) {
            h.getValue().forEach(v -> local.addHeaderParam(h.getKey(), v));
        }
        local.setAuth(request.getUsername(), request.getPassword());
        local.setContentType(request.getContentType());
        return super.makeRequest(local);
    }
}
