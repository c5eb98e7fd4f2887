package io.otppipeline.processor;

import io.otppipeline.schemas.command.IdempotencyKey;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.crypto.SealedBoxException;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Applies {@link OtpDecisions} to each command of a user, keeping the user's {@link UserState} in the
 * {@link OtpTopology#USER_STATE_STORE} store. Because the input is keyed {@code tenantId:userId}, one
 * task sees all of a user's commands one at a time, and exactly-once makes "read command, update state,
 * emit events, delivery and reply" one Kafka transaction (ARCHITECTURE section 3).
 *
 * <p>A command with an idempotency key seen before (same tenant and user, within
 * {@link OtpRules#idempotencyTtlSeconds()}) is not decided again: the same request fingerprint gets the first
 * reply, another fingerprint gets {@code idempotency_mismatch}; neither emits events nor counts anything.
 *
 * <p>Time is the wall clock ({@link ProcessorContext#currentSystemTimeMs()}), so tests move it with
 * {@code TopologyTestDriver.advanceWallClockTime}; the {@link ExpirySweep} runs on the same clock.
 */
final class OtpCommandProcessor implements Processor<String, OtpCommand, String, Object> {

    private final OtpDecisions decisions;
    private ProcessorContext<String, Object> context;
    private UserStates users;

    OtpCommandProcessor(final OtpDecisions decisions) {
        this.decisions = decisions;
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.users = new UserStates(context.getStateStore(OtpTopology.USER_STATE_STORE),
                context.getStateStore(OtpTopology.IDEMPOTENCY_STORE),
                context.getStateStore(OtpTopology.EXPIRY_INDEX_STORE), decisions.rules());
        context.schedule(Duration.ofMillis(decisions.rules().sweepIntervalMs()), PunctuationType.WALL_CLOCK_TIME,
                new ExpirySweep(decisions, users, context));
    }

    @Override
    public void process(final Record<String, OtpCommand> record) {
        final long now = context.currentSystemTimeMs();
        final int replyPartition = replyPartition(record);
        final OtpCommand command = record.value();
        final IdempotencyKey idempotency = command.idempotency();
        final IdempotencyRecord first = idempotency == null ? null
                : users.recall(record.key(), idempotency.key(), now);
        if (first != null) {
            forwardReply(repeat(first, command), replyPartition, now);
            return;
        }
        final UserState before = users.get(record.key());
        final Decision decision;
        try {
            decision = decisions.decide(before, command, now);
        } catch (SealedBoxException e) {
            reject(record, replyPartition, e.getMessage(), now);
            return;
        }
        users.put(record.key(), before, decision.state());
        if (idempotency != null) {
            users.remember(record.key(), idempotency.key(), new IdempotencyRecord(idempotency.requestHash(),
                    decision.reply(), now + users.idempotencyTtlMs()));
        }
        decision.events().forEach(e -> context.forward(new Record<>(record.key(), e, now), OtpTopology.EVENTS_SINK));
        if (decision.delivery() != null) {
            context.forward(new Record<>(record.key(), decision.delivery(), now), OtpTopology.DELIVERY_SINK);
        }
        forwardReply(decision.reply(), replyPartition, now);
    }

    private static OtpReply repeat(final IdempotencyRecord first, final OtpCommand command) {
        final boolean sameRequest = MessageDigest.isEqual(
                first.requestHash().getBytes(StandardCharsets.US_ASCII),
                command.idempotency().requestHash().getBytes(StandardCharsets.US_ASCII));
        return sameRequest ? first.reply().forCommand(command.commandId())
                : OtpReply.of(command.commandId(), ReplyStatus.IDEMPOTENCY_MISMATCH);
    }

    private void reject(final Record<String, OtpCommand> record, final int replyPartition, final String reason,
                        final long now) {
        final byte[] raw = Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(), record.value());
        final Record<String, Object> dead = new Record<>(record.key(), raw, now);
        dead.headers().add(Topics.ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        context.forward(dead, OtpTopology.COMMANDS_DLQ_SINK);
        forwardReply(OtpReply.of(record.value().commandId(), ReplyStatus.REJECTED), replyPartition, now);
    }

    private void forwardReply(final OtpReply reply, final int partition, final long now) {
        context.forward(new Record<>(reply.commandId(), new RoutedReply(partition, reply), now),
                OtpTopology.REPLIES_SINK);
    }

    private static int replyPartition(final Record<String, ?> record) {
        final Header header = record.headers().lastHeader(Topics.REPLY_PARTITION_HEADER);
        if (header == null) {
            return -1;
        }
        try {
            return Integer.parseInt(new String(header.value(), StandardCharsets.UTF_8));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
