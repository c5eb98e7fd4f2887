package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.DeliveryReported;
import io.otppipeline.schemas.command.OtpCancelRequested;
import io.otppipeline.schemas.command.OtpConsumeRequested;
import io.otppipeline.schemas.command.OtpStatusRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.event.ConsumeCompletedData;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.OtpCanceledData;
import io.otppipeline.schemas.event.VerificationCompletedData;
import io.otppipeline.schemas.gate.GateVerified;
import io.otppipeline.schemas.reply.CancelReply;
import io.otppipeline.schemas.reply.ConsumeReply;
import io.otppipeline.schemas.reply.OtpStatusReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import io.otppipeline.schemas.reply.VerifyReply;
import java.time.Instant;
import java.util.Map;

/**
 * The verification and consume rules (docs/ARCHITECTURE.md section 5).
 *
 * <ul>
 *   <li>While the user is locked every verification answers {@code locked} with the remaining seconds and
 *       is not compared or counted.</li>
 *   <li>A code whose lifetime has passed answers {@code expired} until it is forgotten
 *       ({@link UserState#settle}), then {@code not_found}.</li>
 *   <li>A wrong code counts against the code ({@link PurposeRules#maxFailedAttempts()}, then the code is dead
 *       and answers {@code max_attempts} even for the right code) and against the user
 *       ({@link Lockout#recordFailure}).</li>
 *   <li>The right code answers {@code approved}, restarts the user's failure window (not the lockout
 *       level) and removes the code; for a two-phase purpose the code stays, reserved, until one consume,
 *       and accepts no further verification.</li>
 *   <li>A repeated {@code Idempotency-Key} replays a verification's answer no longer than the code it
 *       verified lives ({@link Decision#replayUntilMs()}): a replayed {@code approved} cannot outlive the code.</li>
 * </ul>
 */
final class Verification {

    private final OtpRules rules;
    private final DecisionKeys keys;

    Verification(final OtpRules rules, final DecisionKeys keys) {
        this.rules = rules;
        this.keys = keys;
    }

    /**
     * @param state the user's state, settled at the decision time
     * @param typed the code the user typed, already opened
     */
    Decision verify(final UserState state, final OtpVerifyAttempted command, final String typed,
                    final DecisionContext ctx) {
        final long nowMs = ctx.nowMs();
        final String purpose = command.purpose();
        final PurposeRules purposeRules = rules.forPurpose(purpose);
        final PendingOtp entry = state.pending().get(purpose);
        final PendingOtp otp = entry == null || entry.isLink() ? null : entry; // a link is not verified by a code
        final Attempt attempt = new Attempt(command, ctx, Math.min(nowMs + rules.idempotencyTtlMs(),
                otp == null ? nowMs + purposeRules.lifetimeMs() : otp.expiresAtMs()));
        if (typed.length() != purposeRules.codeDigits()) { // seed 001: strict length; nothing compared or counted
            return attempt.answer(state, null, ReplyStatus.MALFORMED, null);
        }
        final String address = rules.lockout().addressKey(command.client());
        final Admission admission = Admission.check(state, command.ipVerdict(), command.captcha(), rules.lockout(),
                address, nowMs);
        if (!admission.admitted()) { // counted nowhere; an address refusal names no code: nothing was checked
            return attempt.answer(state, admission.byUser() ? otp : null, admission.status(),
                    admission.status() == ReplyStatus.CHALLENGE_REQUIRED ? null : admission.waitSeconds());
        }
        if (otp == null || otp.approved() || (command.otpId() != null && !command.otpId().equals(otp.otpId()))) {
            return attempt.answer(state, null, ReplyStatus.NOT_FOUND, null);
        }
        if (otp.expired()) {
            return attempt.answer(state, otp, ReplyStatus.EXPIRED, null);
        }
        if (otp.failedAttempts() >= purposeRules.maxFailedAttempts()) {
            return attempt.answer(state, otp, ReplyStatus.MAX_ATTEMPTS, null);
        }
        if (keys.pepper().verify(otp.macKid(), otp.codeMac(), otp.otpId(), typed)) {
            final UserState kept = purposeRules.twoPhase()
                    ? state.withPending(purpose, otp.asApproved()) : state.without(purpose);
            return attempt.answer(kept.withSuccess(address), otp, ReplyStatus.APPROVED, null);
        }
        final PendingOtp failed = otp.withFailedAttempt();
        final ReplyStatus status = failed.failedAttempts() >= purposeRules.maxFailedAttempts()
                ? ReplyStatus.MAX_ATTEMPTS : ReplyStatus.DENIED;
        final UserState next = state.withPending(purpose, failed).withFailure(ctx, rules.lockout(), address);
        final Long lockedFor = next.lockedAt(address, nowMs)
                ? SendLimits.seconds(next.lockRemainingMs(address, nowMs)) : null;
        // a failure that starts a lockout empties the window: the event reports the count that tipped it
        return attempt.answer(next, failed, status, lockedFor, state.lockout().failuresMs().size() + 1, true);
    }

