package io.otppipeline.api;

import io.otppipeline.api.ApiConfig;
import io.otppipeline.api.ApiService;
import io.otppipeline.api.bus.CommandBus;
import io.otppipeline.api.http.ApiKeys;
import io.otppipeline.api.twilio.TwilioServices;
import io.otppipeline.runtime.kafka.KafkaConnection;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.OtpStatusReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import io.otppipeline.schemas.reply.RequestRefusedReply;
import io.otppipeline.schemas.reply.VerifyReply;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Twilio Verify facade's mapping, on the real HTTP server over a stand-in command bus: Twilio's form parameters
 * to commands, decisions to Twilio's statuses and error codes. (Twilio's own client library drives the same routes
 * on a real pipeline in otp-local's {@code TwilioVerifyIT}.)
 */
class TwilioVerifyRoutesTest {

    private static final String ACCOUNT = "AC" + "a".repeat(32);
    private static final String SERVICE = "VA" + "b".repeat(32);
    private static final String OTP_ID = "0b8e5b1e-2f4a-4c7e-9a51-6d1f0c3b2a11";

    @TempDir
    Path dir;

    private final AtomicReference<Function<OtpCommand, OtpReply>> answer = new AtomicReference<>();
    private final AtomicReference<OtpCommand> sent = new AtomicReference<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final TwilioServices services = new TwilioServices(ACCOUNT,
            Map.of(SERVICE, new TwilioServices.Service("acme", "login")), Keyring.generate("t1"));
    private ApiKeys.Issued key;
    private ApiKeys.Issued otherTenant;
    private ApiService api;

    @BeforeEach
    void start() {
        key = ApiKeys.issue("acme-1", "acme");
        otherTenant = ApiKeys.issue("globex-1", "globex");
        final CommandBus bus = new StandInBus(sent::set,
                c -> CompletableFuture.completedFuture(answer.get().apply(c)), () -> true);
        api = ApiService.start(new ApiConfig(KafkaConnection.plaintext("unused:9092"), "127.0.0.1", 0, 1000, 1024, "otp-api",
                dir.resolve("unused"), dir.resolve("unused"), "read_uncommitted", 64, "otp-pipeline", 10_000, 10_000,
                services, null, null), new ApiKeys(List.of(key.entry(), otherTenant.entry())), Keyring.generate("c1"), bus);
    }

    @AfterEach
    void stop() {
        api.close();
    }

    @Test
    void shouldIssueForPseudonymousUserWhenVerificationIsCreated() throws Exception {
        answer.set(c -> new IssuedReply(c.commandId(), OTP_ID, Instant.EPOCH, Instant.EPOCH, "+44*******58", false,
                false));

        final HttpResponse<String> r = post("/Verifications", "To=%2B44+20+7946+0958&Channel=sms&Locale=en",
                key.plaintext());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        final OtpRequested request = (OtpRequested) sent.get();
        assertThat(request.userId()).matches("tw_[0-9a-f]{32}").isEqualTo(services.userId("acme", "+442079460958"));
        assertThat(request.purpose()).isEqualTo("login");
        assertThat(request.locale()).isEqualTo("en");
        final JsonNode body = json(r);
        assertThat(body.path("status").asText()).isEqualTo("pending");
        assertThat(body.path("sid").asText()).isEqualTo(TwilioServices.verificationSid(OTP_ID, request.userId()));
        assertThat(body.path("service_sid").asText()).isEqualTo(SERVICE);
        assertThat(body.path("account_sid").asText()).isEqualTo(ACCOUNT);
        assertThat(body.path("valid").asBoolean()).isFalse();
        assertThat(TwilioServices.parse(body.path("sid").asText())).hasValue(
                new TwilioServices.CodeRef(OTP_ID, request.userId()));
    }

    @Test
    void shouldCountDeviceIpAsClientAddressWhenVerificationIsCreated() throws Exception {
        answer.set(c -> new IssuedReply(c.commandId(), OTP_ID, Instant.EPOCH, Instant.EPOCH, "+44*******58", false,
                false));

        final HttpResponse<String> withIp = post("/Verifications",
                "To=%2B44+20+7946+0958&Channel=sms&DeviceIp=2001%3Adb8%3A%3A17", key.plaintext());
        final OtpRequested request = (OtpRequested) sent.get();
        final HttpResponse<String> badIp = post("/Verifications", "To=%2B44+20+7946+0958&Channel=sms&DeviceIp=host",
                key.plaintext());

        assertThat(withIp.statusCode()).as(withIp.body()).isEqualTo(201);
        assertThat(request.client().ip()).isEqualTo("2001:db8::17");
        assertThat(request.client().userAgent()).isNull();
        assertTwilioError(badIp, 400, 60200);
        assertThat(badIp.body()).contains("DeviceIp").doesNotContain("host");
        assertThat(sent.get()).as("no command for the refused one").isSameAs(request);
    }

