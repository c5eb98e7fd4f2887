package io.otppipeline.api;

import io.otppipeline.api.bus.CommandBus;
import io.otppipeline.api.bus.CommandGateway;
import io.otppipeline.api.bus.IpVerdicts;
import io.otppipeline.api.bus.KafkaIpVerdicts;
import io.otppipeline.api.http.ApiKeys;
import io.otppipeline.api.http.RequestDeadlines;
import io.otppipeline.api.http.HttpServerMetrics;
import io.otppipeline.api.http.Problem;
import io.otppipeline.api.http.ProblemErrorHandler;
import io.otppipeline.api.http.ProblemException;
import io.otppipeline.api.http.Responses;
import io.otppipeline.api.links.MagicLinkRoutes;
import io.otppipeline.api.twilio.TwilioError;
import io.otppipeline.api.twilio.TwilioVerifyRoutes;
import io.otppipeline.api.v1.IdempotencyHeader;
import io.otppipeline.api.v1.OtpRoutes;
import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.runtime.ops.JvmMeters;
import io.otppipeline.runtime.ops.ServiceLifecycle;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.BadMessageException;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.handler.EagerContentHandler;
import org.eclipse.jetty.util.component.LifeCycle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * otp-api as a running service: the HTTP server (Javalin on Jetty 12) and its Kafka request-reply gateway.
 *
 * <p>Routes: {@code POST /v1/otp}, {@code POST /v1/otp/verify}, {@code POST /v1/otp/{otpId}/consume}, {@code POST /v1/otp/{otpId}/cancel},
 * {@code GET /v1/otp/{otpId}?userId=} (status), the magic links ({@code POST /v1/magic-links}, {@code GET|HEAD|POST
 * /l/{token}}, {@code POST /v1/magic-links/exchange}: {@link MagicLinkRoutes}),
 * {@code POST /v1/users/{userId}/unlock} (admin scope), the authenticator factors ({@code POST
 * /v1/users/{userId}/factors/totp|hotp}, {@code POST .../factors/{factorId}/confirm}, {@code DELETE
 * .../factors/{factorId}}, {@code POST /v1/factors/verify}), the Twilio Verify v2–compatible routes under
 * {@code /v2/Services/{ServiceSid}} when Services are configured ({@link TwilioVerifyRoutes}), {@code GET /healthz} (liveness: 503 once the reply listener died),
 * {@code GET /readyz} (a reply partition is assigned, so Kafka is reachable), {@code GET /metrics}
 * (Prometheus), {@code GET /openapi.yaml} (this API's OpenAPI 3.1 document, kept in
 * {@code otp-api/src/main/resources/openapi.yaml}). Every error is RFC 9457 {@code application/problem+json}.
 */
