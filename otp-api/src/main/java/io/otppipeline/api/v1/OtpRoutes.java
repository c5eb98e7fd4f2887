package io.otppipeline.api.v1;

import io.otppipeline.api.bus.CommandBus;
import io.otppipeline.api.bus.IpVerdicts;
import io.otppipeline.api.captcha.Captchas;
import io.otppipeline.api.http.ApiKeys;
import io.otppipeline.api.http.HttpAnswer;
import io.otppipeline.api.http.JsonBody;
import io.otppipeline.api.http.Problem;
import io.otppipeline.api.http.ProblemException;
import io.otppipeline.api.http.Responses;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.otppipeline.schemas.command.CaptchaVerdict;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.command.FactorConfirmRequested;
import io.otppipeline.schemas.command.FactorDeleteRequested;
import io.otppipeline.schemas.command.FactorEnrolRequested;
import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.command.FactorVerifyAttempted;
import io.otppipeline.schemas.command.IdempotencyKey;
import io.otppipeline.schemas.command.IpActivity;
import io.otppipeline.schemas.command.OtpCancelRequested;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpConsumeRequested;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpStatusRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.command.UserUnlockRequested;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.reply.FactorEnrolledReply;
import io.otppipeline.schemas.reply.OtpReply;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Handlers of the {@code /v1} routes: authenticate, validate, read the {@code Idempotency-Key}, seal the secret
 * fields, hand the command to the {@link CommandBus} and answer with the processor's decision
 * ({@link ReplyAnswers}). A request also carries 32 bytes of entropy drawn here, sealed: the processor derives the
 * otpId and the code from them, because it may not draw randomness inside a decision (docs/DESIGN-NOTES.md).
 */
public final class OtpRoutes {

    private final ApiKeys apiKeys;
    private final Aead commandAead;
    private final IdempotencyHeader idempotency;
    private final CommandBus gateway;
    private final IpVerdicts verdicts;
    private final MeterRegistry meters;
    private final String issuer;
    private final Captchas captchas;
    private final SecureRandom random = new SecureRandom();
    /** Bytes of an authenticator secret: 160 bits (RFC 4226 section 4, requirement R6). */
    private static final int FACTOR_SECRET_BYTES = 20;

    /** @param captchas each tenant's CAPTCHA provider, asked for code requests and verifications */
    public OtpRoutes(final ApiKeys apiKeys, final Aead commandAead, final IdempotencyHeader idempotency,
              final CommandBus gateway, final IpVerdicts verdicts, final MeterRegistry meters, final String issuer,
              final Captchas captchas) {
        this.captchas = captchas;
        this.apiKeys = apiKeys;
        this.commandAead = commandAead;
        this.idempotency = idempotency;
        this.gateway = gateway;
        this.verdicts = verdicts;
        this.meters = meters;
        this.issuer = issuer;
    }

    /** {@code POST /v1/otp}. */
    public void createOtp(final Context ctx) {
        final String tenant = authenticate(ctx).tenant();
        final CreateOtpRequest body = RequestValidator.checked(JsonBody.read(ctx, CreateOtpRequest.class));
        final IdempotencyKey key = idempotency.read(ctx, "request", tenant, body);
        answer(ctx, "request", request(tenant, body, key,
                captchas.verify(tenant, body.captchaToken(), clientIp(body.client()))));
    }

    /**
     * The command for a checked code request: a new command id, 32 bytes of entropy drawn here, the destination
     * and entropy sealed, the IP guard's verdict on the client's address stamped in; no CAPTCHA verdict (magic
     * links and the Twilio facade take no token).
     */
    public OtpRequested request(final String tenant, final CreateOtpRequest body, final IdempotencyKey key) {
        return request(tenant, body, key, null);
    }

    /** As {@link #request(String, CreateOtpRequest, IdempotencyKey)}, with the CAPTCHA verdict stamped in. */
    private OtpRequested request(final String tenant, final CreateOtpRequest body, final IdempotencyKey key,
                                 final CaptchaVerdict captcha) {
        final String commandId = UUID.randomUUID().toString();
        final byte[] entropy = new byte[32];
        random.nextBytes(entropy);
        return new OtpRequested(commandId, tenant, body.userId(), body.purpose(),
                Channel.fromWire(body.channel()), body.locale(), body.client(), Instant.now(),
                seal(body.destination().getBytes(StandardCharsets.UTF_8), commandId), seal(entropy, commandId), key,
                verdicts.find(tenant, IpActivity.REQUEST, clientIp(body.client())), null, captcha);
    }

