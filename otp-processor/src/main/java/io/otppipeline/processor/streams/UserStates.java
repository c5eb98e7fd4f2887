package io.otppipeline.processor.streams;

import io.otppipeline.processor.domain.IdempotencyRecord;
import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.processor.domain.UserState;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The processor's three state stores behind one small interface: user states, idempotency records, and the
 * {@link ExpiryIndex} that makes both go away when they lapse. Every write of a state or a record indexes
 * its next deadline, so nothing outlives its rules without being swept.
 */
final class UserStates {

    private final KeyValueStore<String, UserState> states;
    private final KeyValueStore<String, IdempotencyRecord> idempotency;
    private final KeyValueStore<String, String> index;
    private final OtpRules rules;

    UserStates(final KeyValueStore<String, UserState> states,
               final KeyValueStore<String, IdempotencyRecord> idempotency,
               final KeyValueStore<String, String> index, final OtpRules rules) {
        this.states = states;
        this.idempotency = idempotency;
        this.index = index;
        this.rules = rules;
    }

    /** The three stores of {@link OtpTopology} as a processor connected to them sees them. */
    static UserStates of(final ProcessorContext<?, ?> context, final OtpRules rules) {
        return new UserStates(context.getStateStore(Nodes.USER_STATE_STORE),
                context.getStateStore(Nodes.IDEMPOTENCY_STORE),
                context.getStateStore(Nodes.EXPIRY_INDEX_STORE), rules);
    }

    /** The user's state, {@link UserState#EMPTY} when none is stored. */
    UserState get(final String userKey) {
        final UserState state = states.get(userKey);
        return state == null ? UserState.EMPTY : state;
    }

    /**
     * Stores {@code next}, or deletes the user when it is empty; indexes its next deadline unless
     * {@code previous} (the state read before the decision) already had the same one indexed.
     */
    void put(final String userKey, final UserState previous, final UserState next) {
        if (next.isEmpty()) {
            states.delete(userKey);
            return;
        }
        states.put(userKey, next);
        final long deadline = next.nextDeadlineMs(rules);
        if (deadline != Long.MAX_VALUE && (previous.isEmpty() || previous.nextDeadlineMs(rules) != deadline)) {
            index.put(ExpiryIndex.key(deadline, ExpiryIndex.USER, userKey), "");
        }
    }

    /** Stores {@code next} after the sweep took the user's index entry: its next deadline is indexed again. */
    void reindex(final String userKey, final UserState next) {
        put(userKey, UserState.EMPTY, next);
    }

    /** The live record of an idempotency key at {@code nowMs} (epoch milliseconds), or {@code null}. */
    IdempotencyRecord recall(final String userKey, final String key, final long nowMs) {
        final IdempotencyRecord record = idempotency.get(ExpiryIndex.idempotencyKey(userKey, key));
        return record == null || record.expiresAtMs() <= nowMs ? null : record;
    }

    /** Remembers the first decision for an idempotency key until {@code record.expiresAtMs()}. */
    void remember(final String userKey, final String key, final IdempotencyRecord record) {
        final String storeKey = ExpiryIndex.idempotencyKey(userKey, key);
        idempotency.put(storeKey, record);
        index.put(ExpiryIndex.key(record.expiresAtMs(), ExpiryIndex.IDEMPOTENCY, storeKey), "");
    }

    /** Removes and returns the index keys due at or before {@code nowMs} (epoch milliseconds), oldest first. */
    List<String> takeDue(final long nowMs) {
        final List<String> due = new ArrayList<>();
        try (KeyValueIterator<String, String> it = index.range(ExpiryIndex.lowest(), ExpiryIndex.highestDueAt(nowMs))) {
            it.forEachRemaining(kv -> due.add(kv.key));
        }
        due.forEach(index::delete);
        return due;
    }

    /** Deletes an idempotency record if it has lapsed at {@code nowMs}. */
    void forgetIfLapsed(final String storeKey, final long nowMs) {
        final IdempotencyRecord record = idempotency.get(storeKey);
        if (record != null && record.expiresAtMs() <= nowMs) {
            idempotency.delete(storeKey);
        }
    }
}