public final class ApiService implements ServiceLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(ApiService.class);

    private final Javalin app;
    private final CommandBus gateway;
    private final IpVerdicts verdicts;
    private final RequestDeadlines deadlines;

    private ApiService(final Javalin app, final CommandBus gateway, final IpVerdicts verdicts,
                       final RequestDeadlines deadlines) {
        this.app = app;
        this.gateway = gateway;
        this.verdicts = verdicts;
        this.deadlines = deadlines;
    }

    /**
     * Creates missing topics, loads the API keys and command keyring, starts the reply listener and the
     * HTTP server.
     *
     * @throws IllegalStateException if a secret file cannot be read or the port cannot be bound
     */
    public static ApiService start(final ApiConfig config) {
        config.kafka().ensureTopics();
        return start(config, ApiKeys.load(config.apiKeysFile()), Keyring.load(config.commandKeyring()),
                new CommandGateway(config.kafka(), config.replyGroupId(), config.replyTimeoutMs(),
                        config.replyIsolation()),
                new KafkaIpVerdicts(config.kafka(), config.ipv6PrefixLength(),
                        config.ipv6WidePrefixLength()));
    }

    /** As {@link #start(ApiConfig, ApiKeys, Keyring, CommandBus, IpVerdicts)} without IP verdicts. */
    static ApiService start(final ApiConfig config, final ApiKeys keys, final Keyring commandKeyring,
                            final CommandBus gateway) {
        return start(config, keys, commandKeyring, gateway, IpVerdicts.NONE);
    }

    /**
     * Starts the HTTP server in front of {@code gateway} (the seam the API's unit tests use with a stand-in bus),
     * stamping the IP guard's {@code verdicts} into code requests and verifications.
     *
     * @throws IllegalStateException if the port cannot be bound
     */
    static ApiService start(final ApiConfig config, final ApiKeys keys, final Keyring commandKeyring,
                            final CommandBus gateway, final IpVerdicts verdicts) {
        final Aead commandAead = new Aead(commandKeyring);
        final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JvmMeters.bindTo(meters);
        final OtpRoutes routes = new OtpRoutes(keys, commandAead, new IdempotencyHeader(commandKeyring), gateway,
                verdicts, meters, config.totpIssuer(), config.captchas());
        final AtomicReference<String> baseUrl = new AtomicReference<>(config.publicBaseUrl());
        final TwilioVerifyRoutes twilio = new TwilioVerifyRoutes(config.twilio(), keys, routes, baseUrl::get);
        final MagicLinkRoutes links = new MagicLinkRoutes(routes, commandKeyring, config.redirects(), baseUrl::get,
                config.proxies());
        final byte[] openApi = openApi();
        final HttpServerMetrics httpMeters = new HttpServerMetrics(meters);
        final RequestDeadlines deadlines = new RequestDeadlines(config.connections().headerTimeoutMs(),
                config.requestBodyTimeoutMs());
        gateway.start();
        final Javalin app = Javalin.create(cfg -> {
            cfg.http.maxRequestSize = config.maxBodyBytes();
            cfg.http.prefer405over404 = true;
            // no response compression: answers are a few hundred bytes, some carry a secret (a TOTP enrolment
            // secret, a magic-link page's form token) beside reflected input, which compression over TLS exposes
            // to BREACH; and Javalin's compressing wrapper cost about 3 % of otp-api's CPU (docs/BENCHMARKS.md)
            cfg.http.compressionStrategy = CompressionStrategy.NONE;
            cfg.jetty.host = config.host();
            cfg.jetty.port = config.port();
            cfg.jetty.modifyServer(server -> {
                server.setErrorHandler(new ProblemErrorHandler());
                httpMeters.bindTo(server);
                // slowloris: at most api.max.connections connections, each sending a request's headers within
                // api.request.header.timeout.ms (RequestDeadlines, ConnectionLimits)
                server.addBean(new NetworkConnectionLimit(config.connections().maxConnections(), server));
                server.addEventListener(new LifeCycle.Listener() {
                    @Override
                    public void lifeCycleStarting(final LifeCycle event) {
                        for (Connector connector : server.getConnectors()) {
                            connector.addEventListener(deadlines.connections());
                        }
                    }
                });
            });
            cfg.requestLogger.http(httpMeters);
            // read a request's body without a thread (asynchronously) before the routes see it: a client that
            // trickles its body (slowloris) then holds a connection, not one of the threads /healthz needs too
            // ... and with a deadline for the whole body: context -> watch -> EagerContentHandler -> arrived -> servlet
            cfg.jetty.modifyServletContextHandler(context -> {
                context.insertHandler(deadlines.arrived());
                context.insertHandler(new EagerContentHandler(
                        new EagerContentHandler.RetainedContentLoaderFactory(config.maxBodyBytes(), 64, true)));
                context.insertHandler(deadlines.watch());
            });
            // No minimum request data rate: Jetty checks it only on the servlet's reads, which read a body already
            // in memory, timed from the first of them, so it never refused a trickling client, while any pause of
            // this JVM of 60 ms between the two reads of a 60-byte body would answer a legitimate client 408
            // (docs/RELIABILITY.md). A client that stops sending in the middle of a body, or trickles it, is cut
            // at the body deadline (RequestDeadlines): Jetty's idle timeout only fails the pending read of the body.
            cfg.jetty.modifyHttpConfiguration(http -> http.setIdleTimeout(config.idleTimeoutMs()));
            cfg.startup.showJavalinBanner = false;
            cfg.routes.post("/v1/otp", routes::createOtp);
            cfg.routes.post("/v1/otp/verify", routes::verifyOtp);
            cfg.routes.post("/v1/otp/{otpId}/consume", routes::consumeOtp);
            cfg.routes.post("/v1/otp/{otpId}/cancel", routes::cancelOtp);
            cfg.routes.get("/v1/otp/{otpId}", routes::otpStatus);
            cfg.routes.post("/v1/magic-links", links::create);
            cfg.routes.post("/v1/magic-links/exchange", links::exchange);
            cfg.routes.get("/l/{token}", links::open);
            cfg.routes.head("/l/{token}", links::head);
            cfg.routes.post("/l/{token}", links::confirm);
            cfg.routes.post("/v1/users/{userId}/unlock", routes::unlockUser);
            cfg.routes.post("/v1/users/{userId}/factors/totp", ctx -> routes.enrolFactor(ctx, FactorType.TOTP));
            cfg.routes.post("/v1/users/{userId}/factors/hotp", ctx -> routes.enrolFactor(ctx, FactorType.HOTP));
            cfg.routes.post("/v1/users/{userId}/factors/{factorId}/confirm", routes::confirmFactor);
            cfg.routes.delete("/v1/users/{userId}/factors/{factorId}", routes::deleteFactor);
            cfg.routes.post("/v1/factors/verify", routes::verifyFactor);
            if (!config.twilio().services().isEmpty()) {
                cfg.routes.post("/v2/Services/{serviceSid}/Verifications", twilio::create);
                cfg.routes.post("/v2/Services/{serviceSid}/VerificationCheck", twilio::check);
                cfg.routes.get("/v2/Services/{serviceSid}/Verifications/{sid}", twilio::fetch);
                cfg.routes.post("/v2/Services/{serviceSid}/Verifications/{sid}", twilio::update);
                cfg.routes.exception(TwilioError.Thrown.class, (e, ctx) -> Responses.write(ctx, e.error().answer()));
            }
            cfg.routes.get("/healthz", ctx -> live(ctx, gateway, verdicts));
            cfg.routes.get("/readyz", ctx -> ready(ctx, gateway));
            cfg.routes.get("/openapi.yaml", ctx -> ctx.contentType("application/yaml").result(openApi));
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(meters.scrape()));
            cfg.routes.exception(ProblemException.class, (e, ctx) -> Responses.problem(ctx, e));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> {
                if (e.getStatus() == 404) {
                    notFound(ctx, 404, "not-found", "No such resource");
                } else if (e.getStatus() == 405) {
                    notFound(ctx, 405, "method-not-allowed", "Method not allowed");
                } else {
                    Responses.problem(ctx, new ProblemException(Problem.of(e.getStatus(), "http-" + e.getStatus(),
                            e.getMessage(), e.getMessage())));
                }
            });
            cfg.routes.exception(BadMessageException.class, (e, ctx) -> {
                // kept for any BadMessageException Jetty raises while a route reads the request
                LOG.debug("request refused by Jetty: {}", e.getCode());
                Responses.problem(ctx, new ProblemException(Problem.of(e.getCode(), "http-" + e.getCode(),
                        HttpStatus.getMessage(e.getCode()), "The request could not be read.")));
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                // never a link token: /l/ paths are logged without it
                LOG.error("unexpected error on {} {}", ctx.method(), ctx.path().startsWith("/l/") ? "/l/…" : ctx.path(), e);
                Responses.problem(ctx, new ProblemException(Problem.of(500, "internal", "Internal error",
                        "The request failed; it is safe to retry.")));
            });
            cfg.routes.error(404, ctx -> notFound(ctx, 404, "not-found", "No such resource"));
            cfg.routes.error(405, ctx -> notFound(ctx, 405, "method-not-allowed", "Method not allowed"));
        }).start();
        baseUrl.compareAndSet(null, "http://" + config.host() + ":" + app.port());
        LOG.info("otp-api listening on http://{}:{}", config.host(), app.port());
        return new ApiService(app, gateway, verdicts, deadlines);
    }

    private static byte[] openApi() {
        try (InputStream in = ApiService.class.getResourceAsStream("/openapi.yaml")) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException("openapi.yaml is missing from the otp-api jar", e);
        }
    }

    /** Liveness: {@code 503} once a worker the API cannot do without has died (then only a restart helps). */
    private static void live(final Context ctx, final CommandBus gateway, final IpVerdicts verdicts) {
        if (isLive(gateway, verdicts)) {
            Responses.json(ctx, 200, Map.of("status", "ok"));
        } else {
            Responses.problem(ctx, new ProblemException(Problem.of(503, "not-live", "Not live",
                    "A worker of this instance stopped (reply listener or IP verdict reader); restart it.")));
        }
    }

    private static void ready(final Context ctx, final CommandBus gateway) {
        if (gateway.isReady()) {
            Responses.json(ctx, 200, Map.of("status", "ready"));
        } else {
            Responses.problem(ctx, new ProblemException(Problem.of(503, "not-ready", "Not ready",
                    "Waiting for a reply partition from Kafka."), Map.of("Retry-After", "1")));
        }
    }

    private static void notFound(final Context ctx, final int status, final String type, final String title) {
        final String written = ctx.res().getContentType();
        // a route that answered 404 itself (problem+json, or a Twilio error in JSON) keeps its own body
        if (written == null || !written.startsWith(Problem.MEDIA_TYPE) && !written.startsWith("application/json")) {
            Responses.problem(ctx, new ProblemException(Problem.of(status, type, title,
                    "This method and path are not part of this API (docs/API.md); the path is not repeated here.")));
        }
    }

    /** The bound HTTP port. */
    public int port() {
        return app.port();
    }

    /** Ready once the reply listener reads its partitions: requests get decisions. */
    @Override
    public boolean isReady() {
        return gateway.isReady();
    }

    /** Live while the reply listener and the IP verdict reader run (only a restart brings a dead one back). */
    @Override
    public boolean isLive() {
        return isLive(gateway, verdicts);
    }

    private static boolean isLive(final CommandBus gateway, final IpVerdicts verdicts) {
        return gateway.isAlive() && verdicts.isAlive();
    }

    @Override
    public void close() {
        app.stop();
        deadlines.close();
        gateway.close();
        verdicts.close();
    }
}
