package io.otppipeline.processor;

import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The wall-clock punctuator of the expiry sweep (ARCHITECTURE section 5): reads the {@link ExpiryIndex}
 * entries that are due, applies {@link OtpDecisions#sweep} to each user named there (emitting
 * {@code otp.expired} and {@code otp.lockout.ended}), deletes users left with nothing live and idempotency
 * records past their TTL. Runs inside the task's exactly-once transaction like any command.
 */
final class ExpirySweep implements Punctuator {

    private final OtpDecisions decisions;
    private final UserStates users;
    private final ProcessorContext<String, Object> context;

    ExpirySweep(final OtpDecisions decisions, final UserStates users, final ProcessorContext<String, Object> context) {
        this.decisions = decisions;
        this.users = users;
        this.context = context;
    }

    /** @param nowMs wall-clock time, epoch milliseconds */
    @Override
    public void punctuate(final long nowMs) {
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
        final Decision decision = decisions.sweep(userKey.substring(0, colon), userKey.substring(colon + 1),
                users.get(userKey), nowMs);
        users.put(userKey, UserState.EMPTY, decision.state()); // this index entry was just taken: index again
        decision.events().forEach(e -> context.forward(new Record<>(userKey, e, nowMs), OtpTopology.EVENTS_SINK));
    }
}
