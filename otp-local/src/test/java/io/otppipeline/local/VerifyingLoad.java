package io.otppipeline.local;

import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A steady load for fault tests that must show no request failed and no code was refused: {@code rate} code
 * requests a second, each for a new user; every issued code is read from the mail (GreenMail) and verified, through
 * whichever API instance the {@link Router} picks. Counts per phase (the test names the phases as it injects
 * faults): requests, 5xx answers, transport errors, verifications sent, right codes not approved.
 */
final class VerifyingLoad implements AutoCloseable {

    /** Picks the API instance of each request, as a load balancer would; see {@link #single(int)}. */
    interface Router {
        /** The instance to send to, already counted in flight; {@link Target#done()} when answered. */
        Target pick();
    }

    /**
     * One API instance for one request.
     *
     * @param port its HTTP port
     * @param done called once the request was answered or failed
     */
    record Target(int port, Runnable done) {
    }

    private static final Pattern OTP_ID = Pattern.compile("\"otpId\":\"([^\"]+)\"");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ScheduledExecutorService load = Executors.newScheduledThreadPool(4);
    private final ScheduledExecutorService mail = Executors.newSingleThreadScheduledExecutor();
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private final Set<MimeMessage> read = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<String> phases = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> tally = new ConcurrentHashMap<>();
    private final Map<String, String> issued = new ConcurrentHashMap<>();
    private final AtomicInteger requested = new AtomicInteger();
    private final AtomicInteger unverified = new AtomicInteger();
    private final String prefix;
    private final String apiKey;
    private final Router router;
    private final int rate;
    private volatile String phase = "warm-up";

    /** A router to one instance. */
    static Router single(final int port) {
        return () -> new Target(port, () -> { });
    }

    /**
     * Starts the load.
     *
     * @param prefix prefix of the invented user ids
     * @param rate code requests per second
     */
    VerifyingLoad(final GreenMail smtp, final String apiKey, final Router router, final String prefix,
                  final int rate) {
        this.apiKey = apiKey;
        this.router = router;
        this.prefix = prefix;
        this.rate = rate;
        mail.scheduleAtFixedRate(() -> readMail(smtp), 100, 100, TimeUnit.MILLISECONDS);
        load.scheduleAtFixedRate(this::requestAndVerify, 0, 1000 / rate, TimeUnit.MILLISECONDS);
    }

    /** Counts what follows under {@code name}. */
    void phase(final String name) {
        phase = name;
    }

    /** Waits until {@code seconds} more seconds of load were sent (progress, not a sleep). */
    void settle(final int seconds) {
        final int target = requested.get() + seconds * rate;
        await().atMost(Duration.ofSeconds(seconds * 4L + 30)).until(() -> requested.get() >= target);
    }

    /** Stops sending and waits until every issued code was verified. */
    void finish() throws InterruptedException {
        load.shutdown();
        if (!load.awaitTermination(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("load did not stop");
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> unverified.get() == 0);
    }

    /** The code requests sent. */
    int requested() {
        return requested.get();
    }

    /** The otpIds of the codes issued ({@code 201}), by user. */
    Map<String, String> issued() {
        return Map.copyOf(issued);
    }

    /** The phases in order. */
    List<String> phases() {
        return List.copyOf(phases);
    }

    /** A count of {@code phase}: {@code requests}, {@code 5xx}, {@code error}, {@code verified}, {@code not approved}. */
    int count(final String p, final String what) {
        final AtomicInteger c = tally.get(p + "|" + what);
        return c == null ? 0 : c.get();
    }

    /** A count over every phase. */
    int total(final String what) {
        return phases.stream().mapToInt(p -> count(p, what)).sum();
    }

    /** Prints the counts of every phase, each line starting with {@code label}. */
    void print(final String label) {
        for (String p : phases) {
            System.out.printf("%s: %-22s requests %4d, 5xx %d, other errors %d, verified %d, not approved %d%n",
                    label, p, count(p, "requests"), count(p, "5xx"), count(p, "error"), count(p, "verified"),
                    count(p, "not approved"));
        }
    }

    private void requestAndVerify() {
        final String p = phase;
        if (!phases.contains(p)) {
            phases.add(p);
        }
        final String user = prefix + requested.getAndIncrement();
        bump(p, "requests");
        send("/v1/otp", "{\"userId\":\"" + user + "\",\"channel\":\"email\",\"destination\":\"" + user
                + "@example.test\",\"purpose\":\"login\"}", p).thenAccept(r -> {
                    if (r != null && r.statusCode() == 201) {
                        final Matcher id = OTP_ID.matcher(r.body());
                        issued.put(user, id.find() ? id.group(1) : "");
                        unverified.incrementAndGet();
                        verifyLater(p, user, 0);
                    }
                });
    }

    private void verifyLater(final String p, final String user, final int tries) {
        final String code = codes.get(user + "@example.test");
        if (code == null) {
            if (tries < 600) {
                mail.schedule(() -> verifyLater(p, user, tries + 1), 100, TimeUnit.MILLISECONDS);
            } else {
                bump(p, "not approved");
                unverified.decrementAndGet();
            }
            return;
        }
        bump(p, "verified");
        send("/v1/otp/verify", "{\"userId\":\"" + user + "\",\"purpose\":\"login\",\"code\":\"" + code + "\"}", p)
                .thenAccept(r -> {
                    if (r == null || r.statusCode() != 200 || !r.body().contains("\"approved\"")) {
                        bump(p, "not approved");
                    }
                    unverified.decrementAndGet();
                });
    }

    private CompletableFuture<HttpResponse<String>> send(final String path, final String json, final String p) {
        final Target target = router.pick();
        return http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + path))
                        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + apiKey)
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(), HttpResponse.BodyHandlers.ofString())
                .handle((r, e) -> {
                    target.done().run();
                    if (e != null) {
                        bump(p, "error");
                        return null;
                    }
                    if (r.statusCode() >= 500) {
                        bump(p, "5xx");
                        System.out.println("VerifyingLoad: " + p + ": " + r.statusCode() + " " + r.body());
                    }
                    return r;
                });
    }

    private synchronized void readMail(final GreenMail smtp) {
        for (MimeMessage m : smtp.getReceivedMessages()) {
            if (read.add(m)) {
                try {
                    final Matcher code = PipelineFixture.CODE_IN_MAIL.matcher(GreenMailUtil.getBody(m));
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

    @Override
    public void close() {
        load.shutdownNow();
        mail.shutdownNow();
    }
}
