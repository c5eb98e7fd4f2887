package io.otppipeline.runtime.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operations endpoint of a service without an HTTP API of its own (otp-processor, otp-notifier, otp-audit): {@code GET
 * /healthz} ({@code 200 {"status":"ok"}}, or {@code 503 {"status":"down"}} once the service cannot recover by
 * itself: restart it), {@code GET /readyz} (200 once it does its work) and {@code GET /metrics} (Prometheus text
 * format 0.0.4). On the JDK's own HTTP server with one thread: a scrape every few seconds needs no more.
 */
public final class OpsEndpoint implements AutoCloseable {

    private final HttpServer server;

    private OpsEndpoint(final HttpServer server) {
        this.server = server;
    }

    /**
     * Listens on {@code host:port}.
     *
     * @param port the port; {@code 0} picks a free one
     * @param live liveness: {@code false} once the service is dead for good
     * @param ready readiness
     * @param metrics the Prometheus scrape
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static OpsEndpoint start(final String host, final int port, final BooleanSupplier live,
                                    final BooleanSupplier ready, final Supplier<String> metrics) {
        try {
            final HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
            server.createContext("/healthz", e -> status(e, live.getAsBoolean()));
            server.createContext("/readyz", e -> status(e, ready.getAsBoolean()));
            server.createContext("/metrics", e -> send(e, 200, "text/plain; version=0.0.4; charset=utf-8",
                    metrics.get()));
            server.createContext("/", e -> send(e, 404, "application/problem+json",
                    "{\"type\":\"/problems/not-found\",\"title\":\"No such resource\",\"status\":404}"));
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                final Thread t = new Thread(r, "ops-endpoint");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return new OpsEndpoint(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + host + ":" + port, e);
        }
    }

    /**
     * Listens on {@code host:port} for {@code service}: {@code /healthz} is {@link ServiceLifecycle#isLive()},
     * {@code /readyz} {@link ServiceLifecycle#isReady()}.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public static OpsEndpoint start(final String host, final int port, final ServiceLifecycle service,
                                    final Supplier<String> metrics) {
        return start(host, port, service::isLive, service::isReady, metrics);
    }

    /** The bound port. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void status(final HttpExchange e, final boolean up) throws IOException {
        send(e, up ? 200 : 503, "application/json", up ? "{\"status\":\"ok\"}" : "{\"status\":\"down\"}");
    }

    private static void send(final HttpExchange e, final int status, final String type, final String body)
            throws IOException {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        e.getResponseHeaders().set("Content-Type", type);
        e.getResponseHeaders().set("Cache-Control", "no-store");
        e.sendResponseHeaders(status, "HEAD".equals(e.getRequestMethod()) ? -1 : bytes.length);
        try (OutputStream out = e.getResponseBody()) {
            if (!"HEAD".equals(e.getRequestMethod())) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