    @Test
    void shouldAnswerTwilioErrorCodesWhenDecisionRefuses() throws Exception {
        answer.set(c -> new RequestRefusedReply(c.commandId(), ReplyStatus.RATE_LIMITED, "send_limit", 60L, false,
                false));
        final HttpResponse<String> send = post("/Verifications", "To=alice%40example.com&Channel=email",
                key.plaintext());
        answer.set(c -> new VerifyReply(c.commandId(), ReplyStatus.DENIED, OTP_ID, 4, null, false, false));
        final HttpResponse<String> denied = post("/VerificationCheck", "To=alice%40example.com&Code=000+000",
                key.plaintext());
        answer.set(c -> new VerifyReply(c.commandId(), ReplyStatus.LOCKED, null, null, 900L, false, false));
        final HttpResponse<String> locked = post("/VerificationCheck", "To=alice%40example.com&Code=000000",
                key.plaintext());
        answer.set(c -> new VerifyReply(c.commandId(), ReplyStatus.EXPIRED, OTP_ID, null, null, false, false));
        final HttpResponse<String> expired = post("/VerificationCheck", "To=alice%40example.com&Code=000000",
                key.plaintext());

        assertTwilioError(send, 429, 60203);
        assertThat(denied.statusCode()).isEqualTo(200);
        assertThat(json(denied).path("status").asText()).isEqualTo("pending");
        assertThat(((OtpVerifyAttempted) sent.get()).otpId()).isNull();
        assertTwilioError(locked, 429, 60202);
        assertTwilioError(expired, 404, 20404);
    }

    @Test
    void shouldRefuseBeforeAnyCommandWhenCredentialsServiceOrParametersAreWrong() throws Exception {
        answer.set(c -> {
            throw new AssertionError("no command may be sent");
        });

        assertTwilioError(post("/Verifications", "To=alice%40example.com&Channel=email", "otp_live_wrong"), 401,
                20003);
        assertTwilioError(post("/Verifications", "To=alice%40example.com&Channel=email", otherTenant.plaintext()),
                404, 20404);
        assertTwilioError(post("/Verifications", "To=alice%40example.com&Channel=call", key.plaintext()), 400, 60200);
        final HttpResponse<String> badTo = post("/Verifications", "To=%2B1+secret-ish&Channel=sms", key.plaintext());
        assertTwilioError(badTo, 400, 60200);
        assertThat(badTo.body()).doesNotContain("secret-ish");
        assertTwilioError(post("/VerificationCheck", "Code=123456", key.plaintext()), 400, 60200);
        assertTwilioError(get("/Verifications/VE" + "0".repeat(10), key.plaintext()), 404, 20404);
    }

    @Test
    void shouldNotReflectHostOrPathAndTreatAddressCaseAsOneUserWhenVerificationIsCreated() throws Exception {
        answer.set(c -> new IssuedReply(c.commandId(), OTP_ID, Instant.EPOCH, Instant.EPOCH, "b***@example.com", false,
                false));
        final String form = "To=Bob%40Example.com&Channel=email";
        final String raw;
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /v2/Services/" + SERVICE + "/Verifications HTTP/1.1\r\n"
                    + "Host: evil.example\r\nAuthorization: " + basic(key.plaintext()) + "\r\n"
                    + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + form.length()
                    + "\r\nConnection: close\r\n\r\n" + form).getBytes(StandardCharsets.ISO_8859_1));
            raw = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        final String upper = ((OtpRequested) sent.get()).userId();
        post("/Verifications", "To=bob%40example.com&Channel=email", key.plaintext());
        final HttpResponse<String> missing = get("/Verifications/VEmarker" + "0".repeat(10), key.plaintext());

        assertThat(raw).startsWith("HTTP/1.1 201").doesNotContain("evil.example")
                .contains("\"url\":\"http://127.0.0.1:" + api.port() + "/v2/Services/");
        assertThat(((OtpRequested) sent.get()).userId()).as("Bob@ and bob@ are one user").isEqualTo(upper);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).doesNotContain("marker");
    }

    @Test
    void shouldMapStatusesWhenVerificationIsFetched() throws Exception {
        final String sid = TwilioServices.verificationSid(OTP_ID, services.userId("acme", "alice@example.com"));
        answer.set(c -> new OtpStatusReply(c.commandId(), OTP_ID, new OtpStatusReply.CodeView(ReplyStatus.MAX_ATTEMPTS,
                "login", "email", "a***e@example.com", 5, 0, Instant.EPOCH, Instant.EPOCH, "sent", null), false));

        final HttpResponse<String> r = get("/Verifications/" + sid, key.plaintext());

        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(json(r).path("status").asText()).isEqualTo("max_attempts_reached");
        assertThat(json(r).path("to").asText()).isEqualTo("a***e@example.com");
        assertThat(sent.get().userId()).isEqualTo(services.userId("acme", "alice@example.com"));
    }

    private void assertTwilioError(final HttpResponse<String> r, final int status, final int code) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith("application/json"));
        assertThat(json(r).path("code").asInt()).isEqualTo(code);
        assertThat(json(r).path("status").asInt()).isEqualTo(status);
        assertThat(json(r).path("more_info").asText()).endsWith("/" + code);
    }

    private HttpResponse<String> post(final String path, final String form, final String apiKey) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", basic(apiKey))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(final String path, final String apiKey) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", basic(apiKey)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(final String apiKey) {
        return "Basic " + Base64.getEncoder().encodeToString((ACCOUNT + ":" + apiKey)
                .getBytes(StandardCharsets.UTF_8));
    }

    private URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + api.port() + "/v2/Services/" + SERVICE + path);
    }

    private static JsonNode json(final HttpResponse<String> r) throws Exception {
        return Json.mapper().readTree(r.body());
    }
}
