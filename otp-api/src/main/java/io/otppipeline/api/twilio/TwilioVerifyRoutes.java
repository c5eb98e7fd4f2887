package io.otppipeline.api.twilio;

import io.otppipeline.api.http.ApiKeys;
import io.otppipeline.api.http.HttpAnswer;
import io.otppipeline.api.http.Problem;
import io.otppipeline.api.http.ProblemException;
import io.otppipeline.api.v1.CreateOtpRequest;
import io.otppipeline.api.v1.OtpRoutes;
import io.otppipeline.api.v1.RequestValidator;
import io.otppipeline.api.v1.VerifyOtpRequest;
import io.javalin.http.Context;
import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.Destinations;
import io.otppipeline.schemas.command.IpKeys;
import io.otppipeline.schemas.command.OtpCancelRequested;
import io.otppipeline.schemas.command.OtpStatusRequested;
import io.otppipeline.schemas.reply.CancelReply;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.OtpStatusReply;
import io.otppipeline.schemas.reply.RequestRefusedReply;
import io.otppipeline.schemas.reply.VerifyReply;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The Twilio Verify v2–compatible routes (docs/TWILIO.md, "Coming from Twilio Verify" has the field-by-field compatibility table): the same
 * commands and decisions as {@code /v1}, in Twilio's form-encoded requests, JSON field names, statuses and error
 * codes, so that a client written for Twilio Verify (its helper libraries included) works unchanged once pointed at
 * this host.
 *
 * <ul>
 *   <li>{@code POST /v2/Services/{ServiceSid}/Verifications}: {@code To}, {@code Channel} ({@code sms} or
 *       {@code email}), {@code Locale}; {@code CustomFriendlyName} and the other optional parameters are ignored.
 *       201 with the Verification, {@code status: pending}.</li>
 *   <li>{@code POST /v2/Services/{ServiceSid}/VerificationCheck}: {@code To} or {@code VerificationSid}, and
 *       {@code Code}. 200 with {@code status: approved} (the right code) or {@code pending} (a wrong one).</li>
 *   <li>{@code GET /v2/Services/{ServiceSid}/Verifications/{Sid}}: the Verification.</li>
 *   <li>{@code POST /v2/Services/{ServiceSid}/Verifications/{Sid}} with {@code Status=canceled}.</li>
 * </ul>
 * Authentication is HTTP Basic: the user is the configured Account SID, the password an API key of the Service's
 * tenant. Errors: {@link TwilioError}.
 */
public final class TwilioVerifyRoutes {

    private final TwilioServices services;
    private final ApiKeys apiKeys;
    private final OtpRoutes otp;
    private final Supplier<String> baseUrl;

    /**
     * @param baseUrl {@code api.public.base.url} (or the bound address), the start of every resource's {@code url};
     *     never the request's {@code Host} header, which the caller chooses (issue 32)
     */
    public TwilioVerifyRoutes(final TwilioServices services, final ApiKeys apiKeys, final OtpRoutes otp,
                              final Supplier<String> baseUrl) {
        this.services = services;
        this.apiKeys = apiKeys;
        this.otp = otp;
        this.baseUrl = baseUrl;
    }

    /** A request's Service, after authentication. */
    private record Caller(String serviceSid, TwilioServices.Service service) {
    }

    /** {@code POST /v2/Services/{ServiceSid}/Verifications}. */
    public void create(final Context ctx) {
        final Caller caller = authenticate(ctx);
        final String channel = ctx.formParam("Channel");
        if (!"sms".equals(channel) && !"email".equals(channel)) {
            throw invalid("Channel", "sms or email (call, whatsapp and the others are not offered)");
        }
        final String to = ctx.formParam("To");
        final String normalized = normalize(channel, to).orElseThrow(() -> invalid("To",
                "sms".equals(channel) ? "a phone number in E.164 form, such as +14155550123" : "an e-mail address"));
        final String tenant = caller.service().tenant();
        // Twilio's DeviceIp: the end user's address as the calling backend saw it; the IP guard counts it
        final String deviceIp = ctx.formParam("DeviceIp");
        if (deviceIp != null && IpKeys.key(deviceIp, IpKeys.DEFAULT_IPV6_PREFIX).isEmpty()) {
            throw invalid("DeviceIp", "an IPv4 or IPv6 address");
        }
        final CreateOtpRequest body = checked(() -> RequestValidator.checked(new CreateOtpRequest(
                services.userId(tenant, subject(channel, normalized)), channel, normalized, caller.service().purpose(),
                ctx.formParam("Locale"), deviceIp == null ? null : new ClientInfo(deviceIp, null))));
        otp.answer(ctx, "twilio-create", otp.request(tenant, body, null), reply -> {
            if (reply instanceof IssuedReply issued) {
                final Instant now = Instant.now();
                return new HttpAnswer(201, Map.of(), verification(ctx, caller, issued.otpId(), body.userId(), to,
                        channel, "pending", now, now));
            }
            if (reply instanceof RequestRefusedReply refused) {
                return TwilioError.of(429, 60203, "Max send attempts reached (" + refused.status().wireName()
                        + "; retry after " + refused.retryAfterSeconds() + " seconds)").answer();
            }
            return unexpected(reply);
        });
    }

