package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.DeliveryReported;
import io.otppipeline.schemas.command.IdempotencyKey;
import io.otppipeline.schemas.command.FactorConfirmRequested;
import io.otppipeline.schemas.command.FactorDeleteRequested;
import io.otppipeline.schemas.command.FactorEnrolRequested;
import io.otppipeline.schemas.command.FactorVerifyAttempted;
import io.otppipeline.schemas.command.MagicLinkConfirmRequested;
import io.otppipeline.schemas.command.MagicLinkExchangeRequested;
import io.otppipeline.schemas.command.MagicLinkOpened;
import io.otppipeline.schemas.command.OtpCancelRequested;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpConsumeRequested;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpStatusRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.command.UserUnlockRequested;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.reply.IdempotencyMismatchReply;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.UnlockReply;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The security decisions for one user, free of Kafka: a pure function of (the user's committed state, the
 * command record). The processor calls it with all of one user's commands in order, one at a time, and with the
 * expiry sweep ({@link #sweep}).
 *
 * <p><b>What a decision may read</b> (docs/DESIGN-NOTES.md, "Deterministic decisions"): the user's state, the
 * command, the decision time from {@link DecisionContext} (the command record's broker timestamp), the rules and
 * the keys. <b>Never</b> the wall clock, a random source ({@code SecureRandom}, {@code UUID.randomUUID()}), map
 * iteration in hash order, or anything another user's decision wrote. Then taking a decision again from the same
 * committed state after an aborted transaction gives byte-for-byte the same reply, events, delivery and state,
 * which is why otp-api may read a reply before its transaction commits.
 *
 * <p>Every decision first settles the state at its time ({@link UserState#settle}): expiry and the end of a
 * lockout are decided there, in one place, with one event each.
 */
public final class OtpDecisions {

    private final OtpRules rules;
    private final DecisionKeys keys;
    private final Issuance issuance;
    private final Verification verification;
    private final Authenticators authenticators;
    private final LockoutNotices notices;
    private final MagicLinks links;

    /**
     * @param rules limits to enforce
     * @param keys the keys decisions use
     */
    public OtpDecisions(final OtpRules rules, final DecisionKeys keys) {
        this.rules = rules;
        this.keys = keys;
        this.issuance = new Issuance(rules, keys);
        this.verification = new Verification(rules, keys);
        this.authenticators = new Authenticators(rules, keys);
        this.notices = new LockoutNotices(rules, keys);
        this.links = new MagicLinks(rules, keys);
    }

    /** The rules in force. */
    public OtpRules rules() {
        return rules;
    }

    /**
     * Decides one command.
     *
     * @param state the user's committed state ({@link UserState#EMPTY} for a new user)
     * @param ctx the command's context (its decision time)
     * @throws io.otppipeline.schemas.crypto.SealedBoxException if a sealed field cannot be opened
     */
    public Decision decide(final UserState state, final OtpCommand command, final DecisionContext ctx) {
        final UserState settled = state.settle(ctx, rules);
        return notices.after(command.accept(new OtpCommand.Visitor<>() {
            @Override
            public Decision request(final OtpRequested c) {
                final Decision d = issuance.request(settled, c, ctx);
                return d.gate() == null ? d : new Decision(notices.remember(d.state(), c), d.reply(), d.events(),
                        d.gate(), d.replayUntilMs());
            }

            @Override
            public Decision verify(final OtpVerifyAttempted c) {
                return verification.verify(settled, c, open(c.code(), c.commandId()), ctx);
            }

            @Override
            public Decision consume(final OtpConsumeRequested c) {
                return verification.consume(settled, c, ctx);
            }

            @Override
            public Decision unlock(final UserUnlockRequested c) {
                return new Decision(settled.unlock(ctx, c.actor()),
                        new UnlockReply(c.commandId(), false), ctx.events(), null,
                        ctx.nowMs() + rules.idempotencyTtlMs());
            }

            @Override
            public Decision cancel(final OtpCancelRequested c) {
                return verification.cancel(settled, c, ctx);
            }

            @Override
            public Decision status(final OtpStatusRequested c) {
                return verification.status(settled, c, ctx);
            }

            @Override
            public Decision deliveryReported(final DeliveryReported c) {
                return verification.deliveryReported(settled, c, ctx);
            }

            @Override
            public Decision linkOpened(final MagicLinkOpened c) {
                return links.open(settled, c, ctx);
            }

            @Override
            public Decision linkConfirmed(final MagicLinkConfirmRequested c) {
                return links.confirm(settled, c, ctx);
            }

            @Override
            public Decision linkExchanged(final MagicLinkExchangeRequested c) {
                return links.exchange(settled, c, ctx);
            }

            @Override
            public Decision enrolFactor(final FactorEnrolRequested c) {
                return authenticators.enrol(settled, c, ctx);
            }

            @Override
            public Decision confirmFactor(final FactorConfirmRequested c) {
                return authenticators.confirm(settled, c, open(c.code(), c.commandId()), ctx);
            }

            @Override
            public Decision verifyFactor(final FactorVerifyAttempted c) {
                return authenticators.verify(settled, c, open(c.code(), c.commandId()), ctx);
            }

            @Override
            public Decision deleteFactor(final FactorDeleteRequested c) {
                return authenticators.delete(settled, c, ctx);
            }
        }), ctx);
    }

    /** A sealed typed code of {@code commandId}, opened. */
    private String open(final SealedBox code, final String commandId) {
        return new String(keys.command().open(code, commandId.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
    }

    /**
     * The answer to a command whose {@code Idempotency-Key} was seen before: the first decision, marked
     * {@link OtpReply#replayed() replayed}, when the request fingerprint matches (compared in constant time);
     * {@code idempotency_mismatch} when it does not. Nothing is decided, counted or emitted.
     *
     * @param first the stored first decision (live at the command's time)
     */
    public static OtpReply replay(final IdempotencyRecord first, final OtpCommand command) {
        final IdempotencyKey key = command.idempotency();
        final boolean sameRequest = MessageDigest.isEqual(
                first.requestHash().getBytes(StandardCharsets.US_ASCII),
                key.requestHash().getBytes(StandardCharsets.US_ASCII));
        return sameRequest ? first.reply().replayFor(command.commandId())
                : new IdempotencyMismatchReply(command.commandId());
    }

    /**
     * The expiry sweep for one user: settles the state at the tick's time ({@code otp.expired},
     * {@code otp.lockout.ended}, sends and failures leaving their windows). Never changes an answer: see
     * {@link UserState#settle}.
     *
     * @return the next state (empty means "delete") and events; no reply, no delivery
     */
    public Decision sweep(final UserState state, final DecisionContext ctx) {
        return new Decision(state.settle(ctx, rules), null, ctx.events(), null, 0);
    }
}
