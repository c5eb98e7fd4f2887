package io.otppipeline.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.otppipeline.processor.ProcessorConfig;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.testing.Ports;
import io.otppipeline.testing.TestInfrastructure;
import io.otppipeline.testing.TopicScanner;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Outages that take CPU timing bounds with them, under a steady load ({@link SteadyLoad}): the broker stopped and
 * started again, and the SMTP server hanging (docs/RELIABILITY.md). PostgreSQL's outage is {@link PostgresOutageIT}.
 */
@ResourceLock(IntegrationLanes.FAULTS)
class OutageIT {

    /** Requests per second of the steady load. */
    private static final int RATE = SteadyLoad.RATE;
    private static final int BEFORE = 5 * RATE;

    @TempDir
    Path dir;

    /**
     * The broker stopped for 10 s under the steady load, then started again on its data directory: requests during the
     * outage are answered {@code 503} with {@code Retry-After} (never a wrong decision, never a hang past the reply
     * timeout), requests after it succeed again, and every code a client was told about was issued exactly once.
     * 10 s is longer than the API's reply timeout ({@code api.reply.timeout.ms}, 5 s) and its command producer's
     * {@code delivery.timeout.ms} (6 s, CommandGateway), so requests time out and batches expire during the outage.
     */
    @Test
    void shouldAnswer503DuringBrokerOutageAndIssueEveryAcceptedCodeOnceAfterIt() throws Exception {
        final int kafkaPort = LocalKafka.freePorts();
        final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        LocalKafka kafka = new LocalKafka(dir.resolve("kafka"), kafkaPort).start();
        final LocalPostgres postgres = LocalPostgres.start(dir.resolve("pg"), Ports.free(), dir.resolve("pg.log"));
        final DevSecrets secrets = new DevSecrets(dir.resolve("secrets")).ensure();
        final ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        final PipelineSettings settings = new PipelineSettings(kafka.bootstrapServers(), postgres.jdbcUrl(),
                "postgres", null, "127.0.0.1", smtp.getSmtp().getPort(), 0, secrets, dir.resolve("state"), 20,
                Map.of());
        final String processorGroup = ProcessorConfig.APPLICATION_ID.read(Settings.of(Pipeline.settingsMap(settings)));
        try (Pipeline pipeline = Pipeline.start(settings)) {
            await().atMost(Duration.ofSeconds(90)).until(pipeline::isReady);
            final SteadyLoad steady = new SteadyLoad(load, pipeline.apiPort(), secrets.apiKey(), "b-");
            final AtomicInteger sent = steady.sent;
            final Map<Integer, HttpResponse<String>> answers = steady.answers;
            final Map<Integer, Long> sentAt = steady.sentAt;

            await().atMost(Duration.ofMinutes(1)).until(() -> sent.get() >= BEFORE);
            kafka.close();
            final int stoppedAt = sent.get();
            await().atMost(Duration.ofMinutes(1)).until(() -> sent.get() >= stoppedAt + 10 * RATE);
            kafka = new LocalKafka(dir.resolve("kafka"), kafkaPort).start();
            final int restartedAt = sent.get();
            final long restartedNanos = System.nanoTime();
            // for the diagnosis below only: the end offsets of the commands partitions as the broker is back (asked
            // for now, answered in the background)
            final Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    kafka.bootstrapServers()));
            try {
                final KafkaFuture<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> endAtRestart =
                        commandsEnd(admin);
                // recovered once 50 requests in a row, all sent after the restart, were answered 201
                List<HangingTransactions.Hanging> hanging = List.of();
                try {
                    try {
                        await().atMost(Duration.ofSeconds(60))
                                .until(() -> recoveredAfter(steady.statusByRequest, restartedAt, 50) >= 0);
                    } catch (ConditionTimeoutException stuck) {
                        // a partition whose transaction no coordinator knows any more (docs/RUNBOOKS.md, "A partition
                        // stops while the others go on"): the runbook's remedy, then the same recovery is required
                        hanging = HangingTransactions.find(admin, Duration.ofSeconds(30));
                        if (hanging.isEmpty()) {
                            throw stuck;
                        }
                        System.out.println("OutageIT: hanging transactions after the restart, aborted as the runbook "
                                + "says: " + hanging);
                        HangingTransactions.abort(admin, hanging);
                        await().atMost(Duration.ofMinutes(2))
                                .until(() -> recoveredAfter(steady.statusByRequest, restartedAt, 50) >= 0);
                    }
                } catch (ConditionTimeoutException e) {
                    // a partition whose end offset stays put while its requests fail: the API's producer is stuck
                    // (say, batches after an expired one); one whose end offset moves while the committed offset
                    // stays behind: the processor's task for it is stuck
                    throw new AssertionError("no 50 requests in a row answered 201 within 3 minutes of the restart; "
                            + "since the restart, by commands partition of the user: " + outcomesByPartition(steady,
                            restartedAt) + "; " + commandsProgress(admin, endAtRestart, processorGroup)
                            + "; 503 details during the outage: " + unavailableDetails(steady, stoppedAt, restartedAt)
                            + "; 503 details since the restart: " + unavailableDetails(steady, restartedAt,
                            Integer.MAX_VALUE) + "; hanging transactions aborted: " + hanging
                            + "; open at a partition, unknown to the coordinator, now: " + hangingNow(admin)
                            + "; the processor's lag and restoration: "
                            + lagAndRestoration(pipeline.metricsPorts().get("otp-processor")), e);
                }
            } finally {
                admin.close(Duration.ofSeconds(5));
            }
            load.shutdown();
            final int total = sent.get();
            await().atMost(Duration.ofMinutes(1)).until(() -> steady.statusByRequest.size() >= total - 1);
            assertThat(steady.statusByRequest.values()).as("every request answered: none hung until the client gave "
                    + "up (-1) after 30 s").doesNotContain(-1);
            final int firstRecovered = recoveredAfter(steady.statusByRequest, restartedAt, 50);
            final double recoverySeconds = (sentAt.get(firstRecovered) - restartedNanos) / 1e9;

