package io.otppipeline.processor.domain;

import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.LockoutEndedData;
import io.otppipeline.schemas.event.LockoutStartedData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A user's lockout record and its rule, kept across code regeneration (the old row-lock design reset attempts
 * when a new code was issued; this record does not belong to any code). Every transition of the lockout and
 * its events live here: a failure that fills the window starts a lockout ({@code otp.lockout.started}); time
 * ends it ({@code otp.lockout.ended}, reason {@code expired}); an administrator lifts it
 * ({@code otp.user.unlocked}, and {@code otp.lockout.ended} with reason {@code unlocked}). Limits in
 * {@link LockoutRules}. A user has one record for the whole user and, under {@code otp.lockout.scope=user_ip},
 * one more per address that failed ({@link UserState#addressLockouts()}); the events of an address's record name
 * the address.
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

    /** Milliseconds until the running lockout ends at {@code nowMs}; 0 when none runs. */
    long remainingMs(final long nowMs) {
        return Math.max(0, lockedUntilMs - nowMs);
    }

    /**
     * This record at the decision time: failures older than the window forgotten, an elapsed lockout ended
     * ({@code otp.lockout.ended}, event time = when it ended), the level reset after
     * {@link LockoutRules#decaySeconds()} without failures. Monotone in time, like {@link UserState#settle}.
     *
     * @param address the address key of a record for one address, or {@code null} for the whole user
     */
    Lockout settle(final DecisionContext ctx, final LockoutRules rules, final String address) {
        final long nowMs = ctx.nowMs();
        if (lockedUntilMs > 0 && !lockedAt(nowMs)) {
            ctx.emitFact(EventTypes.LOCKOUT_ENDED, "lockout-ended " + (address == null ? "" : address + " ")
                    + lockedUntilMs, lockedUntilMs, new LockoutEndedData(level, "expired", address));
        }
        final List<Long> recent = failuresMs.stream().filter(t -> t > nowMs - rules.windowMs()).toList();
        final long until = lockedAt(nowMs) ? lockedUntilMs : 0;
        final boolean decayed = until == 0 && level > 0 && nowMs - lastFailureMs >= rules.decayMs();
        final Lockout settled = new Lockout(recent, decayed ? 0 : level, until, decayed ? 0 : lastFailureMs);
        // an empty record is NONE, byte for byte, whether a sweep deleted it or a command settled it
        return settled.isEmpty() ? NONE : settled;
    }

    /**
     * One more failed verification at the decision time; when the window is full the user is locked for
     * base × 2^level (capped) and {@code otp.lockout.started} is emitted.
     *
     * @param address the address key of a record for one address, or {@code null} for the whole user
     */
    Lockout recordFailure(final DecisionContext ctx, final LockoutRules rules, final String address) {
        final long nowMs = ctx.nowMs();
        final List<Long> failures = new ArrayList<>(failuresMs);
        failures.add(nowMs);
        if (failures.size() < rules.maxFailures()) {
            return new Lockout(failures, level, lockedUntilMs, nowMs);
        }
        final Lockout locked = new Lockout(List.of(), level + 1, nowMs + rules.lockMs(level + 1), nowMs);
        final long lockMs = locked.lockedUntilMs() - nowMs;
        ctx.emit(EventTypes.LOCKOUT_STARTED, new LockoutStartedData(ctx.commandId(), locked.level(), lockMs / 1000,
                Instant.ofEpochMilli(locked.lockedUntilMs()), rules.maxFailures(), ctx.client(), address));
        return locked;
    }

    /** After a successful verification: the failure window restarts, the level stays. */
    Lockout withSuccess() {
        return new Lockout(List.of(), level, lockedUntilMs, lastFailureMs);
    }

    /**
     * An administrator lifts this record: no lockout, an empty failure window, the level kept until it decays.
     * Emits {@code otp.lockout.ended} (reason {@code unlocked}) if a lockout ran. The caller emits
     * {@code otp.user.unlocked} first ({@link UserState#unlock}).
     *
     * @param address the address key of a record for one address, or {@code null} for the whole user
     */
    Lockout lift(final DecisionContext ctx, final String address) {
        if (lockedAt(ctx.nowMs())) {
            ctx.emit(EventTypes.LOCKOUT_ENDED, new LockoutEndedData(level, "unlocked", address));
        }
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
