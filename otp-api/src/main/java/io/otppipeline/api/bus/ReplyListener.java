package io.otppipeline.api.bus;

import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.runtime.kafka.PollingLoop;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.schemas.reply.OtpReply;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code otp.replies.v1} on its own thread and completes the future of the request waiting for each reply.
 * Every instance reads <b>every</b> reply partition (assigned, not a consumer group) from the end, and parses only
 * the replies it waits for: with a group, an instance that joined or left moved reply partitions between the others
 * while their commands were in flight, and the replies went to an instance that was not waiting for them (a 503
 * after the reply timeout; {@code ScaleOutIT} found it during rolling restarts). The {@code reply-partition} header
 * of a command only spreads the replies over the partitions. The cost: each instance reads all replies, a few
 * hundred bytes per decision, and parses none but its own.
 *
 * <p>By default it reads {@code read_uncommitted} ({@code api.reply.isolation}): a reply is seen as soon as the
 * processor writes it, before its transaction commits. That is safe because decisions are deterministic
 * (docs/DESIGN-NOTES.md, "Replies before the commit"): if the transaction aborts, the command is decided again
 * from the same committed state and the same reply is committed. The first reply for a command id completes the
 * request; later copies of it (from an aborted and a committed transaction) are ignored.
 */
final class ReplyListener implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplyListener.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, CompletableFuture<OtpReply>> waiting = new ConcurrentHashMap<>();
    private final AtomicReference<List<Integer>> assigned = new AtomicReference<>(List.of());
    private final AtomicInteger nextPartition = new AtomicInteger();
    private final PollingLoop<String, byte[]> loop;
    private final AtomicInteger answerThreads = new AtomicInteger();
    /** Threads that parse awaited replies and complete their requests, one per core (see {@link #complete}). */
    private final ExecutorService answers = Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors(),
            r -> {
                final Thread t = new Thread(r, "otp-api-answers-" + answerThreads.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    /** @param isolation {@code read_uncommitted} or {@code read_committed} */
    ReplyListener(final KafkaConnection kafka, final String groupId, final String isolation) {
        final Properties p = PollingLoop.readCommittedConsumer(kafka, groupId, "latest");
        // assigned, not a group member: a long wait at the broker costs no latency (PollingLoop)
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Integer.toString(PollingLoop.ASSIGNED_READER_FETCH_MAX_WAIT_MS));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        // values are read as bytes and parsed per record: one unreadable record must not stop the listener
        consumer = new KafkaConsumer<>(p, Topics.REPLIES.keySerde().deserializer(), new ByteArrayDeserializer());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"); // positions are never resumed: always the end
        loop = new PollingLoop<>("otp-api-replies", consumer, this::assignAll, this::complete);
    }

    void start() {
        loop.start();
    }

    /**
     * Registers interest in the reply to {@code commandId}; call before sending the command.
     *
     * @return completes with the reply; never times out by itself
     */
    CompletableFuture<OtpReply> expect(final String commandId) {
        final CompletableFuture<OtpReply> future = new CompletableFuture<>();
        waiting.put(commandId, future);
        return future;
    }

    /** Stops waiting for {@code commandId} (after a timeout or a failed send). */
    void forget(final String commandId) {
        waiting.remove(commandId);
    }

    /** A partition this instance reads, round-robin, or {@code -1} if it has none yet. */
    int replyPartition() {
        final List<Integer> partitions = assigned.get();
        if (partitions.isEmpty()) {
            return -1;
        }
        return partitions.get(Math.floorMod(nextPartition.getAndIncrement(), partitions.size()));
    }

    /** Whether the listening thread runs. */
    boolean isAlive() {
        return loop.isAlive();
    }

    boolean isReady() {
        return loop.isAlive() && !assigned.get().isEmpty();
    }

    /** Assigns every partition of the reply topic at its end (the polling thread calls it before its first poll). */
    private void assignAll(final KafkaConsumer<String, byte[]> kafka) {
        final List<TopicPartition> partitions = kafka.partitionsFor(Topics.REPLIES.name()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
        kafka.assign(partitions);
        kafka.seekToEnd(partitions);
        partitions.forEach(kafka::position); // resolve the end now, before any command names a partition
        assigned.set(partitions.stream().map(TopicPartition::partition).sorted().toList());
        LOG.info("reading reply partitions {}", assigned.get());
    }

    /**
     * Hands each awaited reply to the answer threads: parsing it and completing its future (which writes the HTTP
     * response: Javalin continues a request on the thread that completes its future) must not happen on the one
     * thread that reads every reply, or every answer of the instance queues behind it (issue 14's profile: 37 %
     * of that thread was writing responses).
     */
    private void complete(final ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> record : records) {
            if (record.key() == null || !waiting.containsKey(record.key())) {
                continue; // another instance's reply, or a copy of one already answered
            }
            answers.execute(() -> {
                final OtpReply reply = read(record);
                if (reply == null) {
                    return;
                }
                final CompletableFuture<OtpReply> future = waiting.remove(record.key()); // the first copy wins
                if (future != null) {
                    future.complete(reply);
                }
            });
        }
    }

    /**
     * The reply in {@code record}, or {@code null} for an empty or unreadable record, which is skipped with a
     * warning naming its position (never its content): nothing the processor wrote is unreadable, so such a
     * record answers no request, and stopping the listener for it would stop every answer.
     */
    private static OtpReply read(final ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            return Topics.REPLIES.valueSerde().deserializer().deserialize(record.topic(), record.value());
        } catch (RuntimeException e) {
            LOG.warn("skipped an unreadable record on {}-{} at offset {} ({})", record.topic(), record.partition(),
                    record.offset(), e.getClass().getSimpleName());
            return null;
        }
    }

    @Override
    public void close() {
        loop.close();
        answers.shutdown();
        assigned.set(List.of());
    }
}
