package io.otppipeline.api;

import io.otppipeline.api.bus.CommandBus;
import io.otppipeline.api.bus.IpVerdicts;
import io.otppipeline.api.http.ApiKeys;
import io.otppipeline.api.http.Problem;
import io.otppipeline.api.twilio.TwilioServices;
import io.otppipeline.api.v1.IdempotencyHeader;
import io.otppipeline.api.v1.ReplyAnswers;
import io.otppipeline.runtime.kafka.KafkaConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.FactorEnrolRequested;
import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.command.IpActivity;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.command.OtpCancelRequested;
import io.otppipeline.schemas.command.OtpStatusRequested;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpConsumeRequested;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.reply.CancelReply;
import io.otppipeline.schemas.reply.ConsumeReply;
import io.otppipeline.schemas.reply.FactorCheckReply;
import io.otppipeline.schemas.reply.FactorDeletedReply;
import io.otppipeline.schemas.reply.FactorEnrolledReply;
import io.otppipeline.schemas.reply.IdempotencyMismatchReply;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.OtpStatusReply;
import io.otppipeline.schemas.reply.RejectedReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import io.otppipeline.schemas.reply.RequestRefusedReply;
import io.otppipeline.schemas.reply.UnlockReply;
import io.otppipeline.schemas.reply.VerifyReply;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.commons.codec.binary.Base32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every HTTP status otp-api can answer, through the real HTTP server with a stand-in {@link CommandBus} in place of
 * Kafka: the decision each test needs is what the bus answers, so the mapping from decisions (and from transport
 * failures and HTTP errors) to status codes, headers and bodies is tested without a broker.
 */
class ApiHttpMappingTest {

    private static final String CREATE = "{\"userId\":\"alice\",\"channel\":\"email\","
            + "\"destination\":\"alice@example.com\",\"purpose\":\"login\"}";
    private static final String OTP_ID = "0b8e5b1e-2f4a-4c7e-9a51-6d1f0c3b2a11";
    private static final String VERIFY = "{\"userId\":\"alice\",\"purpose\":\"login\",\"code\":\"123456\"}";
    /** {@code api.request.body.timeout.ms} of the server under test. */
    private static final long BODY_TIMEOUT_MS = 3_000;

    @TempDir
    Path dir;

    private final Keyring commandKeyring = Keyring.generate("c1");
    /** The IP guard's verdicts the API finds, keyed as on otp.ip-verdicts.v1 (IPv4 keys are the address). */
    private final Map<String, IpVerdict> verdicts = new ConcurrentHashMap<>();
    private final AtomicReference<Function<OtpCommand, CompletableFuture<OtpReply>>> answer = new AtomicReference<>();
    private final AtomicReference<OtpCommand> sent = new AtomicReference<>();
    private final AtomicBoolean alive = new AtomicBoolean(true);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private ApiKeys.Issued key;
    private ApiKeys.Issued admin;
    private ApiService api;