    /**
     * One verification being answered: the command, its context and until when its answer may be replayed
     * (epoch milliseconds: no longer than the code it concerned lives).
     */
    private final class Attempt {

        private final OtpVerifyAttempted command;
        private final DecisionContext ctx;
        private final long replayUntilMs;

        Attempt(final OtpVerifyAttempted command, final DecisionContext ctx, final long replayUntilMs) {
            this.command = command;
            this.ctx = ctx;
            this.replayUntilMs = replayUntilMs;
        }

        Decision answer(final UserState next, final PendingOtp otp, final ReplyStatus status,
                        final Long retryAfterSeconds) {
            return answer(next, otp, status, retryAfterSeconds, next.lockout().failuresMs().size(),
                    status == ReplyStatus.APPROVED);
        }

        /**
         * Emits {@code otp.verification.completed} and answers.
         *
         * @param compared whether the typed code was compared with the code (event field {@code compared})
         */
        Decision answer(final UserState next, final PendingOtp otp, final ReplyStatus status,
                        final Long retryAfterSeconds, final int userFailures, final boolean compared) {
            final String otpId = otp == null ? null : otp.otpId();
            final Integer failed = otp == null ? null : otp.failedAttempts();
            final Integer remaining = otp == null || status == ReplyStatus.APPROVED || status == ReplyStatus.EXPIRED
                    ? null : Math.max(0, rules.forPurpose(command.purpose()).maxFailedAttempts() - otp.failedAttempts());
            ctx.emit(EventTypes.VERIFICATION_COMPLETED, new VerificationCompletedData(otpId, command.commandId(),
                    command.purpose(), status.wireName(), failed, remaining, userFailures, retryAfterSeconds,
                    command.client(), otp == null ? null : otp.channel().wireName(),
                    otp == null ? null : Math.max(0, ctx.nowMs() - otp.issuedAtMs()), compared ? Boolean.TRUE : null));
            final GateVerified converted = status == ReplyStatus.APPROVED && otp.callingCode() > 0
                    ? new GateVerified(ctx.tenantId(), otpId, otp.callingCode(), otp.issuedAtMs(),
                    otp.destinationHash()) : null;
            final boolean challenge = status != ReplyStatus.APPROVED
                    && Challenge.required(next, command.ipVerdict(), rules.lockout(),
                    rules.lockout().addressKey(command.client()), ctx.nowMs());
            return new Decision(next, new VerifyReply(command.commandId(), status, otpId, remaining,
                    retryAfterSeconds, challenge, false), ctx.events(), converted, replayUntilMs);
        }
    }

    /**
     * Cancels the user's live code {@code otpId} (pending, or approved and waiting for its consume): it is removed,
     * {@code otp.canceled} is emitted, and it answers {@code not_found} from then on. A code that is not live
     * (unknown, used, expired, superseded, canceled) answers {@code not_found}; nothing is counted either way.
     */
    Decision cancel(final UserState state, final OtpCancelRequested command, final DecisionContext ctx) {
        final long replayUntil = ctx.nowMs() + rules.idempotencyTtlMs();
        for (Map.Entry<String, PendingOtp> e : state.pending().entrySet()) { // sorted by purpose
            if (e.getValue().otpId().equals(command.otpId()) && !e.getValue().expired()) {
                ctx.emit(EventTypes.OTP_CANCELED, new OtpCanceledData(command.otpId(), command.commandId(),
                        e.getKey(), command.client()));
                return new Decision(state.without(e.getKey()), new CancelReply(command.commandId(), command.otpId(),
                        true, false), ctx.events(), null, replayUntil);
            }
        }
        return new Decision(state, new CancelReply(command.commandId(), command.otpId(), false, false),
                ctx.events(), null, replayUntil);
    }

