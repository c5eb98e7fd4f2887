package io.otppipeline.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.crypto.Secrets;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The local SMS sink: the other end of the notifier's {@code webhook} SMS provider (its contract is in
 * {@code WebhookSmsProvider}: {@code POST} JSON {@code {to, body, reference}} with a bearer token and an
 * {@code Idempotency-Key}) on 127.0.0.1. Each message is saved as {@code <epoch ms>-NNNNNN.json} in {@code smsDir},
 * where {@code ./otp sms} reads the newest; a retried message (same {@code Idempotency-Key}) gets the first answer
 * and is saved once, as a real gateway that honours the key would do. Like the mail sink it holds real codes, so it
 * exists only under the local data directory.
 */
final class SmsSink implements AutoCloseable {

    private final HttpServer server;
    private final Path smsDir;
    private final byte[] expectedAuthorization;
    private final Map<String, String> answered = new HashMap<>();
    private int saved;

    /**
     * @param port the port; 0 picks a free one
     * @param tokenFile the bearer token the notifier sends ({@code secrets.sms.webhook.token.file})
     * @throws IOException if the port cannot be bound
     */
    SmsSink(final int port, final Path smsDir, final Path tokenFile) throws IOException {
        this.smsDir = smsDir;
        this.expectedAuthorization = ("Bearer " + Secrets.readText(tokenFile)).getBytes(StandardCharsets.UTF_8);
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/sms", this::receive);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            final Thread t = new Thread(r, "sms-sink");
            t.setDaemon(true);
            return t;
        }));
    }

    SmsSink start() throws IOException {
        Files.createDirectories(smsDir);
        server.start();
        return this;
    }

    /** The webhook URL to give the notifier ({@code sms.webhook.url}). */
    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/sms";
    }

    /** How many messages were saved. */
    synchronized int savedCount() {
        return saved;
    }

    private synchronized void receive(final HttpExchange exchange) throws IOException {
        try (exchange) {
            final String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (!"POST".equals(exchange.getRequestMethod()) || auth == null
                    || !MessageDigest.isEqual(auth.getBytes(StandardCharsets.UTF_8), expectedAuthorization)) {
                answer(exchange, 401, "{\"error\":\"unauthorized\"}");
                return;
            }
            final JsonNode body;
            try {
                body = Json.mapper().readTree(exchange.getRequestBody());
            } catch (IOException e) {
                answer(exchange, 400, "{\"error\":\"not JSON\"}");
                return;
            }
            if (body == null || !body.path("to").isTextual() || !body.path("body").isTextual()) {
                answer(exchange, 400, "{\"error\":\"to and body are required\"}");
                return;
            }
            final String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            if (key != null && answered.containsKey(key)) {
                answer(exchange, 200, answered.get(key));
                return;
            }
            final String id = "sms-" + (++saved);
            final ObjectNode record = Json.mapper().createObjectNode().put("id", id)
                    .put("to", body.path("to").asText()).put("body", body.path("body").asText())
                    .put("reference", body.path("reference").asText(null)).put("receivedAt", Instant.now().toString());
            Files.writeString(smsDir.resolve(String.format(Locale.ROOT, "%d-%06d.json", System.currentTimeMillis(),
                    saved)), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(record));
            final String reply = "{\"id\":\"" + id + "\"}";
            if (key != null) {
                answered.put(key, reply);
            }
            answer(exchange, 200, reply);
        }
    }

    private static void answer(final HttpExchange exchange, final int status, final String json) throws IOException {
        final byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
