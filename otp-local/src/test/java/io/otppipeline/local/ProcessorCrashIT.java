package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.api.ApiConfig;
import io.otppipeline.api.ApiService;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.config.Settings;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.kafka.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of the exactly-once processor: while verifications run, the processor's JVM is killed with
 * SIGKILL (no clean shutdown, an open transaction left behind) and a new instance with an empty state
 * directory takes over by restoring from the changelog. Afterwards the events topic must say exactly what the
 * clients were told, per user and in order: no code approved twice, no attempt lost, none counted twice.
 */
class ProcessorCrashIT {

    private static final int USERS = 150;
    /** Per user, in order: four wrong codes, the right one, the right one again twice, one wrong. */
    private static final List<Boolean> RIGHT = List.of(false, false, false, false, true, true, true, false);

    @TempDir
    Path dir;

    private TestInfrastructure infra;
    private DevSecrets secrets;
    private ApiService api;
    private final List<Process> processors = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        infra = TestInfrastructure.start();
        secrets = new DevSecrets(dir.resolve("secrets")).ensure();
        api = ApiService.start(ApiConfig.from(Settings.of(Map.of(
                "kafka.bootstrap.servers", infra.bootstrapServers(), "api.port", "0",
                "api.reply.timeout.ms", "90000",
                "secrets.api.keys.file", secrets.apiKeys().toString(),
                "secrets.command.keyring.file", secrets.commandKeyring().toString()))));
        await().atMost(Duration.ofSeconds(60)).until(api::isReady);
        processors.add(startProcessor("state-1"));
    }

    @AfterEach
    void stop() throws Exception {
        ChildJvm.stopAll(processors);
        if (api != null) {
            api.close();
        }
        if (infra != null) {
            infra.close();
        }
    }

    @Test
    void shouldNeitherLoseNorRepeatAnyDecisionWhenProcessorIsKilledMidLoad() throws Exception {
        final Map<String, String> codes = issueCodes();
        final AtomicInteger answered = new AtomicInteger();
        final Map<String, List<HttpResponse<String>>> told = new ConcurrentHashMap<>();
        final List<CompletableFuture<Void>> clients = codes.entrySet().stream()
                .map(e -> runClient(e.getKey(), e.getValue(), told, answered)).toList();

        await().atMost(Duration.ofSeconds(120)).until(() -> answered.get() >= USERS * RIGHT.size() / 4);
        processors.get(0).destroyForcibly().waitFor();
        final long killedAt = System.nanoTime();
        final int answeredAtKill = answered.get();
        processors.add(startProcessor("state-2"));
        CompletableFuture.allOf(clients.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);

        System.out.printf(Locale.ROOT, "ProcessorCrashIT: killed after %d of %d answers; the rest answered %.1f s "
                + "after the kill%n", answeredAtKill, USERS * RIGHT.size(), (System.nanoTime() - killedAt) / 1e9);
        assertThat(answeredAtKill).as("killed in the middle of the load").isLessThan(USERS * RIGHT.size());
        assertThat(told.values().stream().flatMap(List::stream))
                .allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(200));
        final Map<String, List<JsonNode>> events = verificationEventsByUser();
        for (String user : codes.keySet()) {
            final List<String> clientSaw = told.get(user).stream().map(r -> json(r.body()).path("status").asText())
                    .toList();
            final List<JsonNode> logged = events.getOrDefault(user, List.of());
            assertThat(logged.stream().map(e -> e.path("outcome").asText()).toList()).as(user)
                    .isEqualTo(clientSaw);
            assertThat(clientSaw).as(user).containsExactly("denied", "denied", "denied", "denied", "approved",
                    "not_found", "not_found", "not_found");
            assertThat(logged.subList(0, 4).stream().map(e -> e.path("failedAttempts").asInt()).toList()).as(user)
                    .containsExactly(1, 2, 3, 4);
        }
        final List<String> commandIds = events.values().stream().flatMap(List::stream)
                .map(e -> e.path("commandId").asText()).toList();
        assertThat(Set.copyOf(commandIds)).hasSameSizeAs(commandIds);
    }

    private CompletableFuture<Void> runClient(final String user, final String code,
                                              final Map<String, List<HttpResponse<String>>> told,
                                              final AtomicInteger answered) {
        final List<HttpResponse<String>> responses = Collections.synchronizedList(new ArrayList<>());
        told.put(user, responses);
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (boolean right : RIGHT) {
            final String typed = right ? code : (code.charAt(0) == '0' ? "1" : "0") + code.substring(1);
            chain = chain.thenCompose(v -> post("/v1/otp/verify", "{\"userId\":\"" + user
                    + "\",\"purpose\":\"login\",\"code\":\"" + typed + "\"}")).thenAccept(r -> {
                        responses.add(r);
                        answered.incrementAndGet();
                    });
        }
        return chain;
    }

    /** One code per user through the API; the codes are read back from the delivery topic and opened. */
    private Map<String, String> issueCodes() throws Exception {
        final Map<String, String> userByOtpId = new HashMap<>();
        final List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
        final List<String> users = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            final String user = "crash-" + i;
            users.add(user);
            requests.add(post("/v1/otp", "{\"userId\":\"" + user + "\",\"channel\":\"email\",\"destination\":\""
                    + user + "@example.test\",\"purpose\":\"login\"}"));
        }
        for (int i = 0; i < USERS; i++) {
            final HttpResponse<String> response = requests.get(i).get(2, TimeUnit.MINUTES);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            userByOtpId.put(json(response.body()).path("otpId").asText(), users.get(i));
        }
        final Aead delivery = new Aead(Keyring.load(secrets.deliveryKeyring()));
        final Map<String, String> codes = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readCommitted(infra.bootstrapServers(),
                Set.of(Topics.DELIVERY.name()))) {
            final JsonNode issued = json(new String(r.value(), StandardCharsets.UTF_8));
            final String otpId = issued.path("otpId").asText();
            final byte[] secret = delivery.open(Json.mapper().treeToValue(issued.path("secret"),
                    SealedBox.class), otpId.getBytes(StandardCharsets.UTF_8));
            codes.put(userByOtpId.get(otpId), Json.mapper().readValue(secret, DeliverySecret.class).code());
        }
        assertThat(codes).hasSize(USERS);
        return codes;
    }

    /** Verification event data per user in log order, as a read_committed consumer (the audit, a fraud team) sees it. */
    private Map<String, List<JsonNode>> verificationEventsByUser() throws Exception {
        final Map<String, List<JsonNode>> byUser = new HashMap<>();
        final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(TopicScanner.readCommitted(
                infra.bootstrapServers(), Set.of(Topics.EVENTS.name())));
        records.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        for (ConsumerRecord<byte[], byte[]> r : records) {
            final JsonNode event = json(new String(r.value(), StandardCharsets.UTF_8));
            if (EventTypes.VERIFICATION_COMPLETED.equals(event.path("type").asText())) {
                byUser.computeIfAbsent(event.path("subject").asText(), u -> new ArrayList<>()).add(event.path("data"));
            }
        }
        return byUser;
    }

    private Process startProcessor(final String stateDir) throws IOException {
        final Path props = dir.resolve(stateDir + ".properties");
        Files.writeString(props, String.join("\n",
                "kafka.bootstrap.servers=" + infra.bootstrapServers(),
                "processor.state.dir=" + dir.resolve(stateDir),
                "processor.commit.interval.ms=20",
                "processor.streams.session.timeout.ms=6000",
                "processor.streams.heartbeat.interval.ms=1000",
                "secrets.command.keyring.file=" + secrets.commandKeyring(),
                "secrets.delivery.keyring.file=" + secrets.deliveryKeyring(),
                "secrets.pepper.keyring.file=" + secrets.pepperKeyring()) + "\n");
        return ChildJvm.start("io.otppipeline.processor.ProcessorMain", props, dir.resolve(stateDir + ".log"));
    }

    private CompletableFuture<HttpResponse<String>> post(final String path, final String json) {
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                .timeout(Duration.ofMinutes(2)).header("Authorization", "Bearer " + secrets.apiKey())
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(final String text) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
