package io.otppipeline.notifier.provider;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.crypto.Secrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;

/**
 * SMS through a generic HTTP JSON webhook: the second SMS provider, for failover, and the adapter for any
 * gateway fronted by a small relay. The contract (also in docs/DELIVERY.md):
 *
 * <pre>
 * POST {url}
 * Authorization: Bearer {token}
 * Idempotency-Key: {otpId}
 * Content-Type: application/json
 *
 * {"to": "+14155550123", "body": "...", "reference": "{otpId}"}
 * </pre>
 *
 * Any 2xx is success; an {@code id} field in a JSON answer is the provider message id. Other statuses map as
 * in {@link HttpCalls}. A receiver that honours {@code Idempotency-Key} makes the notifier's retries after a
 * timeout safe from duplicates.
 */
public final class WebhookSmsProvider implements SmsProvider {

    /**
     * @param url {@code sms.webhook.url}: required
     * @param tokenFile {@code secrets.sms.webhook.token.file}: bearer token; required
     */
    public record Settings(String url, Path tokenFile) {
    }

    private final HttpClient client;
    private final URI endpoint;
    private final String authorization;
    private final long timeoutMs;
    private final Clock clock;

    /**
     * @param timeoutMs per-call timeout in milliseconds
     * @throws IllegalStateException if the token file cannot be read
     */
    public WebhookSmsProvider(final Settings settings, final HttpClient client, final long timeoutMs,
                              final Clock clock) {
        this.client = client;
        this.endpoint = URI.create(settings.url());
        this.authorization = "Bearer " + Secrets.readText(settings.tokenFile());
        this.timeoutMs = timeoutMs;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "webhook";
    }

    @Override
    public String send(final SmsMessage message) throws SendException {
        final ObjectNode body = Json.mapper().createObjectNode()
                .put("to", message.to())
                .put("body", message.body())
                .put("reference", message.reference());
        final HttpRequest request = HttpCalls.request(endpoint, timeoutMs)
                .header("Authorization", authorization)
                .header("Idempotency-Key", message.reference())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        return HttpCalls.field(HttpCalls.requireSuccess(HttpCalls.exchange(client, request, name()), name(), clock),
                "id");
    }
}