    /** {@code POST /v1/otp/verify}. */
    public void verifyOtp(final Context ctx) {
        final String tenant = authenticate(ctx).tenant();
        final VerifyOtpRequest typed = JsonBody.read(ctx, VerifyOtpRequest.class);
        final VerifyOtpRequest body = new VerifyOtpRequest(typed.userId(), typed.purpose(),
                RequestValidator.normalizeCode(typed.code()), typed.otpId(), typed.client(), typed.captchaToken());
        RequestValidator.check(body);
        answer(ctx, "verify", verify(tenant, body, idempotency.read(ctx, "verify", tenant, body),
                captchas.verify(tenant, body.captchaToken(), clientIp(body.client()))));
    }

    /** The command for a checked verification: the typed code sealed, the IP guard's verdict stamped in. */
    public OtpVerifyAttempted verify(final String tenant, final VerifyOtpRequest body, final IdempotencyKey key) {
        return verify(tenant, body, key, null);
    }

    /** As {@link #verify(String, VerifyOtpRequest, IdempotencyKey)}, with the CAPTCHA verdict stamped in. */
    private OtpVerifyAttempted verify(final String tenant, final VerifyOtpRequest body, final IdempotencyKey key,
                                      final CaptchaVerdict captcha) {
        final String commandId = UUID.randomUUID().toString();
        return new OtpVerifyAttempted(commandId, tenant, body.userId(), body.purpose(), body.otpId(), body.client(),
                Instant.now(), seal(body.code().getBytes(StandardCharsets.UTF_8), commandId), key,
                failureVerdict(tenant, body.client()), captcha);
    }

    /** {@code POST /v1/otp/{otpId}/consume}: the second phase of a two-phase purpose. */
    public void consumeOtp(final Context ctx) {
        final String tenant = authenticate(ctx).tenant();
        final String otpId = ctx.pathParam("otpId");
        final ConsumeOtpRequest body = JsonBody.read(ctx, ConsumeOtpRequest.class);
        RequestValidator.check(otpId, body);
        final IdempotencyKey key = idempotency.read(ctx, "consume", tenant, Map.of("otpId", otpId, "body", body));
        answer(ctx, "consume", new OtpConsumeRequested(UUID.randomUUID().toString(), tenant, body.userId(), otpId,
                body.client(), Instant.now(), key));
    }

    /** {@code POST /v1/otp/{otpId}/cancel}: the pending code can no longer be verified. */
    public void cancelOtp(final Context ctx) {
        final String tenant = authenticate(ctx).tenant();
        final String otpId = ctx.pathParam("otpId");
        final ConsumeOtpRequest body = JsonBody.read(ctx, ConsumeOtpRequest.class);
        RequestValidator.check(otpId, body);
        final IdempotencyKey key = idempotency.read(ctx, "cancel", tenant, Map.of("otpId", otpId, "body", body));
        answer(ctx, "cancel", new OtpCancelRequested(UUID.randomUUID().toString(), tenant, body.userId(), otpId,
                body.client(), Instant.now(), key));
    }

    /** {@code GET /v1/otp/{otpId}?userId=...}: where the code stands (read-only, decided in order). */
    public void otpStatus(final Context ctx) {
        final String tenant = authenticate(ctx).tenant();
        final String otpId = ctx.pathParam("otpId");
        final String userId = ctx.queryParam("userId");
        RequestValidator.check(otpId, new ConsumeOtpRequest(userId, null));
        answer(ctx, "status", new OtpStatusRequested(UUID.randomUUID().toString(), tenant, userId, otpId,
                Instant.now()));
    }

