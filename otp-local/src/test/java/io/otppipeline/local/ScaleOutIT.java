package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import io.otppipeline.api.ApiConfig;
import io.otppipeline.api.ApiService;
import io.otppipeline.audit.AuditConfig;
import io.otppipeline.audit.AuditService;
import io.otppipeline.notifier.NotifierConfig;
import io.otppipeline.notifier.NotifierService;
import io.otppipeline.processor.ProcessorConfig;
import io.otppipeline.processor.ProcessorService;
import io.otppipeline.schemas.config.Settings;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processor instances and two API instances share the partitions of one broker (docs/OPERATIONS.md), and each
 * of the four is restarted in turn while a steady load requests codes and verifies them (the code read from the
 * mail, through either API instance, as behind a load balancer that takes an instance out of rotation before
 * stopping it). A processor instance is stopped with a group leave and replaced by one with an empty state
 * directory (it restores from the changelogs). Prints the requests, the 5xx answers and the failed verifications
 * per phase; every request must be answered without a 5xx and every verification of the right code approved.
 */
class ScaleOutIT {

    private static final Pattern CODE_IN_MAIL = Pattern.compile("<strong>([0-9]{6})</strong>");
    /** Code requests per second. */
    private static final int RATE = 10;

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final List<ApiService> inRotation = new CopyOnWriteArrayList<>();
    private final Map<ApiService, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private final Set<MimeMessage> read = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<String> phases = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> tally = new ConcurrentHashMap<>();
    private volatile String phase = "warm-up";
    private final AtomicInteger requested = new AtomicInteger();
    /** Codes issued whose verification has not been answered yet. */
    private final AtomicInteger unverified = new AtomicInteger();

