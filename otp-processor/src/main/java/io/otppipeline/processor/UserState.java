package io.otppipeline.processor;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the processor knows about one user ({@code tenantId:userId}), the value of the
 * {@link OtpTopology#USER_STATE_STORE} state store. JSON in the changelog; never a code or a raw
 * destination. Lockout and rate windows join this record with the per-user rules issue.
 *
 * @param pending the live code per purpose (a new code for a purpose replaces the old one)
 */
public record UserState(Map<String, PendingOtp> pending) {

    /** A state with no codes. */
    public static final UserState EMPTY = new UserState(Map.of());

    /** Defensive copy. */
    public UserState {
        pending = pending == null ? Map.of() : Map.copyOf(pending);
    }

    /** The state with {@code otp} as the live code of {@code purpose}. */
    public UserState withPending(final String purpose, final PendingOtp otp) {
        final Map<String, PendingOtp> next = new HashMap<>(pending);
        next.put(purpose, otp);
        return new UserState(next);
    }

    /** The state without a code for {@code purpose}. */
    public UserState without(final String purpose) {
        final Map<String, PendingOtp> next = new HashMap<>(pending);
        next.remove(purpose);
        return new UserState(next);
    }

    /** Whether nothing in this state is worth keeping (then the store entry is deleted). */
    @JsonIgnore
    public boolean isEmpty() {
        return pending.isEmpty();
    }
}
