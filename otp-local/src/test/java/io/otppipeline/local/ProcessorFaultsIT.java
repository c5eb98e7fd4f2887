package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.api.ApiConfig;
import io.otppipeline.api.ApiService;
import io.otppipeline.schemas.Json;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.kafka.Topic;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.testing.ChildJvm;
import io.otppipeline.testing.TestInfrastructure;
import io.otppipeline.testing.TopicScanner;
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
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Exactly-once under processor faults, on a real broker. While 150 clients each run the same 8 verifications
 * (four wrong codes, the right one, the right one twice more, one wrong), processor instances running in their
 * own JVMs are
 * <ul>
 *   <li>killed with SIGKILL (no clean shutdown, an open transaction left behind) and replaced by an instance
 *       with an empty state directory, which restores from the changelog;</li>
 *   <li>frozen with SIGSTOP while a second instance runs: after the 3-second session timeout the second instance
 *       takes over the frozen one's partitions; the frozen one is then resumed with SIGCONT, a zombie whose
 *       next commit is fenced;</li>
 *   <li>stopped with SIGTERM, first one of two instances and then the other, each replaced by an instance with
 *       an empty state directory.</li>
 * </ul>
 * Afterwards the committed events must say exactly what the clients were told, per user and in order: every
 * reply any client saw equals the committed decision for its command, no code is approved twice, no attempt is
 * lost or counted twice.
 *
 * <p>The API reads replies {@code read_uncommitted} (the default of {@code api.reply.isolation}), so a client
 * can be answered from a transaction that a fault then aborts. That is what these tests prove safe: decisions
 * are deterministic, so the instance that decides the command again from the committed state commits the same
 * reply the client already has (docs/DESIGN-NOTES.md, "Replies before the commit").
 *
 * <p>Processor settings: commit interval 20 milliseconds, session timeout 3 seconds, heartbeat interval
 * 500 milliseconds, the Streams producer's {@code transaction.timeout.ms} 5 seconds (a transaction a killed or
 * frozen instance left open is aborted by the broker within a second after that, {@link
 * TestInfrastructure#TIMED_OUT_TRANSACTION_CLEANUP_INTERVAL_MS}; until then an offset commit in it is pending and
 * the instance taking over its partitions cannot read their committed offsets); each instance's {@code client.id}
 * is the name of its state directory, so the consumer group's assignment tells which instance consumes which
 * command partition. The API waits up to 90 seconds for a reply. The test never uses PostgreSQL: only the broker
 * is started.
 */
@ResourceLock(IntegrationLanes.FAULTS)
class ProcessorFaultsIT {

    private static final int USERS = 150;
    /** Per user, in order: four wrong codes, the right one, the right one again twice, one wrong. */
    private static final List<Boolean> RIGHT = List.of(false, false, false, false, true, true, true, false);
    private static final int ANSWERS = USERS * RIGHT.size();
    /** The processor's consumer group: its default {@code processor.application.id}. */
    private static final String PROCESSOR_GROUP = "otp-processor";

    @TempDir
    Path dir;

