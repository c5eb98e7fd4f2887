package io.otppipeline.api.bus;

import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.runtime.kafka.KafkaConnection;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.schemas.reply.OtpReply;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Request-reply over Kafka: publishes a command keyed {@code tenantId:userId} with a {@code reply-partition}
 * header and completes with the processor's decision from {@code otp.replies.v1}.
 */
public final class CommandGateway implements CommandBus {

    private final KafkaProducer<String, OtpCommand> producer;
    private final ReplyListener replies;
    private final long timeoutMs;

    /**
     * @param kafka the cluster
     * @param replyGroupId consumer group of the reply listener
     * @param timeoutMs how long to wait for a decision, in milliseconds
     * @param replyIsolation {@code read_uncommitted} or {@code read_committed} for the reply listener
     */
    public CommandGateway(final KafkaConnection kafka, final String replyGroupId, final long timeoutMs,
                   final String replyIsolation) {
        final Properties p = kafka.properties();
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // one command per request: send it now (batches form under load; 2 ms measured no cheaper, docs/BENCHMARKS.md)
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(timeoutMs, 1000) + 1000));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(timeoutMs, 1000)));
        // while the broker is away, send() waits for metadata at most the reply timeout (the client default is 60 s,
        // on the HTTP thread): the caller gets its 503 within api.reply.timeout.ms either way
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMs));
        this.producer = new KafkaProducer<>(p, Topics.COMMANDS.keySerde().serializer(),
                Topics.COMMANDS.valueSerde().serializer());
        this.replies = new ReplyListener(kafka, replyGroupId, replyIsolation);
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void start() {
        replies.start();
    }

    @Override
    public boolean isReady() {
        return replies.isReady();
    }

    @Override
    public boolean isAlive() {
        return replies.isAlive();
    }

    /**
     * Sends {@code command} and waits for its decision.
     *
     * @return completes with the reply, or exceptionally with {@link TimeoutException} when no decision
     *     arrived within the timeout, or with the producer's exception when the command could not be written
     */
    @Override
    public CompletableFuture<OtpReply> send(final OtpCommand command) {
        final int partition = replies.replyPartition();
        if (partition < 0) {
            return CompletableFuture.failedFuture(new TimeoutException("no reply partition assigned yet"));
        }
        final CompletableFuture<OtpReply> reply = replies.expect(command.commandId());
        final ProducerRecord<String, OtpCommand> record = new ProducerRecord<>(Topics.COMMANDS.name(),
                Topics.userKey(command.tenantId(), command.userId()), command);
        record.headers().add(Topics.REPLY_PARTITION_HEADER,
                Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                reply.completeExceptionally(error);
            }
        });
        return reply.orTimeout(timeoutMs, TimeUnit.MILLISECONDS)
                .whenComplete((r, e) -> replies.forget(command.commandId()));
    }

    @Override
    public void close() {
        replies.close();
        producer.close(Duration.ofSeconds(5));
    }
}
