package io.otppipeline.api;

import io.otppipeline.api.bus.CommandBus;
import io.otppipeline.api.http.ApiKeys;
import io.otppipeline.api.http.Problem;
import io.otppipeline.api.twilio.TwilioServices;
import io.otppipeline.runtime.kafka.KafkaConnection;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.DeliveryReported;
import io.otppipeline.schemas.command.FactorConfirmRequested;
import io.otppipeline.schemas.command.MagicLinkConfirmRequested;
import io.otppipeline.schemas.command.MagicLinkExchangeRequested;
import io.otppipeline.schemas.command.MagicLinkOpened;
import io.otppipeline.schemas.command.FactorDeleteRequested;
import io.otppipeline.schemas.command.FactorEnrolRequested;
import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.command.FactorVerifyAttempted;
import io.otppipeline.schemas.command.OtpCancelRequested;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpConsumeRequested;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpStatusRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.command.UserUnlockRequested;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.reply.CancelReply;
import io.otppipeline.schemas.reply.ConsumeReply;
import io.otppipeline.schemas.reply.FactorCheckReply;
import io.otppipeline.schemas.reply.FactorDeletedReply;
import io.otppipeline.schemas.reply.FactorEnrolledReply;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.LinkConfirmedReply;
import io.otppipeline.schemas.reply.LinkExchangedReply;
import io.otppipeline.schemas.reply.LinkOpenedReply;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.OtpStatusReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import io.otppipeline.schemas.reply.UnlockReply;
import io.otppipeline.schemas.reply.VerifyReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Fuzzes every route of the real HTTP server (Javalin on Jetty) in front of a stand-in command bus that answers
 * valid commands: malformed and hostile bodies (unicode, control characters, lone surrogates, huge strings, deep
 * nesting, duplicate keys, wrong types, separator tricks in ids), bad headers and method confusion. Every answer is
 * a success for a valid request or a 4xx {@code application/problem+json} that echoes none of the marker the input
 * carries and no stack trace; never a 5xx; and a normal request still works afterwards. Prints the cases tried.
 * A failing property prints its seed ("Seed was N"); {@code -DQT_SEED=N} replays it.
 */
class ApiFuzzPropertyTest {

    /** Put into every generated string: no answer may contain it. */
    private static final String MARKER = "Zq9Marker";
    private static final List<String> PATHS = List.of("/v1/otp", "/v1/otp/verify",
            "/v1/otp/0b8e5b1e-2f4a-4c7e-9a51-6d1f0c3b2a11/consume", "/v1/otp/0b8e5b1e-2f4a-4c7e-9a51-6d1f0c3b2a11/cancel",
            "/v1/users/alice/unlock",
            "/v1/users/alice/factors/totp", "/v1/users/alice/factors/0b8e5b1e-2f4a-4c7e-9a51-6d1f0c3b2a11/confirm",
            "/v1/users/alice/factors/0b8e5b1e-2f4a-4c7e-9a51-6d1f0c3b2a11", "/v1/factors/verify",
            "/v1/users/" + MARKER + "%2F..%2F/unlock", "/v1/otp/" + MARKER + ":x/consume", "/v1/" + MARKER,
            "/v1/otp/0b8e5b1e-2f4a-4c7e-9a51-6d1f0c3b2a11?userId=alice", "/v1/magic-links", "/v1/magic-links/exchange",
            "/l/" + MARKER, "/l/v1.k1.AAAAAAAAAAAAAAAA.AAAA." + MARKER);
    /** Routes that read a JSON body, each with the fields of a valid body, in order. */
    private static final Map<String, Map<String, String>> VALID_BODIES = new LinkedHashMap<>();

    static {
        VALID_BODIES.put("/v1/otp", fields("userId", "alice", "channel", "email", "destination", "alice@example.com",
                "purpose", "login", "locale", "en"));
        VALID_BODIES.put("/v1/otp/verify", fields("userId", "alice", "purpose", "login", "code", "123456",
                "otpId", "0b8e5b1e-2f4a-4c7e-9a51-6d1f0c3b2a11"));
        VALID_BODIES.put("/v1/magic-links", fields("userId", "alice", "destination", "alice@example.com",
                "purpose", "login", "redirectUrl", "https://app.example.com/done", "locale", "en"));
        VALID_BODIES.put("/v1/magic-links/exchange", fields("code", "AAAAAAAAAAAAAAAAAAAAAA"));
        VALID_BODIES.put("/v1/factors/verify", fields("userId", "alice", "code", "123456",
                "factorId", "0b8e5b1e-2f4a-4c7e-9a51-6d1f0c3b2a11"));
    }

