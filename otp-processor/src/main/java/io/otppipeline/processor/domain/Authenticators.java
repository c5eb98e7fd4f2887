package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.FactorConfirmRequested;
import io.otppipeline.schemas.command.FactorDeleteRequested;
import io.otppipeline.schemas.command.FactorEnrolRequested;
import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.command.FactorVerifyAttempted;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.SealedBoxException;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.FactorActivatedData;
import io.otppipeline.schemas.event.FactorDeletedData;
import io.otppipeline.schemas.event.FactorEnrolledData;
import io.otppipeline.schemas.event.FactorVerificationData;
import io.otppipeline.schemas.reply.FactorCheckReply;
import io.otppipeline.schemas.reply.FactorDeletedReply;
import io.otppipeline.schemas.reply.FactorEnrolledReply;
import io.otppipeline.schemas.reply.FactorRefusedReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The authenticator-app rules (TOTP, RFC 6238; HOTP, RFC 4226; docs/ARCHITECTURE.md section 11): enrol, confirm
 * with the first code, verify, delete. They share the user's lockout (every wrong code counts, whatever the
 * factor), the IP guard's verdict and idempotency with the emailed codes, and like them are deterministic: the
 * secret was drawn by otp-api and arrives sealed in the command, the factor id is derived from the command id,
 * and the time step is the command record's timestamp.
 *
 * <ul>
 *   <li>A TOTP code is accepted for the current step ± {@link FactorRules#skewSteps()}, and only for a step after
 *       the last one accepted: a code (or an older one) is never accepted twice (RFC 6238 section 5.2).</li>
 *   <li>An HOTP code is accepted for the expected counter value and the {@link FactorRules#hotpLookAhead()} after
 *       it; accepting one moves the counter past it (resynchronisation, RFC 4226 section 7.4).</li>
 *   <li>An enrolled factor verifies nothing until its first code confirms it, and is dropped unconfirmed after
 *       {@link FactorRules#enrolmentSeconds()}.</li>
 * </ul>
 */
final class Authenticators {

    /** Bytes of a shared secret: 160 bits (RFC 4226 section 4, requirement R6). */
    static final int SECRET_BYTES = 20;

    private final OtpRules rules;
    private final DecisionKeys keys;

    Authenticators(final OtpRules rules, final DecisionKeys keys) {
        this.rules = rules;
        this.keys = keys;
    }

    /** The id of the factor an enrolment command creates: derived, so a decision taken again gives the same. */
    static String factorId(final String commandId) {
        return UUID.nameUUIDFromBytes(("factor " + commandId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * Enrols a factor, unconfirmed.
     *
     * @throws SealedBoxException if the secret cannot be opened or is not 20 bytes
     */
    Decision enrol(final UserState state, final FactorEnrolRequested command, final DecisionContext ctx) {
        final long replayUntil = ctx.nowMs() + rules.idempotencyTtlMs();
        if (state.factors().size() >= rules.factors().maxPerUser()) {
            return new Decision(state, new FactorRefusedReply(command.commandId(), "factor_limit", false),
                    ctx.events(), null, replayUntil);
        }
        final byte[] secret = keys.command().open(command.secret(),
                command.commandId().getBytes(StandardCharsets.UTF_8));
        if (secret.length != SECRET_BYTES) {
            throw new SealedBoxException("factor secret must be " + SECRET_BYTES + " bytes");
        }
        final String factorId = factorId(command.commandId());
        final FactorRules f = rules.factors();
        final int period = command.type() == FactorType.TOTP ? f.periodSeconds() : 0;
        final Factor factor = new Factor(command.type(), false, keys.factor().seal(secret,
                associatedData(ctx, factorId), nonce(secret, factorId)), f.algorithm(), f.digits(), period, 0, 0,
                ctx.nowMs());
        ctx.emit(EventTypes.FACTOR_ENROLLED, new FactorEnrolledData(factorId, command.commandId(),
                command.type().wireName(), f.algorithm(), f.digits(), command.client()));
        return new Decision(state.withFactor(factorId, factor), new FactorEnrolledReply(command.commandId(), factorId,
                command.type(), f.algorithm(), f.digits(), period, false), ctx.events(), null, replayUntil);
    }

    /** Confirms an enrolled factor with its first code. */
    Decision confirm(final UserState state, final FactorConfirmRequested command, final String typed,
                     final DecisionContext ctx) {
        final Check check = new Check("confirm", command.commandId(), ctx, rules.lockout().addressKey(command.client()),
                command.ipVerdict());
        final Admission admission = check.admit(state);
        if (!admission.admitted()) {
            return check.answer(state, admission.status(), null, admission.waitSeconds());
        }
        final Factor factor = state.factors().get(command.factorId());
        if (factor == null || factor.active()) {
            return check.answer(state, ReplyStatus.NOT_FOUND, null, null);
        }
        final long used = match(ctx, command.factorId(), factor, typed);
        if (used < 0) {
            return check.failed(state, command.factorId());
        }
        final UserState next = state.withFactor(command.factorId(), factor.accepted(used)).withSuccess(check.address);
        final Decision decision = check.answer(next, ReplyStatus.ACTIVE, command.factorId(), null);
        ctx.emit(EventTypes.FACTOR_ACTIVATED, new FactorActivatedData(command.factorId(), command.commandId(),
                command.client()));
        return new Decision(decision.state(), decision.reply(), ctx.events(), null, decision.replayUntilMs());
    }

    /** Checks a code against the user's active factors (or the one named). */
    Decision verify(final UserState state, final FactorVerifyAttempted command, final String typed,
                    final DecisionContext ctx) {
        final long nowMs = ctx.nowMs();
        final Check check = new Check("verify", command.commandId(), ctx, rules.lockout().addressKey(command.client()),
                command.ipVerdict());
        final Admission admission = check.admit(state);
        if (!admission.admitted()) {
            return check.answer(state, admission.status(), null, admission.waitSeconds());
        }
        final List<Map.Entry<String, Factor>> candidates = state.factors().entrySet().stream()
                .filter(e -> e.getValue().active())
                .filter(e -> command.factorId() == null || e.getKey().equals(command.factorId())).toList();
        if (candidates.isEmpty()) {
            return check.answer(state, ReplyStatus.NOT_FOUND, command.factorId(), null);
        }
        for (Map.Entry<String, Factor> candidate : candidates) { // sorted by factor id: a fixed order
            final long used = match(ctx, candidate.getKey(), candidate.getValue(), typed);
            if (used >= 0) {
                final UserState next = state.withFactor(candidate.getKey(), candidate.getValue().accepted(used))
                        .withSuccess(check.address);
                return check.answer(next, ReplyStatus.APPROVED, candidate.getKey(), null);
            }
        }
        // without a factorId one request tried every active factor: each is a guess the lockout counts (issue 32),
        // or a user with n factors would give a guesser n tries per counted failure
        return check.failed(state, command.factorId(), candidates.size());
    }

    /** Removes a factor. */
    Decision delete(final UserState state, final FactorDeleteRequested command, final DecisionContext ctx) {
        final long replayUntil = ctx.nowMs() + rules.idempotencyTtlMs();
        if (!state.factors().containsKey(command.factorId())) {
            return new Decision(state, new FactorDeletedReply(command.commandId(), ReplyStatus.NOT_FOUND,
                    command.factorId(), false), ctx.events(), null, replayUntil);
        }
        ctx.emit(EventTypes.FACTOR_DELETED, new FactorDeletedData(command.factorId(), command.commandId(), "deleted"));
        return new Decision(state.withoutFactor(command.factorId()), new FactorDeletedReply(command.commandId(),
                ReplyStatus.DELETED, command.factorId(), false), ctx.events(), null, replayUntil);
    }

    /**
     * The step (TOTP) or counter value (HOTP) whose code is {@code typed}, or {@code -1}. Tries every candidate in
     * a fixed order and compares each in constant time.
     */
    private long match(final DecisionContext ctx, final String factorId, final Factor factor, final String typed) {
        if (typed.length() != factor.digits()) {
            return -1;
        }
        final byte[] secret = keys.factor().open(factor.secret(), associatedData(ctx, factorId));
        try {
            long found = -1;
            if (factor.type() == FactorType.TOTP) {
                final long step = Hotp.step(ctx.nowMs(), factor.periodSeconds());
                final int skew = rules.factors().skewSteps();
                for (long s = step - skew; s <= step + skew; s++) {
                    if (s > factor.lastStep() && Hotp.matches(Hotp.code(secret, s, factor.digits(), factor.algorithm()),
                            typed) && found < 0) {
                        found = s;
                    }
                }
            } else {
                for (long c = factor.counter(); c <= factor.counter() + rules.factors().hotpLookAhead(); c++) {
                    if (Hotp.matches(Hotp.code(secret, c, factor.digits(), factor.algorithm()), typed) && found < 0) {
                        found = c;
                    }
                }
            }
            return found;
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * How long the answer to a factor code is replayed for its {@code Idempotency-Key}, in milliseconds: the span of
     * steps a code is accepted in (2 × skew + 1 steps, 90 s by default).
     */
    private long replayMs() {
        final FactorRules f = rules.factors();
        return (2L * f.skewSteps() + 1) * f.periodSeconds() * 1000L;
    }

    /** Associated data of a sealed secret: binds it to its user and factor, so it cannot be moved. */
    private static byte[] associatedData(final DecisionContext ctx, final String factorId) {
        return (ctx.tenantId() + ":" + ctx.userId() + " " + factorId).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The AES-GCM nonce of a sealed secret: derived from the secret and the factor (a synthetic nonce), so sealing
     * again after an aborted transaction writes the same bytes, and two secrets never share a nonce.
     */
    private static byte[] nonce(final byte[] secret, final String factorId) {
        try {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update("otp-factor-nonce-v1".getBytes(StandardCharsets.UTF_8));
            sha.update(secret);
            sha.update(factorId.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(sha.digest(), Aead.NONCE_BYTES);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** One code being answered: emits {@code otp.factor.verification.completed} and builds the reply. */
    private final class Check {

        private final String step;
        private final String commandId;
        private final DecisionContext ctx;
        private final String address;
        private final IpVerdict ip;

        Check(final String step, final String commandId, final DecisionContext ctx, final String address,
              final IpVerdict ip) {
            this.step = step;
            this.commandId = commandId;
            this.ctx = ctx;
            this.address = address;
            this.ip = ip;
        }

        /** The admission step ({@link Admission}) for this code's address and verdict. */
        Admission admit(final UserState state) {
            return Admission.check(state, ip, address, ctx.nowMs());
        }

        /** A wrong code: counted against the user (and the address under scope {@code user_ip}). */
        Decision failed(final UserState state, final String factorId) {
            return failed(state, factorId, 1);
        }

        /** A wrong code tried against {@code guesses} factors: that many failures. */
        Decision failed(final UserState state, final String factorId, final int guesses) {
            UserState next = state;
            int counted = 0;
            for (; counted < guesses && !next.lockedAt(address, ctx.nowMs()); counted++) {
                next = next.withFailure(ctx, rules.lockout(), address);
            }
            final Long lockedFor = next.lockedAt(address, ctx.nowMs())
                    ? SendLimits.seconds(next.lockRemainingMs(address, ctx.nowMs())) : null;
            // a failure that starts a lockout empties the window: the event reports the count that tipped it
            return answer(next, ReplyStatus.DENIED, factorId, lockedFor,
                    state.lockout().failuresMs().size() + counted);
        }

        Decision answer(final UserState next, final ReplyStatus status, final String factorId,
                        final Long retryAfterSeconds) {
            return answer(next, status, factorId, retryAfterSeconds, next.lockout().failuresMs().size());
        }

        /**
         * Emits {@code otp.factor.verification.completed} and answers. A repeated {@code Idempotency-Key} gets this
         * answer again for {@link #replayMs()} only: an approval replayed long after its code's steps passed would
         * outlive the code (as an emailed code's replay never outlives the code).
         */
        Decision answer(final UserState next, final ReplyStatus status, final String factorId,
                        final Long retryAfterSeconds, final int userFailures) {
            ctx.emit(EventTypes.FACTOR_VERIFICATION_COMPLETED, new FactorVerificationData(factorId, commandId, step,
                    status.wireName(), userFailures, retryAfterSeconds, ctx.client()));
            final boolean challenge = status != ReplyStatus.APPROVED && status != ReplyStatus.ACTIVE
                    && Challenge.required(next, ip, rules.lockout(), address, ctx.nowMs());
            return new Decision(next, new FactorCheckReply(commandId, status, factorId, retryAfterSeconds, challenge,
                    false), ctx.events(), null, ctx.nowMs() + Math.min(rules.idempotencyTtlMs(), replayMs()));
        }
    }
}
