package io.otppipeline.bench;

import io.otppipeline.runtime.config.SharedSettings;
import io.otppipeline.processor.ProcessorConfig;
import io.otppipeline.api.ApiConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.otppipeline.api.http.ApiKeys;
import io.otppipeline.schemas.Json;
import io.otppipeline.runtime.config.ServiceRunner;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

/**
 * The row-lock design behind the same two routes and JSON shapes as otp-api ({@code POST /v1/otp},
 * {@code POST /v1/otp/verify}, Bearer API keys from the same keys file), served by Javalin like otp-api, so
 * that path (b) drives both systems with identical requests. Runs in its own JVM:
 * {@code java ... RowLockServer settings.properties}.
 *
 * <p>Settings: {@code rowlock.port} (default 8081), {@code rowlock.jdbc.url}, {@code rowlock.jdbc.user},
 * {@code rowlock.pool.size} (default cores * 2 + 1), {@code rowlock.lifetime.seconds} (default 600),
 * {@code secrets.api.keys.file}, {@code secrets.pepper.keyring.file}, {@code secrets.delivery.keyring.file}.
 */
public final class RowLockServer implements AutoCloseable {

    private final Javalin app;
    private final HikariDataSource pool;

    private RowLockServer(final Javalin app, final HikariDataSource pool) {
        this.app = app;
        this.pool = pool;
    }

    /** @param args one argument: the settings file */
    public static void main(final String[] args) throws InterruptedException {
        ServiceRunner.run("row-lock", args, RowLockServer::start);
    }

    /** Opens the pool and serves; the schema must exist ({@link RowLockDesign#createSchema}). */
    static RowLockServer start(final Settings s) {
        final HikariDataSource pool = pool(s.required("rowlock.jdbc.url"), s.string("rowlock.jdbc.user", "postgres"),
                (int) s.number("rowlock.pool.size", BenchConfig.recommendedPoolSize()));
        final RowLockDesign design = new RowLockDesign(pool, new Mac(Keyring.load(ProcessorConfig.PEPPER_KEYRING_FILE.read(s))),
                new Aead(Keyring.load(SharedSettings.DELIVERY_KEYRING_FILE.read(s))),
                s.number("rowlock.lifetime.seconds", 600));
        final ApiKeys keys = ApiKeys.load(ApiConfig.API_KEYS_FILE.read(s));
        final Javalin app = Javalin.create(cfg -> {
            cfg.jetty.host = "127.0.0.1";
            cfg.jetty.port = (int) s.number("rowlock.port", 8081);
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/healthz", ctx -> ctx.result("ok"));
            cfg.routes.post("/v1/otp", ctx -> issue(ctx, keys, design));
            cfg.routes.post("/v1/otp/verify", ctx -> verify(ctx, keys, design));
        }).start();
        return new RowLockServer(app, pool);
    }

    /** A HikariCP pool of {@code size} connections (minimum idle = size: no connection set-up during runs). */
    static HikariDataSource pool(final String url, final String user, final int size) {
        final HikariConfig hc = new HikariConfig();
        hc.setJdbcUrl(url);
        hc.setUsername(user);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(size);
        hc.setPoolName("row-lock");
        return new HikariDataSource(hc);
    }

    private static void issue(final Context ctx, final ApiKeys keys, final RowLockDesign design)
            throws IOException, SQLException {
        final Optional<String> tenant = tenant(ctx, keys);
        if (tenant.isEmpty()) {
            return;
        }
        final JsonNode body = Json.mapper().readTree(ctx.bodyAsBytes());
        final RowLockDesign.Answer answer = design.issue(tenant.get(), body.path("userId").asText(),
                body.path("purpose").asText("login"), body.path("destination").asText());
        final int status = switch (answer.status()) {
            case "pending" -> 201;
            case "locked" -> 423;
            default -> 429;
        };
        json(ctx, status, answer.otpId() == null ? Map.of("status", answer.status())
                : Map.of("status", answer.status(), "otpId", answer.otpId()));
    }

    private static void verify(final Context ctx, final ApiKeys keys, final RowLockDesign design)
            throws IOException, SQLException {
        final Optional<String> tenant = tenant(ctx, keys);
        if (tenant.isEmpty()) {
            return;
        }
        final JsonNode body = Json.mapper().readTree(ctx.bodyAsBytes());
        json(ctx, 200, Map.of("status", design.verify(tenant.get(), body.path("userId").asText(),
                body.path("purpose").asText("login"), body.path("code").asText())));
    }

    private static Optional<String> tenant(final Context ctx, final ApiKeys keys) {
        final String header = ctx.header("Authorization");
        final Optional<String> tenant = header != null && header.startsWith("Bearer ")
                ? keys.authenticate(header.substring(7)).map(ApiKeys.Entry::tenant) : Optional.empty();
        if (tenant.isEmpty()) {
            ctx.status(401);
        }
        return tenant;
    }

    private static void json(final Context ctx, final int status, final Object body) throws IOException {
        ctx.status(status).contentType("application/json").result(Json.mapper().writeValueAsBytes(body));
    }

    @Override
    public void close() {
        app.stop();
        pool.close();
    }
}