    private static Map<String, String> fields(final String... namesAndValues) {
        final Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            fields.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return fields;
    }

    private static final AtomicInteger CASES = new AtomicInteger();
    private static final int MAX_BODY = 16384;

    private static ApiService api;
    /** Scratch directory of the API's (unused) key files; removed when the class's tests end. */
    private static Path dir;
    private static ApiKeys.Issued key;
    private static ApiKeys.Issued admin;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws IOException {
        key = ApiKeys.issue("acme-1", "acme");
        admin = ApiKeys.issue("acme-admin", "acme", ApiKeys.ADMIN);
        dir = Files.createTempDirectory("api-fuzz");
        api = ApiService.start(new ApiConfig(KafkaConnection.plaintext("unused:9092"), "127.0.0.1", 0, 1000, MAX_BODY, "otp-api",
                dir.resolve("unused"), dir.resolve("unused"), "read_uncommitted", 64, "otp-pipeline", 10_000, 10_000, TwilioServices.NONE, null, null),
                new ApiKeys(List.of(key.entry(), admin.entry())), Keyring.generate("c1"), new AnsweringBus());
    }

    @AfterAll
    static void stop() throws IOException {
        api.close();
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
        System.out.println("ApiFuzzPropertyTest: " + CASES.get() + " HTTP requests tried");
    }

    @Test
    void shouldAnswerProblemJsonWithoutEchoOrServerErrorWhenInputIsHostile() {
        qt().withExamples(3000)
                .forAll(requests(), headers())
                .checkAssert((request, headers) -> {
                    try {
                        tryHostileRequest(request.method(), request.path(), request.body(), headers.authorization(),
                                headers.contentType(), headers.idempotencyKey());
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                });
    }

    /** One generated request: sent, its answer checked, then a normal request checked. */
    private static void tryHostileRequest(final String method, final String path, final String body,
                                          final String authorization, final String contentType,
                                          final String idempotencyKey) throws IOException, InterruptedException {
        CASES.incrementAndGet();
        final HttpResponse<String> r;
        try {
            r = send(method, path, body, authorization, contentType, idempotencyKey);
        } catch (IOException e) {
            // Jetty answers 413 to a body over api.max.body.bytes and closes the connection while the client is
            // still writing it: the client sees a broken pipe, not the answer. Only for oversized bodies.
            assertThat(body.length()).as("only an oversized body may lose its answer").isGreaterThan(MAX_BODY);
            assertNormalRequestWorksAfterErrorAnswer();
            return;
        }

        assertThat(r.statusCode()).as("%s %s %s", method, path, body).isLessThan(500);
        assertThat(r.body()).doesNotContain(MARKER).doesNotContain("Exception").doesNotContain("\tat ");
        if (r.statusCode() >= 400 && !"HEAD".equals(method) && !path.startsWith("/l/")) { // link pages are HTML
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith(Problem.MEDIA_TYPE));
            final JsonNode problem = Json.mapper().readTree(r.body());
            assertThat(problem.path("status").asInt()).isEqualTo(r.statusCode());
        }
        if (r.statusCode() >= 400) {
            assertNormalRequestWorksAfterErrorAnswer();
        } else {
            assertNormalRequestWorks();
        }
    }

    /**
     * After an error answer Jetty may close the connection (RFC 9112 section 9.6: a server may close after any
     * response). When the JDK client has already put that connection back in its pool, the next POST on it fails
     * with an IOException before any byte is read, and the client does not retry a POST by itself. A second
     * attempt opens a new connection: the service must answer that one.
     */
    private static void assertNormalRequestWorksAfterErrorAnswer() throws IOException, InterruptedException {
        try {
            assertNormalRequestWorks();
        } catch (IOException closedPooledConnection) {
            assertNormalRequestWorks();
        }
    }

    private static void assertNormalRequestWorks() throws IOException, InterruptedException {
        final HttpResponse<String> normal = send("POST", "/v1/otp", "{\"userId\":\"alice\",\"channel\":\"email\","
                + "\"destination\":\"alice@example.com\",\"purpose\":\"login\"}", "Bearer " + key.plaintext(),
                "application/json", null);
        assertThat(normal.statusCode()).as("a normal request after it").isEqualTo(201);
    }

