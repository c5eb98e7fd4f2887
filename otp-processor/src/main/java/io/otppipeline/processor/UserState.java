package io.otppipeline.processor;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the processor knows about one user ({@code tenantId:userId}), the value of the
 * {@link OtpTopology#USER_STATE_STORE} state store. JSON in the changelog; never a code or a raw
 * destination.
 *
 * @param pending the live code per purpose (a new code for a purpose replaces the old one)
 * @param sends codes sent inside the longest send window or cooldown, oldest first
 * @param lockout failures and lockout across all codes (survives code regeneration)
 */
public record UserState(Map<String, PendingOtp> pending, List<SendRecord> sends, Lockout lockout) {

    /** A state with nothing in it. */
    public static final UserState EMPTY = new UserState(Map.of(), List.of(), Lockout.NONE);

    /** Defensive copies; {@code null} fields (older changelog records) read as empty. */
    public UserState {
        pending = pending == null ? Map.of() : Map.copyOf(pending);
        sends = sends == null ? List.of() : List.copyOf(sends);
        lockout = lockout == null ? Lockout.NONE : lockout;
    }

    /** The state with {@code otp} as the live code of {@code purpose}. */
    public UserState withPending(final String purpose, final PendingOtp otp) {
        final Map<String, PendingOtp> next = new HashMap<>(pending);
        next.put(purpose, otp);
        return new UserState(next, sends, lockout);
    }

    /** The state without a code for {@code purpose}. */
    public UserState without(final String purpose) {
        final Map<String, PendingOtp> next = new HashMap<>(pending);
        next.remove(purpose);
        return new UserState(next, sends, lockout);
    }

    /** The state with one more send. */
    public UserState withSend(final SendRecord send) {
        final List<SendRecord> next = new ArrayList<>(sends);
        next.add(send);
        return new UserState(pending, next, lockout);
    }

    /** The state with another lockout record. */
    public UserState withLockout(final Lockout next) {
        return new UserState(pending, sends, next);
    }

    /** The state at {@code nowMs}: old sends forgotten and the lockout settled (codes are left to the sweep). */
    UserState settle(final long nowMs, final OtpRules rules) {
        final long horizon = nowMs - rules.sendMemoryMs();
        return new UserState(pending, sends.stream().filter(s -> s.atMs() > horizon).toList(),
                lockout.settle(nowMs, rules.lockout()));
    }

    /** The next time this state changes on its own (epoch milliseconds), or {@link Long#MAX_VALUE}. */
    long nextDeadlineMs(final OtpRules rules) {
        long next = lockout.nextDeadlineMs(rules.lockout());
        for (PendingOtp otp : pending.values()) {
            next = Math.min(next, otp.expiresAtMs());
        }
        if (!sends.isEmpty()) {
            next = Math.min(next, sends.get(0).atMs() + rules.sendMemoryMs());
        }
        return next;
    }

    /** Whether nothing in this state is worth keeping (then the store entry is deleted). */
    @JsonIgnore
    public boolean isEmpty() {
        return pending.isEmpty() && sends.isEmpty() && lockout.isEmpty();
    }
}
