package io.otppipeline.processor.streams;

import io.otppipeline.processor.domain.Decision;
import io.otppipeline.processor.domain.DecisionContext;
import io.otppipeline.processor.domain.OtpDecisions;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The expiry sweep, run by sweep ticks: records that {@link CommandTicker} writes to each partition of
 * {@code otp.commands.v1} whose expiry index holds work due, and that the broker stamps with its append time like any command. For each tick it
 * reads the {@link ExpiryIndex} entries due at the tick's timestamp, settles each user named there with
 * {@link OtpDecisions#sweep} (emitting {@code otp.expired} and {@code otp.lockout.ended}), deletes users left
 * with nothing live and idempotency records past their end. Runs inside the task's exactly-once transaction.
 *
 * <p>Why ticks in the command log rather than a wall-clock punctuator (docs/DESIGN-NOTES.md): the sweep then
 * runs at a position and a time written in the log, so re-processing after an abort sweeps at the same places;
 * and a wall clock ahead of the broker's could expire a code that a command already in the log, stamped
 * earlier, was entitled to verify. The sweep never changes an answer anyway ({@code UserState.settle} is
 * monotone); ticks also keep events fresh on partitions that receive no commands, which stream time would not.
 */
final class ExpirySweep implements Processor<String, Object, String, Object> {

    private final OtpDecisions decisions;
    private ProcessorContext<String, Object> context;
    private UserStates users;

    ExpirySweep(final OtpDecisions decisions) {
        this.decisions = decisions;
    }

    @Override
    public void init(final ProcessorContext<String, Object> context) {
        this.context = context;
        this.users = UserStates.of(context, decisions.rules());
    }

    /** @param tick a sweep tick; its timestamp (epoch milliseconds) is the sweep's time */
    @Override
    public void process(final Record<String, Object> tick) {
        final long nowMs = tick.timestamp();
        for (String indexKey : users.takeDue(nowMs)) {
            final String target = ExpiryIndex.target(indexKey);
            if (ExpiryIndex.kind(indexKey) == ExpiryIndex.IDEMPOTENCY) {
                users.forgetIfLapsed(target, nowMs);
            } else {
                sweepUser(target, nowMs);
            }
        }
    }

    private void sweepUser(final String userKey, final long nowMs) {
        final int colon = userKey.indexOf(':'); // tenant ids hold no ':' (Topics.userKey)
        final Decision decision = decisions.sweep(users.get(userKey),
                DecisionContext.sweep(userKey.substring(0, colon), userKey.substring(colon + 1), nowMs));
        users.reindex(userKey, decision.state()); // this index entry was just taken: index the next deadline
        decision.events().forEach(e -> context.forward(new Record<>(userKey, e, nowMs), Nodes.EVENTS_SINK));
    }
}