    /** The headers of a generated request. */
    record Headers(String authorization, String contentType, String idempotencyKey) {
    }

    /** The request line and body. */
    record Request(String method, String path, String body) {
    }

    /**
     * Half the requests combine any method, path and body; the other half POST to a route that reads a JSON body a
     * body that is valid but for one hostile field, so that every field's validation message is reached.
     */
    @SuppressWarnings("unchecked")
    private static Gen<Request> requests() {
        final Gen<Request> any = methods().zip(paths(), bodies(), Request::new);
        final Gen<Request> aimed = Generate.pick(List.copyOf(VALID_BODIES.keySet()))
                .flatMap(path -> nearValid(VALID_BODIES.get(path)).map(body -> new Request("POST", path, body)));
        return Generate.oneOf(any, aimed);
    }

    private static Gen<Headers> headers() {
        return authorizations().zip(contentTypes(), idempotencyKeys(), Headers::new);
    }

    private static Gen<String> methods() {
        return Generate.pick(List.of("POST", "POST", "POST", "GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"));
    }

    private static Gen<String> paths() {
        return Generate.pick(PATHS);
    }

    @SuppressWarnings("unchecked")
    private static Gen<String> authorizations() {
        return Generate.oneOf(Generate.constant("Bearer " + key.plaintext()),
                Generate.constant("Bearer " + key.plaintext()), Generate.constant("Bearer " + admin.plaintext()),
                Generate.constant(""), Generate.constant("Bearer " + MARKER), Generate.constant("Basic " + MARKER),
                hostile().map(s -> "Bearer " + s));
    }

    private static Gen<String> contentTypes() {
        return Generate.pick(List.of("application/json", "application/json", "application/json; charset=utf-8",
                "text/plain", "application/x-www-form-urlencoded", ""));
    }

    private static Gen<String> idempotencyKeys() {
        return Generate.pick(List.of("", "", "key-1", MARKER + "\u00e9", "x".repeat(300)));
    }

    @SuppressWarnings("unchecked")
    /** A body with {@code valid}'s fields, one of which holds a hostile string instead of its valid value. */
    private static Gen<String> nearValid(final Map<String, String> valid) {
        return Generate.pick(List.copyOf(valid.keySet())).zip(hostile().map(ApiFuzzPropertyTest::quoted),
                (hostileField, value) -> {
                    final List<String> members = new ArrayList<>();
                    valid.forEach((f, v) -> members.add(quoted(f) + ":" + (f.equals(hostileField) ? value : quoted(v))));
                    return "{" + String.join(",", members) + "}";
                });
    }

    private static Gen<String> bodies() {
        final Gen<String> value = Generate.oneOf(hostile().map(ApiFuzzPropertyTest::quoted),
                integers().all().map(i -> Integer.toString(i)),
                Generate.pick(List.of("true", "null", "[]", "{}", "1e999")),
                Generate.constant(quoted("alice")), Generate.constant(quoted("123456")),
                Generate.constant(quoted("alice@example.com")), Generate.constant(quoted("+442079460958")));
        final Gen<String> field = Generate.pick(List.of("userId", "channel", "destination", "purpose", "locale",
                "code", "otpId", "factorId", "client", MARKER));
        final Gen<String> member = field.zip(value, (f, v) -> quoted(f) + ":" + v);
        final Gen<String> object = lists().of(member).ofSizeBetween(0, 8)
                .map(m -> "{" + String.join(",", m) + "}");
        return Generate.oneOf(object, object, object,
                object.map(o -> o + " " + MARKER),
                object.map(o -> "[".repeat(300) + o + "]".repeat(300)),
                Generate.constant("{\"client\":{\"ip\":\"" + MARKER + "\",\"userAgent\":\"\\ud800\"}}"),
                hostile(), Generate.constant(""));
    }

    /** Strings a hostile client sends, each holding {@link #MARKER}. */
    @SuppressWarnings("unchecked")
    private static Gen<String> hostile() {
        return Generate.oneOf(
                strings().allPossible().ofLengthBetween(0, 40).map(s -> MARKER + s),
                stringsOf(20, '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udfff', '"', '\\',
                        ':', '/', '.').map(s -> s + MARKER),
                Generate.constant(MARKER + "x".repeat(20_000)),
                Generate.constant("../" + MARKER + "/.."),
                Generate.constant(MARKER + "\ud83d\ude00"));
    }

