package io.otppipeline.processor;

import io.otppipeline.schemas.command.OtpConsumeRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.event.ConsumeCompletedData;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.LockoutStartedData;
import io.otppipeline.schemas.event.VerificationCompletedData;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.time.Instant;
import java.util.Map;

/**
 * Verification and consume decisions (ARCHITECTURE section 5).
 *
 * <ul>
 *   <li>While the user is locked every verification answers {@code locked} with the remaining seconds and
 *       is not compared or counted.</li>
 *   <li>A wrong code counts against the code ({@link PurposeRules#maxFailedAttempts()}, then the code is dead
 *       and answers {@code max_attempts} even for the right code) and against the user
 *       ({@link LockoutRules}: the failure that fills the window starts a lockout).</li>
 *   <li>The right code answers {@code approved}, restarts the user's failure window (not the lockout
 *       level) and removes the code; for a two-phase purpose the code stays, reserved, until one consume,
 *       and accepts no further verification.</li>
 * </ul>
 */
final class Verification {

    private final OtpRules rules;
    private final Mac pepper;

    Verification(final OtpRules rules, final Mac pepper) {
        this.rules = rules;
        this.pepper = pepper;
    }

    /**
     * @param typed the code the user typed, already opened
     * @param nowMs wall-clock time, epoch milliseconds
     */
    Decision verify(final UserState state, final OtpVerifyAttempted command, final String typed,
                    final UserEvents events, final long nowMs) {
        final String purpose = command.purpose();
        final PendingOtp otp = state.pending().get(purpose);
        if (state.lockout().lockedAt(nowMs)) {
            return outcome(state, command, events, otp, ReplyStatus.LOCKED,
                    SendLimits.seconds(state.lockout().lockedUntilMs() - nowMs));
        }
        if (otp == null || otp.approved() || (command.otpId() != null && !command.otpId().equals(otp.otpId()))) {
            return outcome(state, command, events, null, ReplyStatus.NOT_FOUND, null);
        }
        if (otp.expiredAt(nowMs)) {
            return outcome(state.without(purpose), command, events, otp, ReplyStatus.EXPIRED, null);
        }
        final PurposeRules purposeRules = rules.forPurpose(purpose);
        if (otp.failedAttempts() >= purposeRules.maxFailedAttempts()) {
            return outcome(state, command, events, otp, ReplyStatus.MAX_ATTEMPTS, null);
        }
        if (pepper.verify(otp.macKid(), otp.codeMac(), otp.otpId(), typed)) {
            final UserState kept = purposeRules.twoPhase()
                    ? state.withPending(purpose, otp.asApproved()) : state.without(purpose);
            return outcome(kept.withLockout(state.lockout().withSuccess()), command, events, otp,
                    ReplyStatus.APPROVED, null);
        }
        return failed(state, command, events, otp.withFailedAttempt(), nowMs);
    }

    private Decision failed(final UserState state, final OtpVerifyAttempted command, final UserEvents events,
                            final PendingOtp failed, final long nowMs) {
        final ReplyStatus status = failed.failedAttempts() >= rules.forPurpose(command.purpose()).maxFailedAttempts()
                ? ReplyStatus.MAX_ATTEMPTS : ReplyStatus.DENIED;
        final Lockout lockout = state.lockout().withFailure(nowMs, rules.lockout());
        final UserState next = state.withPending(command.purpose(), failed).withLockout(lockout);
        if (!lockout.lockedAt(nowMs)) {
            return outcome(next, command, events, failed, status, null);
        }
        final long lockMs = lockout.lockedUntilMs() - nowMs;
        final OtpReply reply = record(next, command, events, failed, status, SendLimits.seconds(lockMs));
        events.add(EventTypes.LOCKOUT_STARTED, new LockoutStartedData(command.commandId(), lockout.level(),
                lockMs / 1000, Instant.ofEpochMilli(lockout.lockedUntilMs()), rules.lockout().maxFailures(),
                command.client()));
        return new Decision(next, reply, events.list(), null);
    }

    private Decision outcome(final UserState next, final OtpVerifyAttempted command, final UserEvents events,
                             final PendingOtp otp, final ReplyStatus status, final Long retryAfterSeconds) {
        return new Decision(next, record(next, command, events, otp, status, retryAfterSeconds), events.list(), null);
    }

    /** Adds the {@code otp.verification.completed} event and returns the reply. */
    private OtpReply record(final UserState next, final OtpVerifyAttempted command, final UserEvents events,
                            final PendingOtp otp, final ReplyStatus status, final Long retryAfterSeconds) {
        // a failure that starts a lockout empties the window: report the count that triggered it
        final String otpId = otp == null ? null : otp.otpId();
        final Integer failed = otp == null ? null : otp.failedAttempts();
        final Integer remaining = otp == null || status == ReplyStatus.APPROVED || status == ReplyStatus.EXPIRED
                ? null : Math.max(0, rules.forPurpose(command.purpose()).maxFailedAttempts() - otp.failedAttempts());
        final int userFailures = retryAfterSeconds != null && status != ReplyStatus.LOCKED
                ? rules.lockout().maxFailures() : next.lockout().failuresMs().size();
        events.add(EventTypes.VERIFICATION_COMPLETED, new VerificationCompletedData(otpId, command.commandId(),
                command.purpose(), status.wireName(), failed, remaining, userFailures, retryAfterSeconds,
                command.client()));
        return new OtpReply(command.commandId(), status, otpId, null, null, null, remaining, retryAfterSeconds);
    }

    /** The second phase: consumes an approved code of a two-phase purpose once; anything else is a conflict. */
    Decision consume(final UserState state, final OtpConsumeRequested command, final UserEvents events) {
        for (Map.Entry<String, PendingOtp> e : state.pending().entrySet()) {
            if (e.getValue().otpId().equals(command.otpId())) {
                return consume(state, command, events, e.getKey(), e.getValue());
            }
        }
        return consumed(state, command, events, null, "not_found");
    }

    private Decision consume(final UserState state, final OtpConsumeRequested command, final UserEvents events,
                             final String purpose, final PendingOtp otp) {
        final long nowMs = events.timeMs();
        if (otp.expiredAt(nowMs)) {
            return consumed(state, command, events, purpose, "not_found");
        }
        if (!rules.forPurpose(purpose).twoPhase()) {
            return consumed(state, command, events, purpose, "not_two_phase");
        }
        if (!otp.approved()) {
            return consumed(state, command, events, purpose, "not_approved");
        }
        return consumed(state.without(purpose), command, events, purpose, null);
    }

    private static Decision consumed(final UserState next, final OtpConsumeRequested command, final UserEvents events,
                                     final String purpose, final String conflict) {
        events.add(EventTypes.CONSUME_COMPLETED, new ConsumeCompletedData(command.otpId(), command.commandId(),
                purpose, conflict == null ? "consumed" : "conflict", conflict, command.client()));
        final OtpReply reply = new OtpReply(command.commandId(),
                conflict == null ? ReplyStatus.CONSUMED : ReplyStatus.CONFLICT,
                command.otpId(), null, null, null, null, null);
        return new Decision(next, reply, events.list(), null);
    }
}