            final long during = answers.keySet().stream().filter(n -> n >= stoppedAt && n < restartedAt).count();
            final long unavailable = answers.entrySet().stream().filter(e -> e.getKey() >= stoppedAt
                    && e.getKey() < restartedAt && e.getValue().statusCode() == 503).count();
            assertThat(answers.values()).as("201, or 503 while the broker is away; nothing else")
                    .allSatisfy(r -> assertThat(r.statusCode()).isIn(201, 503));
            assertThat(answers.values()).filteredOn(r -> r.statusCode() == 503)
                    .allSatisfy(r -> assertThat(r.headers().firstValue("Retry-After")).isPresent());
            final Map<String, Long> issued = issuedOtpIds(kafka.bootstrapServers());
            final Set<String> told = new HashSet<>();
            for (HttpResponse<String> r : answers.values()) {
                if (r.statusCode() == 201) {
                    told.add(Json.mapper().readTree(r.body()).path("otpId").asText());
                }
            }
            final Set<String> lost = new HashSet<>(told);
            lost.removeAll(issued.keySet());
            final long duplicated = issued.values().stream().filter(c -> c > 1).count();
            System.out.printf("OutageIT: broker down during %d requests (%d/s): %d answered 503; first of 50 successes in "
                    + "a row sent %.1f s after the restart; %d codes told: %d lost, %d issued twice%n", during, RATE,
                    unavailable, recoverySeconds, told.size(), lost.size(), duplicated);
            assertThat(lost).isEmpty();
            assertThat(duplicated).isZero();
        } finally {
            load.shutdownNow();
            kafka.close();
            postgres.close();
            smtp.stop();
        }
    }

    /**
     * The SMTP server hangs (accepts connections and never greets) for 10 s under steady load, then answers again
     * (a proxy in front of GreenMail switched back to forwarding): the API answers every request; codes caught in the
     * hang time out, are retried, and end as a delivery outcome (failed or suppressed), never stuck; codes requested
     * after the recovery are mailed; no address receives a code twice.
     */
    @Test
    void shouldMailEveryCodeOnceAndNoneTwiceWhenSmtpHangsForAWhile() throws Exception {
        final GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        final DevSecrets secrets = new DevSecrets(dir.resolve("secrets")).ensure();
        final ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        try (HangingProxy proxy = new HangingProxy(smtp.getSmtp().getPort());
             TestInfrastructure infra = TestInfrastructure.start();
             Pipeline pipeline = Pipeline.start(new PipelineSettings(infra.bootstrapServers(), infra.jdbcUrl(),
                     infra.jdbcUser(), null, "127.0.0.1", proxy.port(), 0, secrets, dir.resolve("state"), 20,
                     Map.of("smtp.timeout.ms", "1000", "notifier.retry.max.attempts", "2",
                             "notifier.breaker.open.ms", "5000")))) {
            await().atMost(Duration.ofSeconds(90)).until(pipeline::isReady);
            final SteadyLoad steady = new SteadyLoad(load, pipeline.apiPort(), secrets.apiKey(), "m-");
            final AtomicInteger sent = steady.sent;
            final Map<Integer, Integer> statusByRequest = steady.statusByRequest;

            await().atMost(Duration.ofMinutes(1)).until(() -> sent.get() >= BEFORE);
            proxy.hang(true);
            final int hungFrom = sent.get();
            // the provider's circuit breaker opens about 3 s into the hang (calls fail after smtp.timeout.ms, 1 s;
            // 10 calls at least, notifier.breaker.minimum.calls) and stays open for the rest of it: its trial calls
            // after notifier.breaker.open.ms (5 s) fail while the server hangs, which opens it again
            await().atMost(Duration.ofMinutes(1)).until(() -> sent.get() >= hungFrom + 10 * RATE);
            proxy.hang(false);
            final int recoveredFrom = sent.get();
            final long recoveredNanos = System.nanoTime();
            // the breaker lets trial calls through at most notifier.breaker.open.ms (5 s) after the server answers
            // again: recovered once the 30 newest codes have all been mailed
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> mailedRun(smtp, sent.get() - 40, 30));
            final double recoverySeconds = (System.nanoTime() - recoveredNanos) / 1e9;
            load.shutdown();
            final int total = sent.get();
            await().atMost(Duration.ofMinutes(1)).until(() -> statusByRequest.size() == total);

            // every code ends with one outcome event; those requested after the recovery are mailed
            final Map<String, String> outcomes = new ConcurrentHashMap<>();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                outcomes.clear();
                outcomes.putAll(deliveryOutcomes(infra.bootstrapServers()));
                return outcomes.size() >= total;
            });
            final Map<String, Long> mailsPerAddress = Arrays.stream(smtp.getReceivedMessages())
                    .map(m -> {
                        try {
                            return m.getAllRecipients()[0].toString();
                        } catch (MessagingException e) {
                            throw new IllegalStateException(e);
                        }
                    }).collect(Collectors.groupingBy(a -> a, Collectors.counting()));
            final long notSent = outcomes.values().stream().filter(t -> !t.equals("otp.delivery.sent")).count();
            final long twice = mailsPerAddress.values().stream().filter(c -> c > 1).count();
            System.out.printf("OutageIT: SMTP hung during %d requests (%d/s): %d not 201; %d codes: %d mailed, %d "
                    + "failed or suppressed (each with one outcome event), %d addresses mailed twice; mail flowed "
                    + "again %.1f s after the server answered%n", recoveredFrom - hungFrom, RATE,
                    statusByRequest.values().stream().filter(c -> c != 201).count(), total,
                    outcomes.size() - notSent, notSent, twice, recoverySeconds);

            assertThat(statusByRequest.values()).as("the API does not wait for mail").containsOnly(201);
            assertThat(outcomes).as("no code stuck without an outcome").hasSizeGreaterThanOrEqualTo(total);
            assertThat(notSent).as("codes caught in the hang that were not mailed: none means the hang was not felt")
                    .isPositive();
            assertThat(twice).isZero();
        } finally {
            load.shutdownNow();
            smtp.stop();
        }
    }


    /**
     * The outcomes of the requests numbered {@code from} on, per partition of {@code otp.commands.v1} their user's key
     * falls in (the default partitioner's murmur2): HTTP status, {@code failed} (the client gave up) or {@code pending}.
     */
    private static Map<Integer, Map<String, Long>> outcomesByPartition(final SteadyLoad load, final int from) {
        final Map<Integer, Map<String, Long>> outcomes = new TreeMap<>();
        for (int n = from; n < load.sent.get(); n++) {
            final byte[] key = Topics.userKey(DevSecrets.DEMO_TENANT, load.prefix + n).getBytes(StandardCharsets.UTF_8);
            final Integer status = load.statusByRequest.get(n);
            final String outcome = status == null ? "pending" : status < 0 ? "failed" : Integer.toString(status);
            outcomes.computeIfAbsent(Utils.toPositive(Utils.murmur2(key)) % Topics.COMMANDS.partitions(),
                    p -> new TreeMap<>()).merge(outcome, 1L, Long::sum);
        }
        return outcomes;
    }

    /** The latest offsets of every partition of {@code otp.commands.v1}, asked for now. */
    private static KafkaFuture<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> commandsEnd(
            final Admin admin) {
        return admin.listOffsets(latestOfCommands()).all();
    }

    private static Map<TopicPartition, OffsetSpec> latestOfCommands() {
        final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < Topics.COMMANDS.partitions(); p++) {
            latest.put(new TopicPartition(Topics.COMMANDS.name(), p), OffsetSpec.latest());
        }
        return latest;
    }

    /**
     * The processor's {@code /metrics} lines on consumer lag of {@code otp.commands.v1} and on state restoration (a
     * task that never finishes restoring stays out of processing), or why they could not be read.
     */
    private static String lagAndRestoration(final int port) {
        try {
            final HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return metrics.body().lines().filter(l -> !l.startsWith("#"))
                    .filter(l -> l.startsWith("kafka_consumer_fetch_manager_records_lag{") && l.contains("otp.commands.v1")
                            || l.contains("remaining_records"))
                    .collect(Collectors.joining(" | "));
        } catch (IOException | InterruptedException e) {
            return "unreadable (" + e + ")";
        }
    }

    /** What {@link HangingTransactions#find} finds now, silent or not, or why it could not be read. */
    private static String hangingNow(final Admin admin) {
        try {
            return HangingTransactions.find(admin, Duration.ZERO).toString();
        } catch (Exception e) {
            return "unreadable (" + e + ")";
        }
    }

    /**
     * The broker's transactions that are not complete (state, age in milliseconds and the partitions they wrote), by
     * transactional id: one that stays open or preparing holds back the stable offset of every partition it wrote.
     */
    private static String openTransactions(final Admin admin) {
        try {
            final List<String> ids = admin.listTransactions().all().get(10, TimeUnit.SECONDS).stream()
                    .filter(t -> t.state() != TransactionState.COMPLETE_COMMIT
                            && t.state() != TransactionState.COMPLETE_ABORT && t.state() != TransactionState.EMPTY)
                    .map(TransactionListing::transactionalId).toList();
            if (ids.isEmpty()) {
                return "none";
            }
            final long now = System.currentTimeMillis();
            return admin.describeTransactions(ids).all().get(10, TimeUnit.SECONDS).entrySet().stream()
                    .map(e -> e.getKey() + " " + e.getValue().state() + " for "
                            + e.getValue().transactionStartTimeMs().stream().map(t -> now - t).findFirst().orElse(-1L)
                            + " ms, partitions " + e.getValue().topicPartitions())
                    .collect(Collectors.joining("; "));
        } catch (Exception e) {
            return "unreadable (" + e + ")";
        }
    }

    /**
     * Per partition of {@code otp.commands.v1}: its end offset at the restart ({@code endAtRestart}) and now, and the
     * offset the processor's consumer group {@code group} has committed ({@code -} where it has none); a figure that
     * could not be read is named with the reason.
     */
    private static String commandsProgress(final Admin admin,
            final KafkaFuture<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> endAtRestart,
            final String group) {
        final List<String> unreadable = new ArrayList<>();
        final Map<TopicPartition, Long> atRestart = offsets("end offsets at the restart", unreadable,
                () -> ends(endAtRestart.get(10, TimeUnit.SECONDS)));
        final Map<TopicPartition, Long> now = offsets("end offsets now", unreadable,
                () -> ends(commandsEnd(admin).get(10, TimeUnit.SECONDS)));
        // the offset a read_committed reader (the processor) can read up to: below the end offset while a transaction
        // that wrote the partition is open, for good if that transaction hangs
        final Map<TopicPartition, Long> stable = offsets("stable offsets now", unreadable,
                () -> ends(admin.listOffsets(latestOfCommands(), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                        .all().get(10, TimeUnit.SECONDS)));
        final Map<TopicPartition, Long> committed = offsets("offsets committed by " + group, unreadable, () -> {
            final Map<TopicPartition, Long> offsets = new HashMap<>();
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .forEach((tp, o) -> {
                        if (o != null) {
                            offsets.put(tp, o.offset());
                        }
                    });
            return offsets;
        });
        final StringBuilder b = new StringBuilder(Topics.COMMANDS.name()
                + " by partition, end offset at the restart / end offset now / stable offset now / committed by "
                + group + ":");
        for (int p = 0; p < Topics.COMMANDS.partitions(); p++) {
            final TopicPartition tp = new TopicPartition(Topics.COMMANDS.name(), p);
            b.append(p == 0 ? " " : ", ").append(p).append(": ").append(atRestart.getOrDefault(tp, -1L)).append(" / ")
                    .append(now.getOrDefault(tp, -1L)).append(" / ").append(stable.getOrDefault(tp, -1L)).append(" / ")
                    .append(committed.containsKey(tp) ? committed.get(tp).toString() : "-");
        }
        b.append("; transactions not complete: ").append(openTransactions(admin));
        if (!unreadable.isEmpty()) {
            b.append(" (unreadable, shown as -1 or -: ").append(String.join("; ", unreadable)).append(')');
        }
        return b.toString();
    }

    private static Map<TopicPartition, Long> ends(final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>
                                                          infos) {
        final Map<TopicPartition, Long> ends = new HashMap<>();
        infos.forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** What {@code read} returns, or an empty map and {@code what} with the reason added to {@code unreadable}. */
    private static Map<TopicPartition, Long> offsets(final String what, final List<String> unreadable,
                                                     final Callable<Map<TopicPartition, Long>> read) {
        try {
            return read.call();
        } catch (Exception e) {
            unreadable.add(what + ": " + e);
            return Map.of();
        }
    }

    /** The {@code detail} texts of the 503 answers to requests {@code from} (inclusive) to {@code to}, counted. */
    private static Map<String, Long> unavailableDetails(final SteadyLoad load, final int from, final int to) {
        final Map<String, Long> counts = new TreeMap<>();
        load.answers.forEach((n, r) -> {
            if (n >= from && n < to && r.statusCode() == 503) {
                String detail;
                try {
                    detail = Json.mapper().readTree(r.body()).path("detail").asText("(no detail)");
                } catch (IOException e) {
                    detail = "(not JSON) " + r.body();
                }
                counts.merge(detail, 1L, Long::sum);
            }
        });
        return counts;
    }

    /** Whether the {@code run} codes requested from number {@code from} on have all been mailed. */
    private static boolean mailedRun(final GreenMail smtp, final int from, final int run) throws MessagingException {
        final Set<String> mailed = new HashSet<>();
        for (var m : smtp.getReceivedMessages()) {
            mailed.add(m.getAllRecipients()[0].toString());
        }
        for (int n = Math.max(from, 0); n < from + run; n++) {
            if (!mailed.contains("m-" + n + "@example.test")) {
                return false;
            }
        }
        return true;
    }

    /** otpId → type of the delivery outcome event of every committed outcome. */
    private static Map<String, String> deliveryOutcomes(final String bootstrapServers) throws Exception {
        final Map<String, String> outcomes = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readCommitted(bootstrapServers,
                Set.of(Topics.EVENTS.name()))) {
            final JsonNode event = Json.mapper().readTree(r.value());
            if (event.path("type").asText().startsWith("otp.delivery.")) {
                outcomes.put(event.path("data").path("otpId").asText(), event.path("type").asText());
            }
        }
        return outcomes;
    }

    /**
     * A TCP proxy to an SMTP server that, while hanging, accepts connections and never says a word, and lets the
     * connections already open fall silent too (the notifier keeps one SMTP connection open between messages: with
     * only new connections held, its kept connection went on mailing through the hang and the test proved nothing).
     */
    private static final class HangingProxy implements AutoCloseable {

        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final int target;
        private volatile boolean hanging;
        private final List<Socket> held = new CopyOnWriteArrayList<>();
        private final Thread acceptor;

        HangingProxy(final int target) throws IOException {
            this.target = target;
            this.acceptor = new Thread(this::accept, "smtp-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        void hang(final boolean on) {
            hanging = on;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    final Socket client = server.accept();
                    held.add(client);
                    if (!hanging) {
                        final Socket upstream = new Socket("127.0.0.1", target);
                        held.add(upstream);
                        pipe(client, upstream, this);
                        pipe(upstream, client, this);
                    }
                } catch (IOException e) {
                    return;
                }
            }
        }

        /** Copies {@code from} to {@code to}, dropping what arrives while {@code proxy} hangs. */
        private static void pipe(final Socket from, final Socket to, final HangingProxy proxy) {
            final Thread t = new Thread(() -> {
                try {
                    final byte[] buffer = new byte[8192];
                    for (int n = from.getInputStream().read(buffer); n >= 0; n = from.getInputStream().read(buffer)) {
                        if (!proxy.hanging) {
                            to.getOutputStream().write(buffer, 0, n);
                            to.getOutputStream().flush();
                        }
                    }
                } catch (IOException e) {
                    // one side closed
                } finally {
                    try {
                        to.shutdownOutput();
                    } catch (IOException e) {
                        // already closed
                    }
                }
            }, "smtp-proxy-pipe");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }

    /** The first request number at or after {@code from} that starts {@code run} answers in a row, all 201; else -1. */
    private static int recoveredAfter(final Map<Integer, Integer> statusByRequest, final int from, final int run) {
        int streak = 0;
        // a request the client gave up on (-1) breaks a streak; one not finished yet ends the search for now
        for (int n = from; statusByRequest.containsKey(n); n++) {
            streak = statusByRequest.get(n) == 201 ? streak + 1 : 0;
            if (streak == run) {
                return n - run + 1;
            }
        }
        return -1;
    }

    /** otpId → number of committed {@code otp.issued} events naming it. */
    private static Map<String, Long> issuedOtpIds(final String bootstrapServers) throws Exception {
        final Map<String, Long> counts = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicScanner.readCommitted(bootstrapServers,
                Set.of(Topics.EVENTS.name()))) {
            final JsonNode event = Json.mapper().readTree(r.value());
            if ("otp.issued".equals(event.path("type").asText())) {
                counts.merge(event.path("data").path("otpId").asText(), 1L, Long::sum);
            }
        }
        return counts;
    }
}
