package io.otppipeline.bench;

import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.runtime.kafka.PollingLoop;
import io.otppipeline.schemas.kafka.Topic;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.IssuedReply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Path (a) for this project: commands written straight to {@code otp.commands.v1}, decisions read from
 * {@code otp.replies.v1} and issued codes from {@code otp.delivery.v1} (both read_committed, so a decision
 * counts only once its Kafka transaction has committed). At most {@code window} commands are in flight.
 * Issued codes are opened with the delivery keyring, as the notifier does, so that the verification workloads
 * can send right codes.
 */
final class StreamsDriver implements AutoCloseable {

    private record Pending(long startNanos, boolean untilDelivery) {
    }

    private static final java.security.SecureRandom ENTROPY = new java.security.SecureRandom();

    private final String tenant;
    private final Aead commandAead;
    private final Aead deliveryAead;
    private final KafkaProducer<String, OtpCommand> producer;
    private final PollingLoop<String, OtpReply> replies;
    private final PollingLoop<String, OtpIssued> delivery;
    private final Semaphore window;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, long[]> halfIssued = new ConcurrentHashMap<>();
    private final Map<String, String> codes = new ConcurrentHashMap<>();
    private volatile Measurement current = new Measurement();
    private volatile CountDownLatch done = new CountDownLatch(0);
    /** Whether the readers read; false between this driver's runs (see {@link #reader}). */
    private volatile boolean listening = true;
    private final AtomicReference<CountDownLatch> resumed = new AtomicReference<>(new CountDownLatch(0));