    private TestInfrastructure infra;
    private DevSecrets secrets;
    private ApiService api;
    private Admin admin;
    private final List<Process> processors = new ArrayList<>();
    private final Set<Process> frozen = new HashSet<>();
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void start() throws Exception {
        infra = TestInfrastructure.startKafkaOnly();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, infra.bootstrapServers()));
        secrets = new DevSecrets(dir.resolve("secrets")).ensure();
        api = ApiService.start(ApiConfig.from(Settings.of(Map.of(
                "kafka.bootstrap.servers", infra.bootstrapServers(), "api.port", "0",
                "api.reply.timeout.ms", "90000",
                "secrets.api.keys.file", secrets.apiKeys().toString(),
                "secrets.command.keyring.file", secrets.commandKeyring().toString()))));
        await().atMost(Duration.ofSeconds(60)).until(api::isReady);
    }

    /** Resumes every frozen processor (a stopped JVM would not act on SIGTERM), then stops them all. */
    @AfterEach
    void stop() throws Exception {
        try {
            for (Process p : List.copyOf(frozen)) {
                if (p.isAlive()) {
                    signal(p, "CONT");
                }
            }
        } finally {
            ChildJvm.stopAll(processors);
            if (api != null) {
                api.close();
            }
            if (admin != null) {
                admin.close();
            }
            if (infra != null) {
                infra.close();
            }
        }
    }

    @Test
    void shouldKeepEveryAnswerWhenProcessorIsKilledMidLoad() throws Exception {
        final Process only = startProcessor("state-1");
        final Load load = startLoad();

        load.awaitAnswers(ANSWERS / 4);
        only.destroyForcibly().waitFor();
        load.fault("SIGKILL of state-1");
        startProcessor("state-2");

        assertEveryAnswerIsTheCommittedDecision(load);
    }

    @Test
    void shouldFenceFrozenInstanceWhenSecondInstanceTookOver() throws Exception {
        final Process zombie = startProcessor("state-1");
        startProcessor("state-2");
        awaitCommandPartitionOwners("state-1", "state-2");
        final Load load = startLoad();

        load.awaitAnswers(ANSWERS / 4);
        signal(zombie, "STOP");
        final int answeredAtFreeze = load.fault("SIGSTOP of state-1");
        awaitCommandPartitionOwners("state-2");
        load.awaitAnswers(answeredAtFreeze + USERS);
        signal(zombie, "CONT");
        final int answeredAtResume = load.answered().get();

        assertEveryAnswerIsTheCommittedDecision(load);
        System.out.printf(Locale.ROOT, "ProcessorFaultsIT: state-1 resumed with SIGCONT after %d of %d answers; "
                + "its log mentions fencing: %b%n", answeredAtResume, ANSWERS,
                Files.readString(dir.resolve("state-1.log")).contains("fenced"));
    }

    @Test
    void shouldKeepEveryAnswerWhenTwoInstancesRestartOneAfterTheOther() throws Exception {
        final Process first = startProcessor("state-1");
        final Process second = startProcessor("state-2");
        awaitCommandPartitionOwners("state-1", "state-2");
        final Load load = startLoad();

        load.awaitAnswers(ANSWERS / 4);
        final int answeredAtFirstStop = terminate(first, load, "SIGTERM of state-1");
        startProcessor("state-3");
        load.awaitAnswers(answeredAtFirstStop + USERS);
        terminate(second, load, "SIGTERM of state-2");
        startProcessor("state-4");

        assertEveryAnswerIsTheCommittedDecision(load);
    }

    /**
     * Waits (up to 5 minutes) for every client to finish, then checks that each fault hit the middle of the load
     * and that the committed events equal what the clients were told: every answer {@code 200}; per user, the
     * statuses the client saw are the {@code otp.verification.completed} outcomes, in log order, read
     * {@code read_committed} once no transaction is open on the events topic; exactly denied ×4, approved,
     * not_found ×3 with failed attempts 1 to 4; no command id among the events twice.
     */
    private void assertEveryAnswerIsTheCommittedDecision(final Load load) throws Exception {
        load.done().get(5, TimeUnit.MINUTES);
        final long doneAt = System.nanoTime();
        for (Fault f : load.faults()) {
            System.out.printf(Locale.ROOT, "ProcessorFaultsIT: %s after %d of %d answers; the load ended %.1f s "
                    + "later%n", f.what(), f.answered(), ANSWERS, (doneAt - f.nanos()) / 1e9);
        }
        assertThat(load.faults()).isNotEmpty().allSatisfy(f -> assertThat(f.answered())
                .as("%s in the middle of the load", f.what()).isLessThan(ANSWERS));
        // only the answers that are not 200, each with its body: the list of all 1,200 hid the one that failed
        assertThat(load.told().values().stream().flatMap(List::stream).filter(r -> r.statusCode() != 200)
                .map(r -> r.statusCode() + " " + r.body()).toList()).as("answers other than 200").isEmpty();

        awaitNoOpenTransactionOn(Topics.EVENTS);
        final Map<String, List<JsonNode>> events = verificationEventsByUser();
        for (Map.Entry<String, List<HttpResponse<String>>> user : load.told().entrySet()) {
            final List<String> clientSaw = user.getValue().stream()
                    .map(r -> json(r.body()).path("status").asText()).toList();
            final List<JsonNode> logged = events.getOrDefault(user.getKey(), List.of());
            assertThat(logged.stream().map(e -> e.path("outcome").asText()).toList()).as(user.getKey())
                    .isEqualTo(clientSaw);
            assertThat(clientSaw).as(user.getKey()).containsExactly("denied", "denied", "denied", "denied",
                    "approved", "not_found", "not_found", "not_found");
            assertThat(logged.subList(0, 4).stream().map(e -> e.path("failedAttempts").asInt()).toList())
                    .as(user.getKey()).containsExactly(1, 2, 3, 4);
        }
        final List<String> commandIds = events.values().stream().flatMap(List::stream)
                .map(e -> e.path("commandId").asText()).toList();
        assertThat(Set.copyOf(commandIds)).hasSameSizeAs(commandIds);
    }

    /** Issues one code per user, then starts every user's verifications, each user's one after the other. */
    private Load startLoad() throws Exception {
        final Map<String, String> codes = issueCodes();
        final Map<String, List<HttpResponse<String>>> told = new ConcurrentHashMap<>();
        final AtomicInteger answered = new AtomicInteger();
        final CompletableFuture<?>[] clients = codes.entrySet().stream()
                .map(e -> runClient(e.getKey(), e.getValue(), told, answered)).toArray(CompletableFuture[]::new);
        return new Load(told, answered, CompletableFuture.allOf(clients), new ArrayList<>());
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
            final String user = "fault-" + i;
            users.add(user);
            requests.add(post("/v1/otp", "{\"userId\":\"" + user + "\",\"channel\":\"email\",\"destination\":\""
                    + user + "@example.test\",\"purpose\":\"login\"}"));
        }
        for (int i = 0; i < USERS; i++) {
            final HttpResponse<String> response = requests.get(i).get(2, TimeUnit.MINUTES);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
            userByOtpId.put(json(response.body()).path("otpId").asText(), users.get(i));
        }
        // replies come before the commit; deliveries after it, and after the send gate's own commit
        final Aead delivery = new Aead(Keyring.load(secrets.deliveryKeyring()));
        final Map<String, String> codes = new HashMap<>();
        await().atMost(Duration.ofMinutes(2)).until(() -> {
            for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readCommitted(infra.bootstrapServers(),
                    Set.of(Topics.DELIVERY.name()))) {
                final JsonNode issued = json(new String(r.value(), StandardCharsets.UTF_8));
                final String otpId = issued.path("otpId").asText();
                if (userByOtpId.containsKey(otpId)) {
                    final byte[] secret = delivery.open(Json.mapper().treeToValue(issued.path("secret"),
                            SealedBox.class), otpId.getBytes(StandardCharsets.UTF_8));
                    codes.put(userByOtpId.get(otpId), Json.mapper().readValue(secret, DeliverySecret.class).code());
                }
            }
            return codes.size() == USERS;
        });
        assertThat(codes).hasSize(USERS);
        return codes;
    }

    /**
     * Waits (up to 2 minutes) until the last stable offset of every partition of {@code topic} is its end: every
     * transaction that wrote a decision a client was told (replies are read before the commit) has committed or
     * aborted, and a {@code read_committed} read sees its outcome.
     */
    private void awaitNoOpenTransactionOn(final Topic<?, ?> topic) {
        await("no open transaction on " + topic.name()).atMost(Duration.ofMinutes(2))
                .until(() -> endOffsets(topic, IsolationLevel.READ_COMMITTED)
                        .equals(endOffsets(topic, IsolationLevel.READ_UNCOMMITTED)));
    }

    private Map<TopicPartition, Long> endOffsets(final Topic<?, ?> topic, final IsolationLevel isolation)
            throws ExecutionException, InterruptedException {
        final Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, topic.partitions())
                .mapToObj(p -> new TopicPartition(topic.name(), p))
                .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
        return admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
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

    /**
     * Waits (up to 2 minutes) until the processor group's assignment gives every command partition to one of
     * {@code instances} and each of them at least one.
     */
    private void awaitCommandPartitionOwners(final String... instances) {
        await("command partitions consumed by exactly " + Arrays.toString(instances)).atMost(Duration.ofMinutes(2))
                .ignoreExceptions().until(this::commandPartitionOwners, owners ->
                        owners.size() == Topics.COMMANDS.partitions()
                                && Set.copyOf(owners.values()).equals(Set.of(instances)));
    }

    /** Per command partition, the instance ({@code client.id}, the state directory's name) the group assigned it to. */
    private Map<Integer, String> commandPartitionOwners() throws ExecutionException, InterruptedException {
        final Map<Integer, String> owners = new TreeMap<>();
        for (MemberDescription member : admin.describeConsumerGroups(List.of(PROCESSOR_GROUP)).all().get()
                .get(PROCESSOR_GROUP).members()) {
            final String instance = member.clientId().split("-StreamThread-")[0];
            member.assignment().topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.COMMANDS.name()))
                    .forEach(tp -> owners.put(tp.partition(), instance));
        }
        return owners;
    }

    /**
     * Starts a processor in its own JVM with the state directory {@code name} (empty if new), settings in
     * {@code name.properties} and output in {@code name.log}; {@link #stop()} stops it.
     */
    private Process startProcessor(final String name) throws IOException {
        final Path props = dir.resolve(name + ".properties");
        Files.writeString(props, String.join("\n",
                "kafka.bootstrap.servers=" + infra.bootstrapServers(),
                "processor.state.dir=" + dir.resolve(name),
                "processor.commit.interval.ms=20",
                "processor.streams.session.timeout.ms=3000",
                "processor.streams.heartbeat.interval.ms=500",
                "processor.streams.producer.transaction.timeout.ms=5000",
                "processor.streams.client.id=" + name,
                "secrets.command.keyring.file=" + secrets.commandKeyring(),
                "secrets.delivery.keyring.file=" + secrets.deliveryKeyring(),
                "secrets.pepper.keyring.file=" + secrets.pepperKeyring(),
                "secrets.factor.keyring.file=" + secrets.factorKeyring()) + "\n");
        final Process p = ChildJvm.start("io.otppipeline.processor.ProcessorMain", props, dir.resolve(name + ".log"));
        processors.add(p);
        return p;
    }

    /**
     * Sends {@code signal} ({@code STOP} or {@code CONT}) to {@code p} with kill(1); a stopped process is
     * remembered until it is continued, so that {@link #stop()} can resume it.
     */
    private void signal(final Process p, final String signal) throws IOException, InterruptedException {
        if ("STOP".equals(signal)) {
            frozen.add(p);
        }
        final int exit = new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).inheritIO().start()
                .waitFor();
        assertThat(exit).as("kill -%s %d", signal, p.pid()).isZero();
        if ("CONT".equals(signal)) {
            frozen.remove(p);
        }
    }

    /**
     * Stops {@code p} with SIGTERM ({@link Process#destroy()}): the processor commits, leaves the group and
     * exits, which this waits up to 2 minutes for. Returns the answers so far when the signal was sent.
     */
    private static int terminate(final Process p, final Load load, final String what) throws InterruptedException {
        p.destroy();
        final int answered = load.fault(what);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s: exited", what).isTrue();
        return answered;
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

    /**
     * The verifications under way: what each client was told so far (in order), the answers in all, when every
     * client is done, and the faults inflicted meanwhile.
     */
    private record Load(Map<String, List<HttpResponse<String>>> told, AtomicInteger answered,
                        CompletableFuture<Void> done, List<Fault> faults) {

        /** Waits (up to 2 minutes) until at least {@code count} answers arrived. */
        void awaitAnswers(final int count) {
            await("at least " + count + " answers").atMost(Duration.ofMinutes(2))
                    .until(() -> answered.get() >= count);
        }

        /** Notes a fault just inflicted; returns the answers so far. */
        int fault(final String what) {
            final int now = answered.get();
            faults.add(new Fault(what, now, System.nanoTime()));
            return now;
        }
    }

    /** A fault: what, after how many answers, and when ({@link System#nanoTime()}, in nanoseconds). */
    private record Fault(String what, int answered, long nanos) {
    }
}