    /** {@code POST /v2/Services/{ServiceSid}/VerificationCheck}. */
    public void check(final Context ctx) {
        final Caller caller = authenticate(ctx);
        final String sid = ctx.formParam("VerificationSid");
        final String to = ctx.formParam("To");
        final String userId;
        final String otpId;
        if (sid != null) {
            final TwilioServices.CodeRef ref = TwilioServices.parse(sid).orElseThrow(() -> notFound(ctx));
            userId = ref.userId();
            otpId = ref.otpId();
        } else if (to != null) {
            final String normalized = normalize(to.startsWith("+") ? "sms" : "email", to)
                    .orElseThrow(() -> invalid("To", "a phone number in E.164 form or an e-mail address"));
            userId = services.userId(caller.service().tenant(), subject(to.startsWith("+") ? "sms" : "email", normalized));
            otpId = null;
        } else {
            throw invalid("To", "To or VerificationSid is required");
        }
        final VerifyOtpRequest body = new VerifyOtpRequest(userId, caller.service().purpose(),
                RequestValidator.normalizeCode(ctx.formParam("Code")), otpId, null);
        checked(() -> {
            RequestValidator.check(body);
            return body;
        });
        otp.answer(ctx, "twilio-check", otp.verify(caller.service().tenant(), body, null), reply -> {
            if (!(reply instanceof VerifyReply v)) {
                return unexpected(reply);
            }
            final String found = v.otpId() == null ? otpId : v.otpId();
            return switch (v.status()) {
                case APPROVED, DENIED -> new HttpAnswer(200, Map.of(), check(ctx, caller, found, userId, to,
                        v.status() == io.otppipeline.schemas.reply.ReplyStatus.APPROVED));
                case MAX_ATTEMPTS, LOCKED -> TwilioError.of(429, 60202, "Max check attempts reached").answer();
                case RATE_LIMITED -> TwilioError.of(429, 20429, "Too many requests from this address").answer();
                case MALFORMED -> invalid("Code", "the number of digits of the Service's codes").error().answer();
                default -> notFound(ctx).error().answer(); // expired, not_found: Twilio forgets such verifications
            };
        });
    }

    /** {@code GET /v2/Services/{ServiceSid}/Verifications/{Sid}}. */
    public void fetch(final Context ctx) {
        final Caller caller = authenticate(ctx);
        final TwilioServices.CodeRef ref = TwilioServices.parse(ctx.pathParam("sid")).orElseThrow(() -> notFound(ctx));
        otp.answer(ctx, "twilio-fetch", new OtpStatusRequested(UUID.randomUUID().toString(),
                caller.service().tenant(), ref.userId(), ref.otpId(), Instant.now()), reply -> {
            if (!(reply instanceof OtpStatusReply s)) {
                return unexpected(reply);
            }
            if (s.code() == null) {
                return notFound(ctx).error().answer();
            }
            final String status = switch (s.code().status()) {
                case MAX_ATTEMPTS -> "max_attempts_reached";
                default -> s.code().status().wireName(); // pending, approved, expired
            };
            return new HttpAnswer(200, Map.of(), verification(ctx, caller, ref.otpId(), ref.userId(),
                    s.code().destinationMasked(), s.code().channel(), status, s.code().issuedAt(), Instant.now()));
        });
    }

    /** {@code POST /v2/Services/{ServiceSid}/Verifications/{Sid}} with {@code Status=canceled}. */
    public void update(final Context ctx) {
        final Caller caller = authenticate(ctx);
        if (!"canceled".equals(ctx.formParam("Status"))) {
            throw invalid("Status", "canceled (approving a verification without its code is not offered)");
        }
        final TwilioServices.CodeRef ref = TwilioServices.parse(ctx.pathParam("sid")).orElseThrow(() -> notFound(ctx));
        otp.answer(ctx, "twilio-cancel", new OtpCancelRequested(UUID.randomUUID().toString(),
                caller.service().tenant(), ref.userId(), ref.otpId(), null, Instant.now(), null), reply -> {
            if (!(reply instanceof CancelReply c)) {
                return unexpected(reply);
            }
            if (!c.canceled()) {
                return notFound(ctx).error().answer();
            }
            final Instant now = Instant.now();
            return new HttpAnswer(200, Map.of(), verification(ctx, caller, ref.otpId(), ref.userId(), null, null,
                    "canceled", null, now));
        });
    }