    /** {@code POST /v1/users/{userId}/unlock}: admin scope only. */
    public void unlockUser(final Context ctx) {
        final ApiKeys.Entry caller = authenticate(ctx);
        if (!caller.hasScope(ApiKeys.ADMIN)) {
            throw new ProblemException(Problem.of(403, "forbidden", "Forbidden",
                    "Unlocking a user needs an API key with the admin scope."));
        }
        final String userId = ctx.pathParam("userId");
        RequestValidator.checkUserId(userId);
        final IdempotencyKey key = idempotency.read(ctx, "unlock", caller.tenant(), Map.of("userId", userId));
        answer(ctx, "unlock", new UserUnlockRequested(UUID.randomUUID().toString(), caller.tenant(), userId,
                caller.id(), null, Instant.now(), key));
    }

    /** {@code POST /v1/users/{userId}/factors/totp} and {@code .../hotp}: enrols an authenticator app. */
    public void enrolFactor(final Context ctx, final FactorType type) {
        final String tenant = authenticate(ctx).tenant();
        final String userId = ctx.pathParam("userId");
        RequestValidator.checkFactorPath(userId, null);
        final FactorRequests.Enrol body = ctx.body().isBlank() ? new FactorRequests.Enrol(null)
                : JsonBody.read(ctx, FactorRequests.Enrol.class);
        RequestValidator.checkClient(body.client());
        final IdempotencyKey key = idempotency.read(ctx, "enrol", tenant, Map.of("userId", userId,
                "type", type.wireName()));
        final String commandId = UUID.randomUUID().toString();
        final byte[] secret = new byte[FACTOR_SECRET_BYTES];
        random.nextBytes(secret);
        answer(ctx, "enrol", new FactorEnrolRequested(commandId, tenant, userId, type, body.client(), Instant.now(),
                seal(secret, commandId), key), reply -> reply instanceof FactorEnrolledReply enrolled
                && !enrolled.replayed()
                ? new HttpAnswer(201, Map.of("Cache-Control", "no-store"),
                        FactorEnrollment.body(enrolled, issuer, userId, secret))
                : ReplyAnswers.of(reply));
    }

    /** {@code POST /v1/users/{userId}/factors/{factorId}/confirm}: the first code from the app. */
    public void confirmFactor(final Context ctx) {
        final String tenant = authenticate(ctx).tenant();
        final String userId = ctx.pathParam("userId");
        final String factorId = ctx.pathParam("factorId");
        final FactorRequests.Confirm typed = JsonBody.read(ctx, FactorRequests.Confirm.class);
        final FactorRequests.Confirm body = new FactorRequests.Confirm(RequestValidator.normalizeCode(typed.code()),
                typed.client());
        RequestValidator.checkFactorPath(userId, factorId);
        RequestValidator.checkFactorCode(userId, factorId, body.code(), body.client());
        final IdempotencyKey key = idempotency.read(ctx, "confirm", tenant, Map.of("userId", userId,
                "factorId", factorId, "body", body));
        final String commandId = UUID.randomUUID().toString();
        answer(ctx, "confirm", new FactorConfirmRequested(commandId, tenant, userId, factorId, body.client(),
                Instant.now(), seal(body.code().getBytes(StandardCharsets.UTF_8), commandId), key,
                failureVerdict(tenant, body.client())));
    }

    /** {@code POST /v1/factors/verify}: a code from the user's authenticator app. */
    public void verifyFactor(final Context ctx) {
        final String tenant = authenticate(ctx).tenant();
        final FactorRequests.Verify typed = JsonBody.read(ctx, FactorRequests.Verify.class);
        final FactorRequests.Verify body = new FactorRequests.Verify(typed.userId(),
                RequestValidator.normalizeCode(typed.code()), typed.factorId(), typed.client());
        RequestValidator.checkFactorCode(body.userId(), body.factorId(), body.code(), body.client());
        final IdempotencyKey key = idempotency.read(ctx, "verify-factor", tenant, body);
        final String commandId = UUID.randomUUID().toString();
        answer(ctx, "verify-factor", new FactorVerifyAttempted(commandId, tenant, body.userId(), body.factorId(),
                body.client(), Instant.now(), seal(body.code().getBytes(StandardCharsets.UTF_8), commandId), key,
                failureVerdict(tenant, body.client())));
    }

