package io.otppipeline.processor;

import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.crypto.SealedBoxException;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Applies {@link OtpDecisions} to each command of a user, keeping the user's {@link UserState} in the
 * {@link OtpTopology#USER_STATE_STORE} store. Because the input is keyed {@code tenantId:userId}, one
 * task sees all of a user's commands one at a time, and exactly-once makes "read command, update state,
 * emit events, delivery and reply" one Kafka transaction (ARCHITECTURE section 3).
 *
 * <p>Time is the wall clock ({@link ProcessorContext#currentSystemTimeMs()}), so tests move it with
 * {@code TopologyTestDriver.advanceWallClockTime}.
 */
final class OtpCommandProcessor implements Processor<String, OtpCommand, String, Object> {

    private final OtpDecisions decisions;
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, UserState> store;

    OtpCommandProcessor(final OtpDecisions decisions) {
        this.decisions = decisions;
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.store = context.getStateStore(OtpTopology.USER_STATE_STORE);
    }

    @Override
    public void process(final Record<String, OtpCommand> record) {
        final long now = context.currentSystemTimeMs();
        final int replyPartition = replyPartition(record);
        final Decision decision;
        try {
            decision = decide(record.key(), record.value(), now);
        } catch (SealedBoxException e) {
            reject(record, replyPartition, e.getMessage(), now);
            return;
        }
        if (decision.state().isEmpty()) {
            store.delete(record.key());
        } else {
            store.put(record.key(), decision.state());
        }
        decision.events().forEach(e -> context.forward(new Record<>(record.key(), e, now), OtpTopology.EVENTS_SINK));
        if (decision.delivery() != null) {
            context.forward(new Record<>(record.key(), decision.delivery(), now), OtpTopology.DELIVERY_SINK);
        }
        forwardReply(decision.reply(), replyPartition, now);
    }

    private Decision decide(final String userKey, final OtpCommand command, final long now) {
        final UserState state = store.get(userKey);
        final UserState current = state == null ? UserState.EMPTY : state;
        if (command instanceof OtpRequested requested) {
            return decisions.request(current, requested, now);
        }
        return decisions.verify(current, (OtpVerifyAttempted) command, now);
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