    /** Strings of up to {@code maxLength} characters, each one of {@code chars}. */
    private static Gen<String> stringsOf(final int maxLength, final Character... chars) {
        return lists().of(Generate.pick(Arrays.asList(chars))).ofSizeBetween(0, maxLength)
                .map(ApiFuzzPropertyTest::joined);
    }

    private static String joined(final List<Character> chars) {
        final StringBuilder b = new StringBuilder(chars.size());
        for (char c : chars) {
            b.append(c);
        }
        return b.toString();
    }

    /** {@code s} as a JSON string literal, written by hand so that hostile characters survive (escaped). */
    private static String quoted(final String s) {
        final StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || Character.isSurrogate(c)) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    private static HttpResponse<String> send(final String method, final String path, final String body,
                                             final String authorization, final String contentType,
                                             final String idempotencyKey) throws IOException, InterruptedException {
        final HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, "GET".equals(method) || "HEAD".equals(method) ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (!authorization.isEmpty() && authorization.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
            b.header("Authorization", authorization);
        }
        if (!contentType.isEmpty()) {
            b.header("Content-Type", contentType);
        }
        if (idempotencyKey != null && !idempotencyKey.isEmpty()
                && idempotencyKey.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
            b.header("Idempotency-Key", idempotencyKey);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Answers every valid command as the processor would in the simplest case; records nothing. */
    private static final class AnsweringBus implements CommandBus {

        @Override
        public void start() {
        }

        @Override
        public CompletableFuture<OtpReply> send(final OtpCommand command) {
            final String id = command.commandId();
            final OtpReply reply = command.accept(new OtpCommand.Visitor<OtpReply>() {
                @Override
                public OtpReply request(final OtpRequested c) {
                    return new IssuedReply(id, "otp-1", Instant.EPOCH, Instant.EPOCH, "a***e@example.com", false,
                            false);
                }

                @Override
                public OtpReply verify(final OtpVerifyAttempted c) {
                    return new VerifyReply(id, ReplyStatus.DENIED, null, 4, null, false, false);
                }

                @Override
                public OtpReply consume(final OtpConsumeRequested c) {
                    return new ConsumeReply(id, c.otpId(), false, false);
                }

                @Override
                public OtpReply unlock(final UserUnlockRequested c) {
                    return new UnlockReply(id, false);
                }

                @Override
                public OtpReply cancel(final OtpCancelRequested c) {
                    return new CancelReply(id, c.otpId(), false, false);
                }

                @Override
                public OtpReply status(final OtpStatusRequested c) {
                    return new OtpStatusReply(id, c.otpId(), null, false);
                }

                @Override
                public OtpReply deliveryReported(final DeliveryReported c) {
                    throw new AssertionError("otp-api never sends a delivery report");
                }

                @Override
                public OtpReply linkOpened(final MagicLinkOpened c) {
                    return new LinkOpenedReply(id, false, null, false);
                }

                @Override
                public OtpReply linkConfirmed(final MagicLinkConfirmRequested c) {
                    return new LinkConfirmedReply(id, null, false);
                }

                @Override
                public OtpReply linkExchanged(final MagicLinkExchangeRequested c) {
                    return new LinkExchangedReply(id, c.linkId(), null, false, false);
                }

                @Override
                public OtpReply enrolFactor(final FactorEnrolRequested c) {
                    return new FactorEnrolledReply(id, "f-1", FactorType.TOTP, "SHA1", 6, 30, false);
                }

                @Override
                public OtpReply confirmFactor(final FactorConfirmRequested c) {
                    return new FactorCheckReply(id, ReplyStatus.DENIED, null, null, false, false);
                }

                @Override
                public OtpReply verifyFactor(final FactorVerifyAttempted c) {
                    return new FactorCheckReply(id, ReplyStatus.NOT_FOUND, null, null, false, false);
                }

                @Override
                public OtpReply deleteFactor(final FactorDeleteRequested c) {
                    return new FactorDeletedReply(id, ReplyStatus.NOT_FOUND, c.factorId(), false);
                }
            });
            return CompletableFuture.completedFuture(reply);
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void close() {
        }
    }
}
