package io.otppipeline.processor.domain;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.FactorDeletedData;
import io.otppipeline.schemas.event.OtpExpiredData;
import io.otppipeline.schemas.event.UserUnlockedData;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the processor knows about one user ({@code tenantId:userId}), the value of the user state store.
 * JSON in the changelog; never a code or a raw destination. Codes are kept in purpose order (a sorted map), so
 * that iterating them, and the JSON written, never depend on hash order.
 *
 * @param pending the current code per purpose (a new code for a purpose replaces the old one), sorted by purpose
 * @param sends codes sent inside the longest send window or cooldown, oldest first
 * @param lockout failures and lockout across all codes (survives code regeneration)
 * @param addressLockouts under {@code otp.lockout.scope=user_ip}: failures and lockout per address key the
 *     failures came from, sorted by address; empty under scope {@code user}
 * @param factors authenticator factors by factor id, sorted ({@link Factor}: secrets sealed)
 * @param contact where the last code went, sealed, for a lockout notice ({@link Contact}); kept only for tenants
 *     with lockout notices on ({@code otp.lockout.notice.tenants}), else {@code null}. It does not keep a state
 *     alive: a state with nothing else in it is deleted with it
 */
public record UserState(Map<String, PendingOtp> pending, List<SendRecord> sends, Lockout lockout,
                        Map<String, Lockout> addressLockouts, Map<String, Factor> factors, Contact contact) {

    /** A state with nothing in it. */
    public static final UserState EMPTY = new UserState(Map.of(), List.of(), Lockout.NONE, Map.of(), Map.of(), null);

    /** Defensive copies; {@code null} fields (older changelog records) read as empty. */
    public UserState {
        pending = pending == null ? Collections.emptySortedMap()
                : Collections.unmodifiableSortedMap(new TreeMap<>(pending));
        sends = sends == null ? List.of() : List.copyOf(sends);
        lockout = lockout == null ? Lockout.NONE : lockout;
        addressLockouts = addressLockouts == null ? Collections.emptySortedMap()
                : Collections.unmodifiableSortedMap(new TreeMap<>(addressLockouts));
        factors = factors == null ? Collections.emptySortedMap()
                : Collections.unmodifiableSortedMap(new TreeMap<>(factors));
    }

    /** The state with {@code factor} as factor {@code factorId}. */
    UserState withFactor(final String factorId, final Factor factor) {
        final Map<String, Factor> next = new TreeMap<>(factors);
        next.put(factorId, factor);
        return new UserState(pending, sends, lockout, addressLockouts, next, contact);
    }

    /** The state without factor {@code factorId}. */
    UserState withoutFactor(final String factorId) {
        final Map<String, Factor> next = new TreeMap<>(factors);
        next.remove(factorId);
        return new UserState(pending, sends, lockout, addressLockouts, next, contact);
    }

    /**
     * The state after one failed verification from a client at {@code address} (any kind of code): counted
     * against the whole user (under scope {@code user_ip} with the higher user-wide threshold) and, under scope
     * {@code user_ip}, against the address; either may start a lockout ({@code otp.lockout.started}).
     *
     * @param address the client's address key, or {@code null} under scope {@code user}
     */
    UserState withFailure(final DecisionContext ctx, final LockoutRules rules, final String address) {
        UserState next = withLockout(lockout.recordFailure(ctx, rules.userWide(), null));
        if (address != null) {
            next = next.withAddressLockout(address, addressLockout(address).recordFailure(ctx, rules, address));
        }
        return next;
    }

    /** The state after a successful verification from {@code address}: the failure windows restart. */
    UserState withSuccess(final String address) {
        final UserState next = withLockout(lockout.withSuccess());
        return address == null ? next : next.withAddressLockout(address, addressLockout(address).withSuccess());
    }

    /** The lockout record of {@code address} ({@link Lockout#NONE} if it has none). */
    Lockout addressLockout(final String address) {
        return addressLockouts.getOrDefault(address, Lockout.NONE);
    }

    /** The state with {@code next} as the record of {@code address}; an empty record is dropped. */
    UserState withAddressLockout(final String address, final Lockout next) {
        final Map<String, Lockout> all = new TreeMap<>(addressLockouts);
        if (next.isEmpty()) {
            all.remove(address);
        } else {
            all.put(address, next);
        }
        return new UserState(pending, sends, lockout, all, factors, contact);
    }

    /**
     * Whether a client at {@code address} is locked out at {@code nowMs}: the whole user is, or (scope
     * {@code user_ip}) that address is.
     *
     * @param address the client's address key, or {@code null} under scope {@code user}
     */
    boolean lockedAt(final String address, final long nowMs) {
        return lockout.lockedAt(nowMs) || (address != null && addressLockout(address).lockedAt(nowMs));
    }

    /** Milliseconds until neither the user's nor {@code address}'s lockout holds (0 if none does). */
    long lockRemainingMs(final String address, final long nowMs) {
        return Math.max(lockout.remainingMs(nowMs), address == null ? 0 : addressLockout(address).remainingMs(nowMs));
    }

    /** The state with {@code otp} as the code of {@code purpose}. */
    public UserState withPending(final String purpose, final PendingOtp otp) {
        final Map<String, PendingOtp> next = new TreeMap<>(pending);
        next.put(purpose, otp);
        return new UserState(next, sends, lockout, addressLockouts, factors, contact);
    }

    /** The state without a code for {@code purpose}. */
    public UserState without(final String purpose) {
        final Map<String, PendingOtp> next = new TreeMap<>(pending);
        next.remove(purpose);
        return new UserState(next, sends, lockout, addressLockouts, factors, contact);
    }

    /** The state with one more send. */
    UserState withSend(final SendRecord send) {
        final List<SendRecord> next = new ArrayList<>(sends);
        next.add(send);
        return new UserState(pending, next, lockout, addressLockouts, factors, contact);
    }

    /** The state remembering {@code next} as where the last code went. */
    UserState withContact(final Contact next) {
        return new UserState(pending, sends, lockout, addressLockouts, factors, next);
    }

    /** The state with another lockout record. */
    UserState withLockout(final Lockout next) {
        return new UserState(pending, sends, next, addressLockouts, factors, contact);
    }

    /**
     * An administrator's unlock: emits {@code otp.user.unlocked} ({@code wasLocked} if the user or any address was
     * locked), then lifts the user's record and every address's ({@link Lockout#lift}: {@code otp.lockout.ended},
     * reason {@code unlocked}, for each lockout that ran). Levels stay until they decay.
     *
     * @param actor id of the admin API key
     */
    UserState unlock(final DecisionContext ctx, final String actor) {
        final long nowMs = ctx.nowMs();
        final boolean wasLocked = lockout.lockedAt(nowMs)
                || addressLockouts.values().stream().anyMatch(l -> l.lockedAt(nowMs));
        ctx.emit(EventTypes.USER_UNLOCKED, new UserUnlockedData(ctx.commandId(), actor, wasLocked, lockout.level(),
                ctx.client()));
        final Map<String, Lockout> lifted = new TreeMap<>();
        final Lockout user = lockout.lift(ctx, null);
        for (Map.Entry<String, Lockout> e : addressLockouts.entrySet()) {
            final Lockout next = e.getValue().lift(ctx, e.getKey());
            if (!next.isEmpty()) {
                lifted.put(e.getKey(), next);
            }
        }
        return new UserState(pending, sends, user, lifted, factors, contact);
    }

    /**
     * The state as of the decision time: the one place where time passes for a user. A code whose lifetime has
     * passed is marked expired and {@code otp.expired} is emitted (event time: the moment it expired); an expired
     * code is forgotten one lifetime later; sends leave their windows; the lockout settles
     * ({@link Lockout#settle}).
     *
     * <p>Settling is monotone: settling at t1 and then at t2 ≥ t1 gives the state and the events of settling
     * at t2 once. So the expiry sweep, which settles users whose deadline has come, can never change an
     * answer: a command settles the state at its own time first, whether or not the sweep got there before it.
     * A settled state with nothing live is {@link #EMPTY} (the last destination forgotten), as the sweep leaves it:
     * deleted.
     */
    UserState settle(final DecisionContext ctx, final OtpRules rules) {
        final long nowMs = ctx.nowMs();
        final Map<String, PendingOtp> codes = new TreeMap<>();
        for (Map.Entry<String, PendingOtp> e : pending.entrySet()) {
            PendingOtp otp = e.getValue();
            if (!otp.expired() && otp.expiredAt(nowMs)) {
                ctx.emitFact(EventTypes.OTP_EXPIRED, "expired " + otp.otpId(), otp.expiresAtMs(),
                        new OtpExpiredData(otp.otpId(), e.getKey(), otp.channel().wireName(), otp.failedAttempts(),
                                otp.approved(), Instant.ofEpochMilli(otp.expiresAtMs())));
                otp = otp.asExpired();
            }
            if (!otp.expired() || nowMs < otp.forgottenAtMs()) {
                codes.put(e.getKey(), otp);
            }
        }
        final long horizon = nowMs - rules.sendMemoryMs();
        final Map<String, Lockout> byAddress = new TreeMap<>();
        for (Map.Entry<String, Lockout> e : addressLockouts.entrySet()) {
            final Lockout settled = e.getValue().settle(ctx, rules.lockout(), e.getKey());
            if (!settled.isEmpty()) {
                byAddress.put(e.getKey(), settled);
            }
        }
        final Map<String, Factor> kept = new TreeMap<>();
        for (Map.Entry<String, Factor> e : factors.entrySet()) {
            final long lapsesAt = e.getValue().enrolledAtMs() + rules.factors().enrolmentMs();
            if (!e.getValue().active() && nowMs >= lapsesAt) {
                ctx.emitFact(EventTypes.FACTOR_DELETED, "factor-lapsed " + e.getKey(), lapsesAt,
                        new FactorDeletedData(e.getKey(), null, "enrolment_expired"));
            } else {
                kept.put(e.getKey(), e.getValue());
            }
        }
        final UserState settled = new UserState(codes, sends.stream().filter(s -> s.atMs() > horizon).toList(),
                lockout.settle(ctx, rules.lockout().userWide(), null), byAddress, kept, contact);
        // nothing left but the last destination: the store deletes such a state (UserStates.put), so the sweep
        // forgets the destination too; a decision must see the same, or a sweep tick would decide a lockout notice
        return settled.isEmpty() ? EMPTY : settled;
    }

    /** The next time this state changes on its own (epoch milliseconds), or {@link Long#MAX_VALUE}. */
    public long nextDeadlineMs(final OtpRules rules) {
        long next = lockout.nextDeadlineMs(rules.lockout());
        for (Lockout byAddress : addressLockouts.values()) {
            next = Math.min(next, byAddress.nextDeadlineMs(rules.lockout()));
        }
        for (Factor factor : factors.values()) {
            if (!factor.active()) {
                next = Math.min(next, factor.enrolledAtMs() + rules.factors().enrolmentMs());
            }
        }
        for (PendingOtp otp : pending.values()) {
            next = Math.min(next, otp.expired() ? otp.forgottenAtMs() : otp.expiresAtMs());
        }
        if (!sends.isEmpty()) {
            next = Math.min(next, sends.get(0).atMs() + rules.sendMemoryMs());
        }
        return next;
    }

    /** Whether nothing in this state is worth keeping (then the store entry is deleted). */
    @JsonIgnore
    public boolean isEmpty() {
        return pending.isEmpty() && sends.isEmpty() && lockout.isEmpty() && addressLockouts.isEmpty()
                && factors.isEmpty();
    }
}