    /**
     * Where a code stands, read from the settled state: {@code pending}, {@code approved} (reserved for its
     * consume), {@code max_attempts}, {@code expired}, or {@code not_found} when the user has no such code. Changes
     * nothing, emits nothing but what settling the state at the decision time emits, counts nothing.
     */
    Decision status(final UserState state, final OtpStatusRequested command, final DecisionContext ctx) {
        for (Map.Entry<String, PendingOtp> e : state.pending().entrySet()) { // sorted by purpose
            final PendingOtp otp = e.getValue();
            if (otp.otpId().equals(command.otpId())) {
                final int max = rules.forPurpose(e.getKey()).maxFailedAttempts();
                final ReplyStatus status = otp.expired() ? ReplyStatus.EXPIRED
                        : otp.failedAttempts() >= max ? ReplyStatus.MAX_ATTEMPTS
                        : otp.approved() || otp.isLink() && otp.link().confirmed() ? ReplyStatus.APPROVED
                        : ReplyStatus.PENDING;
                return new Decision(state, new OtpStatusReply(command.commandId(), command.otpId(),
                        new OtpStatusReply.CodeView(status, e.getKey(), otp.channel().wireName(),
                                otp.destinationMasked(), otp.failedAttempts(), Math.max(0, max - otp.failedAttempts()),
                                Instant.ofEpochMilli(otp.issuedAtMs()), Instant.ofEpochMilli(otp.expiresAtMs()),
                                otp.delivery() == null ? "queued" : otp.delivery(), otp.deliveryReason()), false),
                        ctx.events(), null, 0);
            }
        }
        return new Decision(state, new OtpStatusReply(command.commandId(), command.otpId(), null, false),
                ctx.events(), null, 0);
    }

    /**
     * Records what became of a code's message (a {@link DeliveryReported} from the processor's delivery-report
     * node); a report for a code the user no longer has changes nothing. No reply, no event: the delivery event
     * it came from is the public record.
     */
    Decision deliveryReported(final UserState state, final DeliveryReported command, final DecisionContext ctx) {
        for (Map.Entry<String, PendingOtp> e : state.pending().entrySet()) { // sorted by purpose
            if (e.getValue().otpId().equals(command.otpId())) {
                return new Decision(state.withPending(e.getKey(), e.getValue().withDelivery(command.outcome(),
                        command.reason())), null, ctx.events(), null, 0);
            }
        }
        return new Decision(state, null, ctx.events(), null, 0);
    }

    /** The second phase: consumes an approved code of a two-phase purpose once; anything else is a conflict. */
    Decision consume(final UserState state, final OtpConsumeRequested command, final DecisionContext ctx) {
        for (Map.Entry<String, PendingOtp> e : state.pending().entrySet()) { // sorted by purpose
            final PendingOtp otp = e.getValue();
            if (otp.otpId().equals(command.otpId())) {
                final String conflict = otp.expired() ? "not_found"
                        : !rules.forPurpose(e.getKey()).twoPhase() ? "not_two_phase"
                        : !otp.approved() ? "not_approved" : null;
                return consumed(conflict == null ? state.without(e.getKey()) : state, command, ctx, e.getKey(),
                        conflict, Math.min(otp.expiresAtMs(), ctx.nowMs() + rules.idempotencyTtlMs()));
            }
        }
        return consumed(state, command, ctx, null, "not_found",
                ctx.nowMs() + Math.min(rules.defaults().lifetimeMs(), rules.idempotencyTtlMs()));
    }

    private static Decision consumed(final UserState next, final OtpConsumeRequested command,
                                     final DecisionContext ctx, final String purpose, final String conflict,
                                     final long replayUntil) {
        ctx.emit(EventTypes.CONSUME_COMPLETED, new ConsumeCompletedData(command.otpId(), command.commandId(),
                purpose, conflict == null ? "consumed" : "conflict", conflict, command.client()));
        return new Decision(next, new ConsumeReply(command.commandId(), command.otpId(), conflict == null, false),
                ctx.events(), null, replayUntil);
    }
}