    private Caller authenticate(final Context ctx) {
        final String serviceSid = ctx.pathParam("serviceSid");
        final TwilioServices.Service service = services.service(serviceSid).orElse(null);
        final String header = ctx.header("Authorization");
        final String credentials = header != null && header.regionMatches(true, 0, "Basic ", 0, 6)
                ? decode(header.substring(6).strip()) : null;
        final int colon = credentials == null ? -1 : credentials.indexOf(':');
        final ApiKeys.Entry key = colon < 0 || !credentials.substring(0, colon).equals(services.accountSid()) ? null
                : apiKeys.authenticate(credentials.substring(colon + 1)).orElse(null);
        if (key == null) {
            throw TwilioError.of(401, 20003, "Authenticate: send the Account SID and an API key as HTTP Basic")
                    .thrown();
        }
        if (service == null || !service.tenant().equals(key.tenant())) {
            throw notFound(ctx); // another tenant's Service looks like no Service at all
        }
        return new Caller(serviceSid, service);
    }

    private static String decode(final String base64) {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * What a {@code To} is one user by: the E.164 number, or the e-mail address in lower case ({@code Bob@x.com} and
     * {@code bob@x.com} reach one mailbox, so they are one user, as Twilio Verify treats them; issue 32).
     */
    private static String subject(final String channel, final String normalized) {
        return "sms".equals(channel) ? normalized : normalized.toLowerCase(java.util.Locale.ROOT);
    }

    private static Optional<String> normalize(final String channel, final String to) {
        if (to == null || to.isBlank() || !RequestValidator.isText(to)) {
            return Optional.empty();
        }
        return "sms".equals(channel) ? Destinations.normalizePhone(to) : Destinations.normalizeEmail(to);
    }

    /** Runs a {@link RequestValidator} check, turning its 400 into Twilio's 60200. */
    private static <T> T checked(final java.util.function.Supplier<T> check) {
        try {
            return check.get();
        } catch (ProblemException e) {
            final List<Problem.FieldError> errors = e.problem().errors();
            throw invalid(errors == null || errors.isEmpty() ? "request" : errors.get(0).field(),
                    errors == null || errors.isEmpty() ? e.problem().detail() : errors.get(0).message());
        }
    }

    private static TwilioError.Thrown invalid(final String parameter, final String expected) {
        return TwilioError.of(400, 60200, "Invalid parameter `" + parameter + "`: " + expected).thrown();
    }

    /** Twilio's 20404, without the path: an error message never echoes what the caller sent (issue 32). */
    private static TwilioError.Thrown notFound(final Context ctx) {
        return TwilioError.of(404, 20404, "The requested resource was not found").thrown();
    }

    private static HttpAnswer unexpected(final OtpReply reply) {
        return TwilioError.of(500, 20500, "Internal server error (" + reply.status().wireName() + ")").answer();
    }

    /** A Verification resource (Twilio's field names; dates in seconds, as Twilio writes them). */
    private Map<String, Object> verification(final Context ctx, final Caller caller, final String otpId,
                                             final String userId, final String to, final String channel,
                                             final String status, final Instant created, final Instant updated) {
        final String sid = TwilioServices.verificationSid(otpId, userId);
        final Map<String, Object> body = common(caller, sid, to, channel, status, "approved".equals(status),
                created, updated);
        body.put("lookup", Map.of());
        body.put("send_code_attempts", created == null || channel == null ? List.of() : List.of(Map.of(
                "attempt_sid", "VL" + otpId.replace("-", ""), "channel", channel, "time", date(created))));
        body.put("url", base(ctx) + "/v2/Services/" + caller.serviceSid() + "/Verifications/" + sid);
        return body;
    }

    /** A VerificationCheck resource. */
    private Map<String, Object> check(final Context ctx, final Caller caller, final String otpId, final String userId,
                                      final String to, final boolean approved) {
        final Map<String, Object> body = common(caller, otpId == null ? null
                : TwilioServices.verificationSid(otpId, userId), to, null, approved ? "approved" : "pending",
                approved, null, Instant.now());
        body.put("sna_attempts_error_codes", List.of());
        return body;
    }

    private Map<String, Object> common(final Caller caller, final String sid, final String to, final String channel,
                                       final String status, final boolean valid, final Instant created,
                                       final Instant updated) {
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("sid", sid);
        body.put("service_sid", caller.serviceSid());
        body.put("account_sid", services.accountSid());
        body.put("to", to);
        body.put("channel", channel);
        body.put("status", status);
        body.put("valid", valid);
        body.put("date_created", created == null ? null : date(created));
        body.put("date_updated", updated == null ? null : date(updated));
        return body;
    }

    private static String date(final Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private String base(final Context ctx) {
        final String configured = baseUrl.get();
        return configured != null ? configured : "http://" + ctx.req().getLocalAddr() + ":" + ctx.req().getLocalPort();
    }
}
