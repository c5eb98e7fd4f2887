package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.otppipeline.api.ApiConfig;
import io.otppipeline.api.ApiService;
import io.otppipeline.audit.AuditConfig;
import io.otppipeline.audit.AuditService;
import io.otppipeline.notifier.NotifierConfig;
import io.otppipeline.notifier.NotifierService;
import io.otppipeline.processor.ProcessorConfig;
import io.otppipeline.processor.ProcessorService;
import io.otppipeline.schemas.Json;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.testing.TestInfrastructure;
import io.otppipeline.testing.TopicScanner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Two processor instances and two API instances share the partitions of one broker (docs/OPERATIONS.md), under a
 * {@link VerifyingLoad} (codes requested and verified through either API, as behind a load balancer that takes an
 * instance out of rotation and lets its requests finish before stopping it). Each test prints its counts per phase;
 * every request must be answered without a 5xx and every code approved.
 *
 * <ul>
 *   <li>Rolling restarts: each of the four instances is restarted in turn; a processor instance is stopped with a
 *       group leave and replaced by one with an empty state directory (it restores from the changelogs).</li>
 *   <li>Key rotation (docs/RUNBOOKS.md, "Rotating a keyring"): the command, delivery and pepper keyrings get a
 *       second key, the readers are restarted, the key is made active, the writers are restarted; afterwards new
 *       commands and deliveries are sealed with the new key, while codes issued before still verify.</li>
 *   <li>The race and lockout rules across instances: 60 verifications of one right code spread over both APIs (and
 *       so over both processors' reply paths) approve it once; five wrong codes through alternating APIs lock the
 *       user, for the right code and for a new code request alike.</li>
 * </ul>
 */
@ResourceLock(IntegrationLanes.FAULTS)
class ScaleOutIT {

    private static final int RATE = 10;

    @TempDir
    Path dir;

    @Test
    void shouldAnswerEveryRequestAndApproveEveryCodeWhenEachInstanceIsRestartedInTurnUnderLoad() throws Exception {
        try (Cluster c = new Cluster(); VerifyingLoad load = c.load("scale-")) {
            load.settle(5);
            for (int i = 0; i < 2; i++) {
                load.phase("processor " + i + " restarted");
                c.restartProcessor(i);
                load.settle(5);
            }
            for (int i = 0; i < 2; i++) {
                load.phase("api " + i + " restarted");
                c.restartApi(i);
                load.settle(5);
            }
            load.phase("after");
            load.settle(3);
            load.finish();
            report("ScaleOutIT", "two API and two processor instances, each restarted in turn", load);
        }
    }

    @Test
    void shouldApproveEveryCodeWhenCommandDeliveryAndPepperKeyringsAreRotatedUnderLoad() throws Exception {
        try (Cluster c = new Cluster(); VerifyingLoad load = c.load("rotate-")) {
            final DevSecrets secrets = c.secrets;
            final List<Path> keyrings = List.of(secrets.commandKeyring(), secrets.deliveryKeyring(),
                    secrets.pepperKeyring());
            final String oldKid = Keyring.load(secrets.commandKeyring()).active();
            load.settle(5);
            load.phase("k2 added, readers");
            for (Path file : keyrings) {
                addKey(file, "k2");
            }
            c.restartProcessor(0); // opens commands; verifies codes under either pepper key
            c.restartProcessor(1);
            c.restartNotifier(); // opens deliveries
            load.settle(3);
            load.phase("k2 active, writers");
            for (Path file : keyrings) {
                activate(file, "k2");
            }
            c.restartApi(0); // seals commands
            c.restartApi(1);
            c.restartProcessor(0); // seals deliveries, signs codes
            c.restartProcessor(1);
            load.settle(5);
            load.phase("after");
            load.settle(3);
            load.finish();
            report("ScaleOutIT (key rotation)", "two API and two processor instances while three keyrings rotate", load);

            final List<String> commandKids = kids(c, Topics.COMMANDS.name(), "destination");
            final List<String> deliveryKids = kids(c, Topics.DELIVERY.name(), "secret");
            assertThat(commandKids).as("commands sealed before and after").startsWith(oldKid).endsWith("k2");
            assertThat(deliveryKids).as("deliveries sealed before and after").startsWith(oldKid).endsWith("k2");
        }
    }

    /** The key ids that sealed {@code field} of the records of {@code topic}, in offset order of one partition. */
    private static List<String> kids(final Cluster c, final String topic, final String field) throws Exception {
        final List<ConsumerRecord<byte[], byte[]>> all = TopicScanner.readAll(c.infra.bootstrapServers(), Set.of(topic));
        final int partition = all.get(all.size() - 1).partition();
        return all.stream().filter(r -> r.partition() == partition && r.value() != null && r.value().length > 0)
                .map(r -> {
                    try {
                        final JsonNode v = Json.mapper().readTree(r.value());
                        return v.path(field).path("kid").asText(null);
                    } catch (java.io.IOException e) {
                        return null;
                    }
                }).filter(k -> k != null).toList();
    }

    private static void addKey(final Path file, final String kid) throws Exception {
        final Keyring old = Keyring.load(file);
        final Map<String, String> keys = new LinkedHashMap<>(old.keys());
        keys.put(kid, Keyring.generate(kid).keys().get(kid));
        new Keyring(old.active(), keys).write(file);
    }

    private static void activate(final Path file, final String kid) throws Exception {
        final Keyring old = Keyring.load(file);
        new Keyring(kid, old.keys()).write(file);
    }

    @Test
    void shouldApproveOnceAndLockOutAcrossInstancesWhenRequestsAlternateBetweenTwoApis() throws Exception {
        try (Cluster c = new Cluster()) {
            final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            final String racer = "race-across";
            final String racerMail = racer + "@example.test";
            assertThat(c.post(http, 0, "/v1/otp", PipelineFixture.codeRequest(racer, racerMail, "login")).statusCode())
                    .isEqualTo(201);
            final String code = PipelineFixture.awaitCodeMailedTo(c.smtp, racerMail);
            final String rightCode = PipelineFixture.verification(racer, "login", code);
            final List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
            for (int i = 0; i < 60; i++) {
                racing.add(c.postAsync(http, i % 2, "/v1/otp/verify", rightCode));
            }
            final Map<String, Long> statuses = racing.stream().map(CompletableFuture::join)
                    .collect(Collectors.groupingBy(r -> status(r), Collectors.counting()));
            assertThat(statuses).as("60 verifications of the right code through two APIs and two processors")
                    .containsEntry("approved", 1L).containsEntry("not_found", 59L);

            final String guesser = "lock-across";
            final String guesserMail = guesser + "@example.test";
            final String codeRequest = PipelineFixture.codeRequest(guesser, guesserMail, "login");
            assertThat(c.post(http, 1, "/v1/otp", codeRequest).statusCode()).isEqualTo(201);
            final String right = PipelineFixture.awaitCodeMailedTo(c.smtp, guesserMail);
            final String wrong = right.equals("000000") ? "111111" : "000000";
            for (int i = 0; i < 5; i++) {
                c.post(http, i % 2, "/v1/otp/verify", PipelineFixture.verification(guesser, "login", wrong));
            }
            assertThat(status(c.post(http, 0, "/v1/otp/verify", PipelineFixture.verification(guesser, "login", right))))
                    .as("the right code after five wrong ones through alternating APIs").isEqualTo("locked");
            assertThat(c.post(http, 1, "/v1/otp", codeRequest).statusCode()).isEqualTo(423);
        }
    }

    private static String status(final HttpResponse<String> response) {
        final Matcher m = STATUS.matcher(response.body());
        return m.find() ? m.group(1) : "http " + response.statusCode();
    }

    private static final Pattern STATUS = Pattern.compile("\"status\":\"([a-z_]+)\"");

    private static void report(final String label, final String what, final VerifyingLoad load) {
        System.out.println(label + ": " + load.requested() + " code requests at " + RATE + "/s over " + what);
        load.print(label);
        assertThat(load.total("5xx") + load.total("error")).as("5xx or transport errors").isZero();
        assertThat(load.total("not approved")).as("right codes not approved").isZero();
        assertThat(load.total("verified")).as("every code requested was issued and verified")
                .isEqualTo(load.requested()).isGreaterThan(RATE * 15);
    }

    /** The services, two processor and two API instances behind a load balancer, on a real broker. */
    private final class Cluster implements AutoCloseable {

        final TestInfrastructure infra = TestInfrastructure.start();
        final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        final DevSecrets secrets = new DevSecrets(dir.resolve("secrets")).ensure();
        final Map<String, String> base;
        final AuditService audit;
        NotifierService notifier;
        final ProcessorService[] processors = new ProcessorService[2];
        final ApiService[] apis = new ApiService[2];
        private final List<ApiService> inRotation = new CopyOnWriteArrayList<>();
        private final Map<ApiService, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        private final AtomicInteger picks = new AtomicInteger();
        private int restarts;

        Cluster() throws Exception {
            smtp.start();
            Path passwordFile = null;
            if (infra.jdbcPassword() != null) {
                passwordFile = dir.resolve("secrets/jdbc-password");
                Files.writeString(passwordFile, infra.jdbcPassword());
            }
            base = Pipeline.settingsMap(new PipelineSettings(infra.bootstrapServers(), infra.jdbcUrl(),
                    infra.jdbcUser(), passwordFile, "127.0.0.1", smtp.getSmtp().getPort(), 0, secrets,
                    dir.resolve("state"), 100, Map.of("api.reply.timeout.ms", "10000",
                    "otp.lockout.max.failures", "5"))); // one code's five wrong guesses lock (default 10)
            audit = AuditService.start(AuditConfig.from(Settings.of(base)));
            notifier = NotifierService.start(NotifierConfig.from(Settings.of(base)));
            for (int i = 0; i < 2; i++) {
                processors[i] = processor();
                apis[i] = ApiService.start(ApiConfig.from(Settings.of(base)));
                inFlight.put(apis[i], new AtomicInteger());
            }
            await().atMost(Duration.ofSeconds(120)).until(() -> processors[0].isReady()
                    && processors[1].isReady() && apis[0].isReady() && apis[1].isReady());
            inRotation.addAll(List.of(apis));
        }

        /** POSTs {@code body} to API instance {@code api} with the demo tenant's key. */
        CompletableFuture<HttpResponse<String>> postAsync(final HttpClient http, final int api, final String path,
                                                         final String body) {
            return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apis[api].port() + path))
                    .header("Authorization", "Bearer " + secrets.apiKey()).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> post(final HttpClient http, final int api, final String path, final String body) {
            return postAsync(http, api, path, body).join();
        }

        VerifyingLoad load(final String prefix) {
            return new VerifyingLoad(smtp, secrets.apiKey(), this::pick, prefix, RATE);
        }

        /** Stops processor {@code i} (leaving the group) and starts one with an empty state directory. */
        void restartProcessor(final int i) {
            processors[i].close();
            processors[i] = processor();
            final ProcessorService restarted = processors[i];
            await().atMost(Duration.ofSeconds(120)).until(restarted::isReady);
        }

        /** Takes API {@code i} out of rotation, lets its requests finish, replaces it. */
        void restartApi(final int i) {
            final ApiService old = apis[i];
            inRotation.remove(old);
            await().atMost(Duration.ofSeconds(30)).until(() -> inFlight.get(old).get() == 0);
            old.close();
            apis[i] = ApiService.start(ApiConfig.from(Settings.of(base)));
            final ApiService fresh = apis[i];
            await().atMost(Duration.ofSeconds(60)).until(fresh::isReady);
            inFlight.put(fresh, new AtomicInteger());
            inRotation.add(fresh);
        }

        void restartNotifier() {
            notifier.close();
            notifier = NotifierService.start(NotifierConfig.from(Settings.of(base)));
        }

        /** A load balancer's pick: counted in flight before it is sent, and only while in rotation. */
        private VerifyingLoad.Target pick() {
            while (true) {
                final ApiService api = inRotation.get(Math.floorMod(picks.getAndIncrement(), inRotation.size()));
                final AtomicInteger flying = inFlight.get(api);
                flying.incrementAndGet();
                if (inRotation.contains(api)) {
                    return new VerifyingLoad.Target(api.port(), flying::decrementAndGet);
                }
                flying.decrementAndGet();
            }
        }

        private ProcessorService processor() {
            final Map<String, String> s = new HashMap<>(base);
            s.put("processor.state.dir", dir.resolve("state-" + (restarts++)).toString());
            return ProcessorService.start(ProcessorConfig.from(Settings.of(s)));
        }

        @Override
        public void close() throws Exception {
            for (AutoCloseable c : List.of(apis[0], apis[1], processors[0], processors[1], notifier, audit)) {
                c.close();
            }
            smtp.stop();
            infra.close();
        }
    }
}