    StreamsDriver(final String bootstrap, final String tenant, final Aead commandAead, final Aead deliveryAead,
                  final int window) {
        this.tenant = tenant;
        this.commandAead = commandAead;
        this.deliveryAead = deliveryAead;
        this.window = new Semaphore(window);
        final Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, "131072");
        producer = new KafkaProducer<>(p, Topics.COMMANDS.keySerde().serializer(),
                Topics.COMMANDS.valueSerde().serializer());
        final CountDownLatch positioned = new CountDownLatch(2);
        // replies as otp-api reads them by default (before the commit); deliveries only once committed
        replies = reader("bench-replies", bootstrap, Topics.REPLIES, this::onReply, positioned, "read_uncommitted");
        delivery = reader("bench-delivery", bootstrap, Topics.DELIVERY, this::onIssued, positioned, "read_committed");
        replies.start();
        delivery.start();
        try {
            if (!positioned.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the benchmark's reply and delivery readers found no partitions");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A reader of one topic that reads only while a run of this driver is under way: between runs (while the HTTP
     * runs of path (b) go on) its consumer is paused, so the benchmark's own JVM does not decode every reply and
     * delivery of the HTTP traffic, which it used to (that CPU counted as the load generator's).
     */
    private <V> PollingLoop<String, V> reader(final String name, final String bootstrap, final Topic<String, V> topic,
                                              final java.util.function.Consumer<V> handler,
                                              final CountDownLatch positioned, final String isolation) {
        final Properties p = PollingLoop.readCommittedConsumer(KafkaConnection.plaintext(bootstrap), name, "latest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        final KafkaConsumer<String, V> consumer = new KafkaConsumer<>(p, topic.keySerde().deserializer(),
                topic.valueSerde().deserializer());
        final boolean[] paused = {false};
        final CountDownLatch[] acknowledged = {null};
        return new PollingLoop<>(name, consumer, kafka -> {
            final List<TopicPartition> partitions = kafka.partitionsFor(topic.name()).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            kafka.assign(partitions);
            kafka.seekToEnd(partitions);
            partitions.forEach(kafka::position);
            positioned.countDown();
        }, records -> {
            if (!listening) {
                if (!paused[0]) {
                    consumer.pause(consumer.assignment());
                    paused[0] = true;
                }
                return;
            }
            if (paused[0]) {
                consumer.seekToEnd(consumer.assignment());
                consumer.assignment().forEach(consumer::position);
                consumer.resume(consumer.assignment());
                paused[0] = false;
            }
            final CountDownLatch latest = resumed.get();
            if (latest != acknowledged[0]) {   // each reader confirms each listen() once
                acknowledged[0] = latest;
                latest.countDown();
            }
            records.forEach(r -> handler.accept(r.value()));
        });
    }

    /** Resumes both readers at the end of their topics and waits until they are there (a no-op if they read). */
    private void listen() throws InterruptedException {
        if (listening) {
            return;
        }
        final CountDownLatch both = new CountDownLatch(2);
        resumed.set(both);
        listening = true;
        if (!both.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the benchmark's reply and delivery readers did not resume");
        }
    }

    /** Codes issued so far, by user id (the newest code of each user). */
    Map<String, String> codes() {
        return codes;
    }

    /**
     * Requests one code per user and waits until each is on {@code otp.delivery.v1} (or refused).
     *
     * @return the run's measurement; latency = command sent to delivery record read
     */
    Measurement issue(final List<String> users, final Duration timeout) throws InterruptedException {
        return run(users.size(), i -> request(users.get(i)), true, timeout, 0);
    }

    private OtpRequested request(final String user) {
        final String id = commandId();
        final byte[] entropy = new byte[32];
        ENTROPY.nextBytes(entropy);
        return new OtpRequested(id, tenant, user, Ops.PURPOSE, Channel.EMAIL, null, null, Instant.now(),
                seal(Ops.destination(user), id), commandAead.seal(entropy, id.getBytes(StandardCharsets.UTF_8)), null);
    }

    /**
     * Requests one code per user at a fixed rate, open loop (request i is due at start + i / rate, and its latency
     * counts from then), and waits until each is on {@code otp.delivery.v1}, read_committed.
     *
     * @param ratePerSecond requests per second
     * @return the run's measurement; latency = scheduled send to delivery record read
     */
    Measurement issuePaced(final List<String> users, final int ratePerSecond, final Duration timeout)
            throws InterruptedException {
        return run(users.size(), i -> request(users.get(i)), true, timeout, ratePerSecond);
    }

    /**
     * Sends the verifications in order, with the codes this driver has seen issued.
     *
     * @return the run's measurement; latency = command sent to reply read
     */
    Measurement verify(final List<Ops.Verify> ops, final Duration timeout) throws InterruptedException {
        return run(ops.size(), i -> {
            final String id = commandId();
            final Ops.Verify op = ops.get(i);
            return new OtpVerifyAttempted(id, tenant, op.userId(), Ops.PURPOSE, null, null, Instant.now(),
                    seal(op.code(codes), id), null);
        }, false, timeout, 0);
    }

    /** @param ratePerSecond 0 for as fast as the window allows, else the open-loop rate in commands per second */
    private Measurement run(final int n, final IntFunction<OtpCommand> build, final boolean untilDelivery,
                            final Duration timeout, final int ratePerSecond) throws InterruptedException {
        listen();
        final Measurement m = new Measurement();
        current = m;
        halfIssued.clear();
        done = new CountDownLatch(n);
        final long first = System.nanoTime();
        for (int i = 0; i < n; i++) {
            final long due = ratePerSecond == 0 ? 0 : first + i * 1_000_000_000L / ratePerSecond;
            while (ratePerSecond > 0 && System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            window.acquire();
            final OtpCommand command = build.apply(i);
            final long start = ratePerSecond == 0 ? System.nanoTime() : due;
            m.started(start);
            pending.put(command.commandId(), new Pending(start, untilDelivery));
            producer.send(new ProducerRecord<>(Topics.COMMANDS.name(),
                    Topics.userKey(command.tenantId(), command.userId()), command), (md, e) -> {
                        final Pending failed = e == null ? null : pending.remove(command.commandId());
                        if (failed != null) {
                            settleFailed(failed.startNanos(), e.getClass().getSimpleName());
                        }
                    });
        }
        if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            pending.keySet().forEach(id -> {
                final Pending unanswered = pending.remove(id);
                if (unanswered != null) {
                    settleFailed(unanswered.startNanos(), "no answer");
                }
            });
            // a code whose reply came but whose delivery record did not: a failure too, not left out of the figures
            halfIssued.forEach((otpId, half) -> {
                if (half[0] >= 0 && halfIssued.remove(otpId, half)) {
                    settleFailed(half[0], "no delivery");
                }
            });
        }
        listening = false;
        return m;
    }

    private void onReply(final OtpReply reply) {
        final long now = System.nanoTime();
        final Pending p = pending.remove(reply.commandId());
        if (p == null) {
            return;
        }
        if (p.untilDelivery() && reply instanceof IssuedReply issued) {
            meet(issued.otpId(), p.startNanos(), now);
        } else {
            settle(p.startNanos(), now, reply.status().wireName());
        }
    }

    /** A code of the benchmark's purpose; anything else on the topic (a lockout notice: no code) is passed over. */
    private void onIssued(final OtpIssued issued) {
        final long now = System.nanoTime();
        if (!Ops.PURPOSE.equals(issued.purpose())) {
            return;
        }
        try {
            final byte[] plain = deliveryAead.open(issued.secret(), issued.otpId().getBytes(StandardCharsets.UTF_8));
            codes.put(issued.userId(), Json.mapper().readValue(plain, DeliverySecret.class).code());
        } catch (IOException e) {
            throw new IllegalStateException("unreadable delivery secret", e);
        }
        meet(issued.otpId(), -1, now);
    }

    /** The reply (with its start time) and the delivery record of one code meet here, in either order. */
    private void meet(final String otpId, final long startNanos, final long nowNanos) {
        halfIssued.compute(otpId, (id, other) -> {
            if (other == null) {
                return new long[] {startNanos, nowNanos};
            }
            final long start = startNanos >= 0 ? startNanos : other[0];
            if (start >= 0) {
                settle(start, Math.max(nowNanos, other[1]), "pending");
            }
            return null;
        });
    }

    private void settle(final long startNanos, final long endNanos, final String decision) {
        current.completed(startNanos, endNanos, decision);
        window.release();
        done.countDown();
    }

    private void settleFailed(final long startNanos, final String kind) {
        current.failed(startNanos, System.nanoTime(), kind);
        window.release();
        done.countDown();
    }

    private io.otppipeline.schemas.crypto.SealedBox seal(final String secret, final String commandId) {
        return commandAead.seal(secret.getBytes(StandardCharsets.UTF_8), commandId.getBytes(StandardCharsets.UTF_8));
    }

    private static String commandId() {
        return java.util.UUID.randomUUID().toString();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        replies.close();
        delivery.close();
    }
}