    @BeforeEach
    void start() {
        key = ApiKeys.issue("acme-1", "acme");
        admin = ApiKeys.issue("acme-admin", "acme", ApiKeys.ADMIN);
        final CommandBus bus = new StandInBus(sent::set, c -> answer.get().apply(c), alive::get);
        api = ApiService.start(new ApiConfig(KafkaConnection.plaintext("unused:9092"), "127.0.0.1", 0, 1000, 1024, "otp-api",
                dir.resolve("unused"), dir.resolve("unused"), "read_uncommitted", 64, "otp-pipeline", 10_000, BODY_TIMEOUT_MS, TwilioServices.NONE, null, null),
                new ApiKeys(List.of(key.entry(), admin.entry())), commandKeyring, bus, new IpVerdicts() {
                    @Override
                    public IpVerdict find(final String tenantId, final IpActivity kind, final String ip) {
                        return verdicts.get(kind.key(tenantId, String.valueOf(ip)));
                    }

                    @Override
                    public void close() {
                    }
                });
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private void decide(final Function<String, OtpReply> reply) {
        answer.set(c -> CompletableFuture.completedFuture(reply.apply(c.commandId())));
    }

    @Test
    void shouldAnswer201WithCodeDetailsWhenCodeIsIssued() throws Exception {
        decide(id -> new IssuedReply(id, "otp-1", Instant.parse("2026-12-01T10:10:00Z"),
                Instant.parse("2026-12-01T10:01:00Z"), "a***e@example.com", false, false));

        final HttpResponse<String> r = post("/v1/otp", CREATE, key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(json(r).path("status").asText()).isEqualTo("pending");
        assertThat(json(r).path("otpId").asText()).isEqualTo("otp-1");
        assertThat(json(r).has("replayed")).isFalse();
        assertThat(r.headers().firstValue(ReplyAnswers.REPLAYED_HEADER)).isEmpty();
    }

    @Test
    void shouldStampIpVerdictIntoCommandWhenGuardHasOneForClientAddress() throws Exception {
        final IpVerdict blocked = new IpVerdict("198.51.100.66", 2_000_000_000_000L, 2_000_000_000_000L);
        verdicts.put(IpActivity.FAILURE.key("acme", "198.51.100.66"), blocked);
        decide(id -> new VerifyReply(id, ReplyStatus.RATE_LIMITED, null, null, 900L, true, false));

        final HttpResponse<String> r = post("/v1/otp/verify", "{\"userId\":\"alice\",\"purpose\":\"login\","
                + "\"code\":\"123456\",\"client\":{\"ip\":\"198.51.100.66\"}}", key.plaintext(), null);

        assertThat(((OtpVerifyAttempted) sent.get()).ipVerdict()).isEqualTo(blocked);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).contains("900");
        assertThat(json(r).path("reason").asText()).isEqualTo("ip_limit");
        assertThat(json(r).path("challengeRequired").asBoolean()).isTrue();
    }

    @Test
    void shouldStampNoVerdictWhenRequestNamesNoClientAddress() throws Exception {
        verdicts.put(IpActivity.REQUEST.key("acme", "198.51.100.66"), new IpVerdict("198.51.100.66", 1, 1));
        decide(id -> new IssuedReply(id, "otp-1", Instant.EPOCH, Instant.EPOCH, "a***e@example.com", true, false));

        final HttpResponse<String> r = post("/v1/otp", CREATE, key.plaintext(), null);

        assertThat(((OtpRequested) sent.get()).ipVerdict()).isNull();
        assertThat(json(r).path("challengeRequired").asBoolean()).isTrue();
    }

    @Test
    void shouldShowSecretOnceAsOtpauthUriAndQrWhenTotpFactorIsEnrolled() throws Exception {
        decide(id -> new FactorEnrolledReply(id, "f-1", FactorType.TOTP, "SHA1", 6, 30, false));

        final HttpResponse<String> r = post("/v1/users/alice/factors/totp", "", key.plaintext(), null);

        final FactorEnrolRequested command = (FactorEnrolRequested) sent.get();
        final byte[] secret = new Aead(commandKeyring).open(command.secret(),
                command.commandId().getBytes(StandardCharsets.UTF_8));
        final String base32 = new Base32().encodeAsString(secret).replace("=", "");
        assertThat(secret).hasSize(20);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(json(r).path("status").asText()).isEqualTo("unverified");
        assertThat(json(r).path("otpauthUri").asText()).isEqualTo("otpauth://totp/otp-pipeline:alice?secret=" + base32
                + "&issuer=otp-pipeline&algorithm=SHA1&digits=6&period=30");
        assertThat(json(r).path("qrPngBase64").asText()).isNotBlank();
        assertThat(r.headers().firstValue("Cache-Control")).as("a secret is never cached").contains("no-store");
    }

    @Test
    void shouldSendAnswersUncompressedWhenClientAcceptsCompression() throws Exception {
        final HttpRequest request = HttpRequest.newBuilder(uri("/openapi.yaml"))
                .header("Accept-Encoding", "gzip, deflate, br, zstd").GET().build();

        final HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());

        // BREACH: an answer holding a secret (a TOTP enrolment) beside reflected input must not be compressed; no
        // answer is, even one as large as this document, which a compressing server would compress
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).startsWith("openapi:").hasSizeGreaterThan(1500);
        assertThat(r.headers().firstValue("Content-Encoding")).isEmpty();
    }

    @Test
    void shouldAnswer409WithoutSecretWhenEnrolmentIsReplayed() throws Exception {
        decide(id -> new FactorEnrolledReply("first", "f-1", FactorType.TOTP, "SHA1", 6, 30, false).replayFor(id));

        final HttpResponse<String> r = post("/v1/users/alice/factors/totp", "{}", key.plaintext(), "k-1");

        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).doesNotContain("otpauth");
    }

    @Test
    void shouldAnswer400NamingCodeWhenProcessorFindsItsLengthWrongForThePurpose() throws Exception {
        decide(id -> new VerifyReply(id, ReplyStatus.MALFORMED, null, null, null, false, false));

        final HttpResponse<String> r = post("/v1/otp/verify", "{\"userId\":\"alice\",\"purpose\":\"login\","
                + "\"code\":\"1234567\"}", key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t)
                .startsWith(Problem.MEDIA_TYPE));
        assertThat(json(r).path("errors").get(0).path("field").asText()).isEqualTo("code");
        assertThat(r.body()).doesNotContain("1234567");
    }

    @Test
    void shouldMapFactorAnswersWhenCodesAreCheckedAndFactorsRemoved() throws Exception {
        decide(id -> new FactorCheckReply(id, ReplyStatus.RATE_LIMITED, null, 600L, true, false));
        final HttpResponse<String> limited = post("/v1/factors/verify", "{\"userId\":\"alice\",\"code\":\"123456\"}",
                key.plaintext(), null);
        decide(id -> new FactorCheckReply(id, ReplyStatus.APPROVED, "f-1", null, false, false));
        final HttpResponse<String> approved = post("/v1/factors/verify",
                "{\"userId\":\"alice\",\"code\":\"12345678\"}", key.plaintext(), null);
        final HttpResponse<String> badCode = post("/v1/factors/verify", "{\"userId\":\"alice\",\"code\":\"1234567\"}",
                key.plaintext(), null);
        decide(id -> new FactorDeletedReply(id, ReplyStatus.NOT_FOUND, OTP_ID, false));
        final HttpResponse<String> gone = http.send(HttpRequest.newBuilder(uri("/v1/users/alice/factors/" + OTP_ID))
                .header("Authorization", "Bearer " + key.plaintext()).DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(json(limited).path("reason").asText()).isEqualTo("ip_limit");
        assertThat(json(approved).path("status").asText()).isEqualTo("approved");
        assertThat(json(approved).path("factorId").asText()).isEqualTo("f-1");
        assertThat(badCode.statusCode()).as("7 digits").isEqualTo(400);
        assertThat(gone.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldSealNormalisedCodeWhenUserTypedItWithSpaceAndFullWidthDigits() throws Exception {
        decide(id -> new VerifyReply(id, ReplyStatus.APPROVED, "otp-1", null, null, false, false));

        final HttpResponse<String> r = post("/v1/otp/verify", "{\"userId\":\"alice\",\"purpose\":\"login\","
                + "\"code\":\"\uff11\uff12\uff13 456\"}", key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(200);
        final OtpVerifyAttempted command = (OtpVerifyAttempted) sent.get();
        assertThat(new String(new Aead(commandKeyring).open(command.code(),
                command.commandId().getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8)).isEqualTo("123456");
    }

    @Test
    void shouldAnswer200ThenNotFoundWhenCodeIsCanceledTwice() throws Exception {
        decide(id -> new CancelReply(id, OTP_ID, true, false));
        final HttpResponse<String> first = post("/v1/otp/" + OTP_ID + "/cancel", "{\"userId\":\"alice\"}",
                key.plaintext(), null);
        decide(id -> new CancelReply(id, OTP_ID, false, false));
        final HttpResponse<String> second = post("/v1/otp/" + OTP_ID + "/cancel", "{\"userId\":\"alice\"}",
                key.plaintext(), null);

        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(json(first).path("status").asText()).isEqualTo("canceled");
        assertThat(((OtpCancelRequested) sent.get()).otpId()).isEqualTo(OTP_ID);
        assertThat(second.statusCode()).isEqualTo(404);
    }

    @Test
    void shouldAnswerStatusWithoutTheCodeThen404WhenCodeIsAskedAbout() throws Exception {
        decide(id -> new OtpStatusReply(id, OTP_ID, new OtpStatusReply.CodeView(ReplyStatus.PENDING, "login",
                "sms", "+44*******58", 1, 4, Instant.parse("2026-12-01T10:00:00Z"),
                Instant.parse("2026-12-01T10:10:00Z"), "suppressed", "country_limit"), false));
        final HttpResponse<String> found = get("/v1/otp/" + OTP_ID + "?userId=alice");
        decide(id -> new OtpStatusReply(id, OTP_ID, null, false));
        final HttpResponse<String> gone = get("/v1/otp/" + OTP_ID + "?userId=alice");
        final HttpResponse<String> noUser = get("/v1/otp/" + OTP_ID);

        assertThat(found.statusCode()).isEqualTo(200);
        assertThat(json(found).path("status").asText()).isEqualTo("pending");
        assertThat(json(found).path("attemptsRemaining").asInt()).isEqualTo(4);
        assertThat(json(found).path("delivery").asText()).isEqualTo("suppressed");
        assertThat(json(found).path("deliveryReason").asText()).isEqualTo("country_limit");
        assertThat(json(found).path("expiresAt").asText()).isEqualTo("2026-12-01T10:10:00Z");
        assertThat(found.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(((OtpStatusRequested) sent.get()).userId()).isEqualTo("alice");
        assertProblem(gone, "otp-not-found");
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(noUser.statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + key.plaintext())
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void shouldFailLivenessWhenReplyListenerDied() throws Exception {
        assertThat(http.send(HttpRequest.newBuilder(uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString())
                .statusCode()).isEqualTo(200);

        alive.set(false);

        final HttpResponse<String> dead = http.send(HttpRequest.newBuilder(uri("/healthz")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(dead.statusCode()).isEqualTo(503);
        assertThat(dead.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
    }

    @Test
    void shouldRefuseDuplicateKeysTrailingTokensAndCoercionWithoutEchoingWhenBodyIsNotStrictJson() throws Exception {
        final List<String> bodies = List.of(
                "{\"userId\":\"alice\",\"userId\":\"bob\",\"purpose\":\"login\",\"code\":\"123456\"}",
                "{\"userId\":\"alice\",\"purpose\":\"login\",\"code\":\"123456\"} trailing",
                "{\"userId\":12,\"purpose\":\"login\",\"code\":\"123456\"}",
                "{\"userId\":\"alice\",\"purpose\":\"login\",\"code\":123456}",
                "{\"userId\":\"alice\",\"purpose\":\"login\",\"code\":\"123456\",\"sneaky<script>\":1}");

        for (String body : bodies) {
            final HttpResponse<String> r = post("/v1/otp/verify", body, key.plaintext(), null);
            assertThat(r.statusCode()).as(body).isEqualTo(400);
            assertThat(r.body()).as(body).doesNotContain("sneaky", "bob", "trailing", "123456");
        }
        assertThat(sent.get()).as("nothing was published").isNull();
    }

    @Test
    void shouldAnswerProblemJsonWithoutEchoWhenJettyRefusesTheRequestItself() throws Exception {
        final String badUri = raw("GET /v1/otp%zz<b> HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        final String hugeHeader = raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");

        assertThat(badUri).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/problem+json")
                .doesNotContain("%zz", "<b>");
        assertThat(hugeHeader).startsWith("HTTP/1.1 431").containsIgnoringCase("application/problem+json")
                .doesNotContain("aaaa");
    }

    @Test
    void shouldStillAnswerHealthWhenThreeHundredClientsTrickleTheirBodies() throws Exception {
        final List<Socket> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                final Socket socket = new Socket("127.0.0.1", api.port());
                socket.getOutputStream().write(("POST /v1/otp HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Authorization: Bearer " + key.plaintext() + "\r\nContent-Length: 1000\r\n\r\n{")
                        .getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                slow.add(socket);
            }

            final HttpResponse<String> health = http.send(HttpRequest.newBuilder(uri("/healthz"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(health.statusCode()).isEqualTo(200);
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void shouldCloseConnectionWhenBodyTricklesInPastTheDeadline() throws Exception {
        final long started = System.nanoTime();

        final String written = trickleUntilClosed("/v1/otp", key.plaintext());

        // closed, not answered (a 413 would be Jetty refusing the pieces, not the deadline)
        assertThat(written).as("what the server wrote before closing").isEmpty();
        assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(BODY_TIMEOUT_MS);
    }

    @Test
    void shouldRunNoRouteWhenBodyWasCutAtTheDeadline() throws Exception {
        decide(id -> new UnlockReply(id, false));

        trickleUntilClosed("/v1/users/alice/unlock", admin.plaintext()); // a route that does not read its body

        // the closed connection ends the body for Jetty; the request must still not reach the route and publish
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> sent.get() == null);
    }

    /**
     * Sends the headers of a 1,000-byte JSON body to {@code path} and then 8 bytes every 1.5 s: never idle for
     * {@code api.idle.timeout.ms}, few enough pieces that Jetty's retained content (64 bytes of framing per piece,
     * {@code api.max.body.bytes} 1024 here) does not refuse them within the socket's 15 s, yet the whole body would
     * take 3 minutes. Returns what the server wrote once it closed the connection.
     */
    private String trickleUntilClosed(final String path, final String apiKey) throws Exception {
        final ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(15_000);
            final OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nAuthorization: "
                    + "Bearer " + apiKey + "\r\nContent-Length: 1000\r\n\r\n{").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            trickle.scheduleAtFixedRate(() -> {
                try {
                    out.write("        ".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } catch (IOException closed) {
                    // the server closed the connection: what the caller waits for
                }
            }, 1500, 1500, TimeUnit.MILLISECONDS);
            return readUntilClosed(socket);
        } finally {
            trickle.shutdownNow();
        }
    }

    /**
     * Reads until the server closes {@code socket} (end of stream or a reset) and returns what it wrote; fails with
     * {@link java.net.SocketTimeoutException} if it is still open after the socket's read timeout.
     */
    private static String readUntilClosed(final Socket socket) throws IOException {
        final StringBuilder written = new StringBuilder();
        try {
            int b;
            while ((b = socket.getInputStream().read()) >= 0) {
                written.append((char) b);
            }
        } catch (SocketException reset) {
            // closed with bytes of ours unread: a reset, which is a close too
        }
        return written.toString();
    }

    /** Writes {@code request} on a raw socket and returns everything the server answers until it closes. */
    private String raw(final String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void shouldSealDestinationAndEntropyWhenRequestIsPublished() throws Exception {
        decide(id -> new IssuedReply(id, "otp-1", Instant.EPOCH, Instant.EPOCH, "a***e@example.com", false, false));

        post("/v1/otp", CREATE, key.plaintext(), null);

        final OtpRequested command = (OtpRequested) sent.get();
        final byte[] ad = command.commandId().getBytes(StandardCharsets.UTF_8);
        final Aead aead = new Aead(commandKeyring);
        assertThat(new String(aead.open(command.destination(), ad), StandardCharsets.UTF_8))
                .isEqualTo("alice@example.com");
        assertThat(aead.open(command.entropy(), ad)).hasSize(32);
        assertThat(Json.mapper().writeValueAsString(command)).doesNotContain("alice@example.com");
    }

    @Test
    void shouldMarkReplayWhenDecisionIsReplayed() throws Exception {
        decide(id -> new VerifyReply("first", ReplyStatus.APPROVED, "otp-1", null, null, false, false).replayFor(id));

        final HttpResponse<String> r = post("/v1/otp/verify", VERIFY, key.plaintext(), "key-1");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue(ReplyAnswers.REPLAYED_HEADER)).hasValue("true");
        assertThat(json(r).path("replayed").asBoolean()).isTrue();
        assertThat(json(r).path("status").asText()).isEqualTo("approved");
    }

    @Test
    void shouldAnswer429WithRetryAfterWhenRateLimited() throws Exception {
        decide(id -> new RequestRefusedReply(id, ReplyStatus.RATE_LIMITED, "cooldown", 42, false, false));

        final HttpResponse<String> r = post("/v1/otp", CREATE, key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("42");
        assertProblem(r, "rate-limited");
    }

    @Test
    void shouldAnswer428WithReasonWhenCaptchaWasDueAndDidNotPass() throws Exception {
        decide(id -> new RequestRefusedReply(id, ReplyStatus.CHALLENGE_REQUIRED, "captcha_failed", 1, true, false));
        final HttpResponse<String> request = post("/v1/otp", CREATE.replace("}", ",\"captchaToken\":\"tok-1\"}"),
                key.plaintext(), null);
        final OtpRequested published = (OtpRequested) sent.get();
        decide(id -> new VerifyReply(id, ReplyStatus.CHALLENGE_REQUIRED, null, null, null, true, false));
        final HttpResponse<String> verify = post("/v1/otp/verify", VERIFY, key.plaintext(), null);

        assertThat(request.statusCode()).as(request.body()).isEqualTo(428);
        assertProblem(request, "challenge-required");
        assertThat(json(request).path("reason").asText()).isEqualTo("captcha_failed");
        assertThat(json(request).path("challengeRequired").asBoolean()).isTrue();
        assertThat(request.body()).doesNotContain("tok-1");
        assertThat(published.captcha()).as("this API's tenant uses no CAPTCHA: no verdict stamped").isNull();
        assertThat(verify.statusCode()).isEqualTo(428);
        assertThat(json(verify).path("reason").asText()).isEqualTo("captcha_required");
    }

    @Test
    void shouldAnswer423WithRetryAfterWhenUserIsLocked() throws Exception {
        decide(id -> new RequestRefusedReply(id, ReplyStatus.LOCKED, "locked", 900, false, false));

        final HttpResponse<String> r = post("/v1/otp", CREATE, key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(423);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("900");
        assertProblem(r, "locked");
    }

    @Test
    void shouldAnswer200WithRetryAfterWhenVerificationFindsUserLocked() throws Exception {
        decide(id -> new VerifyReply(id, ReplyStatus.LOCKED, null, null, 120L, false, false));

        final HttpResponse<String> r = post("/v1/otp/verify", VERIFY, key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("120");
        assertThat(json(r).path("status").asText()).isEqualTo("locked");
    }

    @Test
    void shouldAnswer409WhenCodeCannotBeConsumed() throws Exception {
        decide(id -> new ConsumeReply(id, OTP_ID, false, false));

        final HttpResponse<String> r = post("/v1/otp/" + OTP_ID + "/consume", "{\"userId\":\"alice\"}", key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(409);
        assertProblem(r, "not-consumable");
        assertThat(((OtpConsumeRequested) sent.get()).otpId()).isEqualTo(OTP_ID);
    }

    @Test
    void shouldAnswer200OnceWhenCodeIsConsumed() throws Exception {
        decide(id -> new ConsumeReply(id, OTP_ID, true, false));

        final HttpResponse<String> r = post("/v1/otp/" + OTP_ID + "/consume", "{\"userId\":\"alice\"}", key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r).path("status").asText()).isEqualTo("consumed");
    }

    @Test
    void shouldAnswer422WhenIdempotencyKeyWasUsedWithAnotherRequest() throws Exception {
        decide(IdempotencyMismatchReply::new);

        final HttpResponse<String> r = post("/v1/otp/verify", VERIFY, key.plaintext(), "key-1");

        assertThat(r.statusCode()).isEqualTo(422);
        assertProblem(r, "idempotency-key-reused");
    }

    @Test
    void shouldAnswer500WhenPipelineRejectedCommand() throws Exception {
        decide(RejectedReply::new);

        final HttpResponse<String> r = post("/v1/otp/verify", VERIFY, key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(500);
        assertProblem(r, "command-rejected");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenNoDecisionArrivesInTime() throws Exception {
        answer.set(c -> CompletableFuture.failedFuture(new TimeoutException("no reply")));

        final HttpResponse<String> r = post("/v1/otp/verify", VERIFY, key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(503);
        assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
        assertProblem(r, "unavailable");
    }

    @Test
    void shouldAnswer200WhenAdminUnlocksAnd403ForOtherKeys() throws Exception {
        decide(id -> new UnlockReply(id, false));

        final HttpResponse<String> byAdmin = post("/v1/users/alice/unlock", "", admin.plaintext(), null);
        final HttpResponse<String> byTenant = post("/v1/users/alice/unlock", "", key.plaintext(), null);

        assertThat(byAdmin.statusCode()).isEqualTo(200);
        assertThat(json(byAdmin).path("status").asText()).isEqualTo("unlocked");
        assertThat(byTenant.statusCode()).isEqualTo(403);
    }

    @Test
    void shouldAnswer401WhenApiKeyIsMissing() throws Exception {
        final HttpResponse<String> r = post("/v1/otp", CREATE, "wrong", null);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(sent.get()).isNull();
    }

    @Test
    void shouldAnswer413WhenBodyIsTooLarge() throws Exception {
        final HttpResponse<String> r = post("/v1/otp", "{\"userId\":\"" + "a".repeat(2000) + "\"}", key.plaintext(),
                null);

        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
        assertThat(sent.get()).isNull();
    }

    @Test
    void shouldAnswer404AsProblemWhenPathIsUnknown() throws Exception {
        final HttpResponse<String> r = post("/v1/nothing-here", "{}", key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(404);
        assertProblem(r, "not-found");
    }

    @Test
    void shouldAnswer405AsProblemWhenMethodIsNotAllowed() throws Exception {
        final HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri("/v1/otp")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isEqualTo(405);
        assertProblem(r, "method-not-allowed");
    }

    @Test
    void shouldAnswer400WithoutPublishingWhenBodyIsInvalid() throws Exception {
        final HttpResponse<String> r = post("/v1/otp", "{\"userId\":\"alice\"}", key.plaintext(), null);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
        assertThat(sent.get()).isNull();
    }

    private void assertProblem(final HttpResponse<String> r, final String type) throws IOException {
        assertThat(r.headers().firstValue("Content-Type")).as(r.body()).hasValueSatisfying(
                t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
        assertThat(json(r).path("type").asText()).endsWith(type);
        assertThat(json(r).path("status").asInt()).isEqualTo(r.statusCode());
    }

    private HttpResponse<String> post(final String path, final String body, final String apiKey,
                                      final String idempotencyKey) throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + apiKey).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header(IdempotencyHeader.HEADER, idempotencyKey);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    private static JsonNode json(final HttpResponse<String> r) throws IOException {
        return Json.mapper().readTree(r.body());
    }
}
