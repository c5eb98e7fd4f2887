package io.otppipeline.processor;

import java.util.ArrayList;
import java.util.List;

/**
 * A user's lockout record, kept across code regeneration (the old row-lock design reset attempts when a new
 * code was issued; this record does not belong to any code). Rules in {@link LockoutRules}.
 *
 * @param failuresMs times of failed verifications inside the failure window, epoch milliseconds, oldest first
 * @param level lockouts in a row so far (0 = never or decayed); the next lockout lasts base × 2^level
 * @param lockedUntilMs end of the running lockout, epoch milliseconds; 0 when none is running
 * @param lastFailureMs time of the last failed verification, epoch milliseconds; 0 when none
 */
public record Lockout(List<Long> failuresMs, int level, long lockedUntilMs, long lastFailureMs) {

    /** No failures, no lockout. */
    public static final Lockout NONE = new Lockout(List.of(), 0, 0, 0);

    /** Defensive copy. */
    public Lockout {
        failuresMs = failuresMs == null ? List.of() : List.copyOf(failuresMs);
    }

    /** Whether a lockout runs at {@code nowMs}. */
    public boolean lockedAt(final long nowMs) {
        return lockedUntilMs > nowMs;
    }

    /**
     * This record at {@code nowMs}: failures older than the window forgotten, an elapsed lockout cleared, the
     * level reset after {@link LockoutRules#decaySeconds()} without failures.
     */
    Lockout settle(final long nowMs, final LockoutRules rules) {
        final List<Long> recent = failuresMs.stream().filter(t -> t > nowMs - rules.windowMs()).toList();
        final long until = lockedUntilMs > nowMs ? lockedUntilMs : 0;
        final boolean decayed = until == 0 && level > 0 && nowMs - lastFailureMs >= rules.decayMs();
        return new Lockout(recent, decayed ? 0 : level, until, decayed ? 0 : lastFailureMs);
    }

    /** This record with one more failure at {@code nowMs}; locks (level + 1) when the window is full. */
    Lockout withFailure(final long nowMs, final LockoutRules rules) {
        final List<Long> failures = new ArrayList<>(failuresMs);
        failures.add(nowMs);
        if (failures.size() < rules.maxFailures()) {
            return new Lockout(failures, level, lockedUntilMs, nowMs);
        }
        return new Lockout(List.of(), level + 1, nowMs + rules.lockMs(level + 1), nowMs);
    }

    /** After a successful verification: the failure window restarts, the level stays. */
    Lockout withSuccess() {
        return new Lockout(List.of(), level, lockedUntilMs, lastFailureMs);
    }

    /** After an admin unlock: no lockout, an empty failure window, the level kept until it decays. */
    Lockout unlocked() {
        return new Lockout(List.of(), level, 0, lastFailureMs);
    }

    /** Whether this record holds nothing worth keeping. */
    boolean isEmpty() {
        return failuresMs.isEmpty() && level == 0 && lockedUntilMs == 0;
    }

    /** The next time this record changes on its own (epoch milliseconds), or {@link Long#MAX_VALUE}. */
    long nextDeadlineMs(final LockoutRules rules) {
        long next = Long.MAX_VALUE;
        if (lockedUntilMs > 0) {
            next = lockedUntilMs;
        }
        if (!failuresMs.isEmpty()) {
            next = Math.min(next, failuresMs.get(0) + rules.windowMs());
        }
        if (level > 0) {
            next = Math.min(next, Math.max(lockedUntilMs, lastFailureMs + rules.decayMs()));
        }
        return next;
    }
}