    /** {@code DELETE /v1/users/{userId}/factors/{factorId}}. */
    public void deleteFactor(final Context ctx) {
        final String tenant = authenticate(ctx).tenant();
        final String userId = ctx.pathParam("userId");
        final String factorId = ctx.pathParam("factorId");
        RequestValidator.checkFactorPath(userId, factorId);
        final IdempotencyKey key = idempotency.read(ctx, "delete-factor", tenant, Map.of("userId", userId,
                "factorId", factorId));
        answer(ctx, "delete-factor", new FactorDeleteRequested(UUID.randomUUID().toString(), tenant, userId, factorId,
                null, Instant.now(), key));
    }

    private void answer(final Context ctx, final String operation, final OtpCommand command) {
        answer(ctx, operation, command, ReplyAnswers::of);
    }

    /**
     * Hands {@code command} to the bus and answers asynchronously with {@code toHttp} of the decision, or 503
     * (problem+json) when no decision arrives; counts the decision in {@code otp_api_decisions_total}.
     */
    public void answer(final Context ctx, final String operation, final OtpCommand command,
                final Function<OtpReply, HttpAnswer> toHttp) {
        decide(ctx, operation, command, r -> Responses.write(ctx, toHttp.apply(r)),
                error -> Responses.problem(ctx, unavailable(error)));
    }

    /**
     * The IP guard's verdict on {@code client}'s address for commands that check a code (a failure may follow), or
     * {@code null}: stamped into the command for the processor's admission step.
     */
    public IpVerdict failureVerdict(final String tenant, final ClientInfo client) {
        return verdicts.find(tenant, IpActivity.FAILURE, clientIp(client));
    }

    private static String clientIp(final ClientInfo client) {
        return client == null ? null : client.ip();
    }

    /** The {@code Idempotency-Key} reader the routes share. */
    public IdempotencyHeader idempotency() {
        return idempotency;
    }

    /**
     * Hands {@code command} to the bus and, asynchronously, lets {@code onReply} write the answer to the decision
     * (JSON or an HTML page), or {@code onError} when none arrives (a timeout, or the command could not be
     * published); counts the decision by status in {@code otp_api_decisions_total}.
     */
    public void decide(final Context ctx, final String operation, final OtpCommand command,
                final Consumer<OtpReply> onReply, final Consumer<Throwable> onError) {
        final long started = System.nanoTime();
        ctx.future(() -> gateway.send(command).handle((r, error) -> {
            final String status = error == null ? r.status().wireName() : "unavailable";
            Counter.builder("otp.api.decisions").description("decisions answered over HTTP, by operation and status")
                    .tags("operation", operation, "status", status).register(meters).increment();
            Timer.builder("otp.api.decision.duration")
                    .description("from handing a command to the bus to its decision (or the timeout), by operation")
                    .tags("operation", operation).register(meters).record(System.nanoTime() - started,
                            TimeUnit.NANOSECONDS);
            if (error == null) {
                onReply.accept(r);
            } else {
                onError.accept(error);
            }
            return null;
        }));
    }

    /** The caller's API key entry from {@code Authorization: Bearer}. */
    public ApiKeys.Entry authenticate(final Context ctx) {
        final String header = ctx.header("Authorization");
        final String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).strip() : null;
        return apiKeys.authenticate(token).orElseThrow(() -> new ProblemException(
                Problem.of(401, "unauthorized", "Missing or invalid API key",
                        "Send 'Authorization: Bearer <api key>'."),
                Map.of("WWW-Authenticate", "Bearer")));
    }

    private SealedBox seal(final byte[] secret, final String commandId) {
        return commandAead.seal(secret, commandId.getBytes(StandardCharsets.UTF_8));
    }

    private static ProblemException unavailable(final Throwable error) {
        final Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        final String detail = cause instanceof TimeoutException
                ? "No decision arrived in time; retry the call (with the same Idempotency-Key)."
                : "The command could not be published; retry the call (with the same Idempotency-Key).";
        return new ProblemException(Problem.of(503, "unavailable", "Service unavailable", detail),
                Map.of("Retry-After", "1"));
    }
}
