package io.otppipeline.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import io.otppipeline.api.Problem.FieldError;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.reply.OtpReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.stream.Collectors;

/**
 * Handlers of {@code POST /v1/otp} and {@code POST /v1/otp/verify}: authenticate, validate, seal the secret
 * field, publish the command and answer with the processor's decision.
 */
final class OtpRoutes {

    private final ApiKeys apiKeys;
    private final Aead commandAead;
    private final CommandGateway gateway;
    private final MeterRegistry meters;

    OtpRoutes(final ApiKeys apiKeys, final Aead commandAead, final CommandGateway gateway, final MeterRegistry meters) {
        this.apiKeys = apiKeys;
        this.commandAead = commandAead;
        this.gateway = gateway;
        this.meters = meters;
    }

    void createOtp(final Context ctx) {
        final String tenant = authenticate(ctx);
        final CreateOtpRequest body = read(ctx, CreateOtpRequest.class);
        RequestValidator.check(body);
        final String commandId = UUID.randomUUID().toString();
        final OtpRequested command = new OtpRequested(commandId, tenant, body.userId(), body.purpose(),
                Channel.fromWire(body.channel()), body.locale(), body.client(), Instant.now(),
                seal(body.destination(), commandId));
        answer(ctx, "request", gateway.send(command), Responses::created);
    }

    void verifyOtp(final Context ctx) {
        final String tenant = authenticate(ctx);
        final VerifyOtpRequest body = read(ctx, VerifyOtpRequest.class);
        RequestValidator.check(body);
        final String commandId = UUID.randomUUID().toString();
        final OtpVerifyAttempted command = new OtpVerifyAttempted(commandId, tenant, body.userId(), body.purpose(),
                body.otpId(), body.client(), Instant.now(), seal(body.code(), commandId));
        answer(ctx, "verify", gateway.send(command), Responses::verified);
    }

    private void answer(final Context ctx, final String operation,
                        final CompletableFuture<OtpReply> reply,
                        final BiConsumer<Context, OtpReply> writer) {
        ctx.future(() -> reply.handle((r, error) -> {
            if (error == null) {
                meters.counter("otp.api.decisions", "operation", operation, "status", r.status().wireName())
                        .increment();
                writer.accept(ctx, r);
            } else {
                meters.counter("otp.api.decisions", "operation", operation, "status", "unavailable").increment();
                Responses.problem(ctx, unavailable(error));
            }
            return null;
        }));
    }

    private String authenticate(final Context ctx) {
        final String header = ctx.header("Authorization");
        final String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip() : null;
        return apiKeys.authenticate(token).map(ApiKeys.Entry::tenant).orElseThrow(() -> new ProblemException(
                Problem.of(401, "unauthorized", "Missing or invalid API key",
                        "Send 'Authorization: Bearer <api key>'."),
                Map.of("WWW-Authenticate", "Bearer")));
    }

    private static <T> T read(final Context ctx, final Class<T> type) {
        final String contentType = ctx.contentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ProblemException(Problem.of(415, "unsupported-media-type", "Unsupported media type",
                    "Send the body as application/json."));
        }
        final T value;
        try {
            value = Json.mapper().readValue(ctx.bodyAsBytes(), type);
        } catch (UnrecognizedPropertyException e) {
            throw new ProblemException(Problem.validation(List.of(new FieldError(path(e), "is not a known field"))));
        } catch (JsonMappingException e) {
            final String field = path(e);
            throw new ProblemException(field.isEmpty()
                    ? Problem.of(400, "malformed-body", "Malformed body", "The body must be a JSON object.")
                    : Problem.validation(List.of(new FieldError(field, "has the wrong type"))));
        } catch (JsonProcessingException e) {
            throw new ProblemException(Problem.of(400, "malformed-body", "Malformed body", "The body is not valid JSON."));
        } catch (IOException e) {
            throw new ProblemException(Problem.of(400, "malformed-body", "Malformed body", "The body could not be read."));
        }
        if (value == null) {
            throw new ProblemException(Problem.of(400, "malformed-body", "Malformed body", "The body must be a JSON object."));
        }
        return value;
    }

    private static String path(final JsonMappingException e) {
        return e.getPath().stream().map(ref -> ref.getFieldName() == null ? "[" + ref.getIndex() + "]"
                : ref.getFieldName()).collect(Collectors.joining("."));
    }

    private SealedBox seal(final String secret, final String commandId) {
        return commandAead.seal(secret.getBytes(StandardCharsets.UTF_8), commandId.getBytes(StandardCharsets.UTF_8));
    }

    private static ProblemException unavailable(final Throwable error) {
        final Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        final String detail = cause instanceof TimeoutException
                ? "No decision arrived in time; retry the call."
                : "The command could not be published; retry the call.";
        return new ProblemException(Problem.of(503, "unavailable", "Service unavailable", detail),
                Map.of("Retry-After", "1"));
    }
}
