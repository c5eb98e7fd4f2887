package io.otppipeline.processor.streams;

import io.otppipeline.processor.domain.Decision;
import io.otppipeline.processor.domain.DecisionContext;
import io.otppipeline.processor.domain.IdempotencyRecord;
import io.otppipeline.processor.domain.OtpDecisions;
import io.otppipeline.processor.domain.UserState;
import io.otppipeline.schemas.command.IdempotencyKey;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.crypto.SealedBoxException;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.RejectedReply;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Applies {@link OtpDecisions} to each command of a user, keeping the user's {@link UserState} in the
 * {@link OtpTopology#USER_STATE_STORE} store. Because the input is keyed {@code tenantId:userId}, one task sees
 * all of a user's commands one at a time, and exactly-once makes "read command, update state, emit events,
 * send-gate record and reply" one Kafka transaction (docs/ARCHITECTURE.md section 3).
 *
 * <p>The decision time is the command record's timestamp: the broker's append time ({@code LogAppendTime} on
 * {@code otp.commands.v1}). Nothing here reads the wall clock, so processing the same records from the same
 * committed state again gives the same output, and otp-api may answer from an uncommitted reply.
 *
 * <p>A command with an idempotency key seen before (same tenant and user, record still live) is not decided
 * again: {@link OtpDecisions#replay} answers it, emitting nothing and counting nothing.
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
        this.users = UserStates.of(context, decisions.rules());
    }

    @Override
    public void process(final Record<String, OtpCommand> record) {
        final long nowMs = record.timestamp();
        final int replyPartition = replyPartition(record);
        final OtpCommand command = record.value();
        final IdempotencyKey idempotency = command.idempotency();
        final IdempotencyRecord first = idempotency == null ? null
                : users.recall(record.key(), idempotency.key(), nowMs);
        if (first != null) {
            forwardReply(OtpDecisions.replay(first, command), replyPartition, nowMs);
            return;
        }
        final UserState before = users.get(record.key());
        final Decision decision;
        try {
            decision = decisions.decide(before, command, DecisionContext.of(command, nowMs));
        } catch (SealedBoxException e) {
            reject(record, replyPartition, e.getMessage(), nowMs);
            return;
        }
        // the reply first: otp-api answers from it before the commit, so it should not queue behind the state's
        // changelog records, the events and the send gate's record in the producer (all in the same transaction)
        forwardReply(decision.reply(), replyPartition, nowMs);
        users.put(record.key(), before, decision.state());
        if (idempotency != null && decision.replayUntilMs() > nowMs) { // a key for a lapsed code replays nothing
            users.remember(record.key(), idempotency.key(), new IdempotencyRecord(idempotency.requestHash(),
                    decision.reply(), decision.replayUntilMs()));
        }
        decision.events().forEach(e -> context.forward(new Record<>(record.key(), e, nowMs), Nodes.EVENTS_SINK));
        if (decision.gate() != null) {
            context.forward(new Record<>(decision.gate().gateKey(), decision.gate(), nowMs), Nodes.GATE_SINK);
        }
    }

    private void reject(final Record<String, OtpCommand> record, final int replyPartition, final String reason,
                        final long nowMs) {
        final byte[] raw = Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(), record.value());
        final Record<String, Object> dead = new Record<>(record.key(), raw, nowMs);
        dead.headers().add(Topics.ERROR_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        context.forward(dead, Nodes.COMMANDS_DLQ_SINK);
        forwardReply(new RejectedReply(record.value().commandId()), replyPartition, nowMs);
    }

    private void forwardReply(final OtpReply reply, final int partition, final long nowMs) {
        if (reply == null) { // a command nobody waits for (a delivery report)
            return;
        }
        context.forward(new Record<>(reply.commandId(), new RoutedReply(partition, reply), nowMs),
                Nodes.REPLIES_SINK);
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
