package io.otppipeline.api.http;

import io.javalin.http.Context;
import io.javalin.http.RequestLogger;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;

/**
 * otp-api's HTTP server meters (docs/OPERATIONS.md, "Metrics"): {@code otp_http_server_requests_seconds} (a
 * timer by method, route template and status) from Javalin's request logger, and Jetty's thread pool
 * ({@code jetty_threads_*}) from Micrometer's binder. The route is the template ({@code /l/{token}}), never the
 * path, so no token or user id becomes a label and the number of series stays bounded; a request no route
 * matched is {@code unmatched}.
 */
public final class HttpServerMetrics implements RequestLogger {

    private final MeterRegistry meters;
    /** The timer family, built once; each request only names its tags. */
    private final Meter.MeterProvider<Timer> requests;

    public HttpServerMetrics(final MeterRegistry meters) {
        this.meters = meters;
        this.requests = Timer.builder("otp.http.server.requests")
                .description("HTTP requests answered by otp-api, by method, route template and status code")
                .withRegistry(meters);
    }

    /** Binds the thread pool meters of {@code server}. */
    public void bindTo(final Server server) {
        new JettyServerThreadPoolMetrics(server.getThreadPool(), Tags.empty()).bindTo(meters);
    }

    /**
     * Records one answered request.
     *
     * @param executionTimeMs Javalin's measure of the request, in milliseconds
     */
    @Override
    public void handle(final Context ctx, final Float executionTimeMs) {
        final Endpoint endpoint = ctx.endpoints().lastHttpEndpoint();
        requests.withTags("method", ctx.method().name(), "route", endpoint == null ? "unmatched" : endpoint.path,
                        "status", Integer.toString(ctx.statusCode()))
                .record((long) (executionTimeMs * 1_000_000L), TimeUnit.NANOSECONDS);
    }
}