    @Test
    void shouldAnswerEveryRequestAndApproveEveryCodeWhenEachInstanceIsRestartedInTurnUnderLoad() throws Exception {
        try (TestInfrastructure infra = TestInfrastructure.start()) {
            final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP)
                    .dynamicPort());
            smtp.start();
            final DevSecrets secrets = new DevSecrets(dir.resolve("secrets")).ensure();
            Path passwordFile = null;
            if (infra.jdbcPassword() != null) {
                passwordFile = dir.resolve("secrets/jdbc-password");
                Files.writeString(passwordFile, infra.jdbcPassword());
            }
            final Map<String, String> base = Pipeline.settingsMap(new PipelineSettings(infra.bootstrapServers(),
                    infra.jdbcUrl(), infra.jdbcUser(), passwordFile, "127.0.0.1", smtp.getSmtp().getPort(), 0, secrets,
                    dir.resolve("state"), 100, Map.of("api.reply.timeout.ms", "10000")));
            final List<AutoCloseable> running = new ArrayList<>();
            final ScheduledExecutorService load = Executors.newScheduledThreadPool(4);
            final ScheduledExecutorService mail = Executors.newSingleThreadScheduledExecutor();
            try {
                running.add(AuditService.start(AuditConfig.from(Settings.of(base))));
                running.add(NotifierService.start(NotifierConfig.from(Settings.of(base))));
                final ProcessorService[] processors = {processor(base, "p0"), processor(base, "p1")};
                final ApiService[] apis = {ApiService.start(ApiConfig.from(Settings.of(base))),
                        ApiService.start(ApiConfig.from(Settings.of(base)))};
                await().atMost(Duration.ofSeconds(120)).until(() -> processors[0].isRunning()
                        && processors[1].isRunning() && apis[0].isReady() && apis[1].isReady());
                for (ApiService api : apis) {
                    inFlight.put(api, new AtomicInteger());
                    inRotation.add(api);
                }
                mail.scheduleAtFixedRate(() -> readMail(smtp), 100, 100, TimeUnit.MILLISECONDS);
                load.scheduleAtFixedRate(this::requestAndVerify, 0, 1000 / RATE, TimeUnit.MILLISECONDS);

                settle(5);
                for (int i = 0; i < 2; i++) {
                    phase = "processor " + i + " restarted";
                    processors[i].close();
                    processors[i] = processor(base, "p" + i + "-new");
                    final ProcessorService restarted = processors[i];
                    await().atMost(Duration.ofSeconds(120)).until(restarted::isRunning);
                    settle(5);
                }
                for (int i = 0; i < 2; i++) {
                    phase = "api " + i + " restarted";
                    final ApiService old = apis[i];
                    inRotation.remove(old);
                    await().atMost(Duration.ofSeconds(30)).until(() -> inFlight.get(old).get() == 0);
                    old.close();
                    apis[i] = ApiService.start(ApiConfig.from(Settings.of(base)));
                    final ApiService fresh = apis[i];
                    await().atMost(Duration.ofSeconds(60)).until(fresh::isReady);
                    inFlight.put(fresh, new AtomicInteger());
                    inRotation.add(fresh);
                    settle(5);
                }
                phase = "after";
                settle(3);
                load.shutdown();
                assertThat(load.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
                await().atMost(Duration.ofSeconds(60)).until(() -> unverified.get() == 0); // every code verified
                running.addAll(List.of(processors));
                running.addAll(List.of(apis));
            } finally {
                load.shutdownNow();
                mail.shutdownNow();
                for (AutoCloseable c : running) {
                    c.close();
                }
                smtp.stop();
            }
        }
        System.out.println("ScaleOutIT: " + requested.get() + " code requests at " + RATE + "/s over two API "
                + "and two processor instances, each restarted in turn");
        for (String p : phases) {
            System.out.printf("ScaleOutIT: %-22s requests %4d, 5xx %d, other errors %d, verified %d, not approved %d%n",
                    p, count(p, "requests"), count(p, "5xx"), count(p, "error"), count(p, "verified"),
                    count(p, "not approved"));
        }
        final int fivexx = phases.stream().mapToInt(p -> count(p, "5xx") + count(p, "error")).sum();
        final int failed = phases.stream().mapToInt(p -> count(p, "not approved")).sum();
        final int verified = phases.stream().mapToInt(p -> count(p, "verified")).sum();
        final int issued = phases.stream().mapToInt(p -> count(p, "requests")).sum();
        assertThat(verified).as("every code requested was issued and verified").isEqualTo(issued)
                .isGreaterThan(RATE * 20);
        assertThat(fivexx).as("5xx or transport errors").isZero();
        assertThat(failed).as("right codes not approved").isZero();
    }

    private ProcessorService processor(final Map<String, String> base, final String name) {
        final Map<String, String> s = new HashMap<>(base);
        s.put("processor.state.dir", dir.resolve("state-" + name).toString());
        return ProcessorService.start(ProcessorConfig.from(Settings.of(s)));
    }

    /** Waits until {@code seconds} more seconds of load were sent (progress, not a sleep). */
    private void settle(final int seconds) {
        final int target = requested.get() + seconds * RATE;
        await().atMost(Duration.ofSeconds(seconds * 4L + 30)).until(() -> requested.get() >= target);
    }

    private void requestAndVerify() {
        final String p = phase;
        if (!phases.contains(p)) {
            phases.add(p);
        }
        final int n = requested.getAndIncrement();
        final String user = "scale-" + n;
        bump(p, "requests");
        send("/v1/otp", "{\"userId\":\"" + user + "\",\"channel\":\"email\",\"destination\":\"" + user
                + "@example.test\",\"purpose\":\"login\"}").thenAccept(status -> {
                    if (status == 201) {
                        unverified.incrementAndGet();
                        verifyLater(p, user, 0);
                    }
                });
    }

    private void verifyLater(final String p, final String user, final int tries) {
        final String code = codes.get(user + "@example.test");
        if (code == null) {
            if (tries < 300) {
                CompletableFutures.delay(100, () -> verifyLater(p, user, tries + 1));
            } else {
                bump(p, "not approved");
                unverified.decrementAndGet();
            }
            return;
        }
        bump(p, "verified");
        send0("/v1/otp/verify", "{\"userId\":\"" + user + "\",\"purpose\":\"login\",\"code\":\"" + code + "\"}",
                p).thenAccept(r -> {
                    if (r != null && r.statusCode() == 200 && !r.body().contains("\"approved\"")) {
                        bump(p, "not approved");
                    }
                    unverified.decrementAndGet();
                });
    }

    private java.util.concurrent.CompletableFuture<Integer> send(final String path, final String json) {
        return send0(path, json, phase).thenApply(r -> r == null ? -1 : r.statusCode());
    }

    private java.util.concurrent.CompletableFuture<HttpResponse<String>> send0(final String path, final String json,
                                                                                final String p) {
        ApiService api;
        AtomicInteger flying;
        do { // a load balancer's pick: counted in flight before it is sent, and only while in rotation
            api = inRotation.get(Math.floorMod(requested.get(), inRotation.size()));
            flying = inFlight.get(api);
            flying.incrementAndGet();
            if (!inRotation.contains(api)) {
                flying.decrementAndGet();
                api = null;
            }
        } while (api == null);
        final AtomicInteger inFlightHere = flying;
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + apiKey())
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(), HttpResponse.BodyHandlers.ofString())
                .handle((r, e) -> {
                    inFlightHere.decrementAndGet();
                    if (e != null) {
                        bump(p, "error");
                        return null;
                    }
                    if (r.statusCode() >= 500) {
                        bump(p, "5xx");
                        System.out.println("ScaleOutIT: " + p + ": " + r.statusCode() + " " + r.body());
                    }
                    return r;
                });
    }

    private String apiKey;

    private String apiKey() {
        if (apiKey == null) {
            apiKey = new DevSecrets(dir.resolve("secrets")).apiKey();
        }
        return apiKey;
    }

    private synchronized void readMail(final GreenMail smtp) {
        for (MimeMessage m : smtp.getReceivedMessages()) {
            if (read.add(m)) {
                try {
                    final Matcher code = CODE_IN_MAIL.matcher(GreenMailUtil.getBody(m));
                    if (code.find()) {
                        codes.put(m.getAllRecipients()[0].toString(), code.group(1));
                    }
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    private void bump(final String p, final String what) {
        tally.computeIfAbsent(p + "|" + what, k -> new AtomicInteger()).incrementAndGet();
    }

    private int count(final String p, final String what) {
        final AtomicInteger c = tally.get(p + "|" + what);
        return c == null ? 0 : c.get();
    }

    /** Runs a task later without a thread sleeping. */
    private static final class CompletableFutures {
        private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
            final Thread t = new Thread(r, "scale-out-timer");
            t.setDaemon(true);
            return t;
        });

        static void delay(final long ms, final Runnable task) {
            TIMER.schedule(task, ms, TimeUnit.MILLISECONDS);
        }
    }
}
