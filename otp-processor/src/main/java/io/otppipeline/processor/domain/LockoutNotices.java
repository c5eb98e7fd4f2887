package io.otppipeline.processor.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.Destinations;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.crypto.SealedBoxException;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.LockoutNoticeData;
import io.otppipeline.schemas.gate.GateSend;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Lockout notices (docs/API.md; the OWASP Authentication Cheat Sheet asks to tell the account owner about a lockout):
 * when a lockout of the whole user starts, the account owner hears of it at the destination of their last code, in
 * their last code's locale, with the time it ends, so that someone else's guessing does not go unnoticed. At most one per lockout: only the decision that starts it sends one.
 * Lockouts of one address under {@code otp.lockout.scope=user_ip} send none (an attacker with many addresses would
 * otherwise send one notice per address). Per tenant: {@link OtpRules#lockoutNoticeTenants()}.
 *
 * <p>The notice is an {@link OtpIssued} of purpose {@link #PURPOSE} with no code, through the send gate like a code
 * (so it counts against the destination's and tenant's budgets), expiring when the lockout ends; the notifier
 * renders the purpose's templates. Its id and sealing nonce are derived from the command that started the lockout,
 * so deciding that command again gives the same notice (docs/DESIGN-NOTES.md, "Deterministic decisions").
 * Event: {@code otp.lockout.notice}.
 */
final class LockoutNotices {

    /** The purpose of notices; reserved: otp-api refuses code requests for it. */
    static final String PURPOSE = OtpRequested.LOCKOUT_NOTICE_PURPOSE;

    private final OtpRules rules;
    private final DecisionKeys keys;

    LockoutNotices(final OtpRules rules, final DecisionKeys keys) {
        this.rules = rules;
        this.keys = keys;
    }

    /** The state remembering where {@code command}'s code went, when its tenant has notices on. */
    UserState remember(final UserState state, final OtpRequested command) {
        return rules.lockoutNotices(command.tenantId()) ? state.withContact(new Contact(command.channel(),
                command.destination(), command.commandId(), command.locale())) : state;
    }

    /**
     * {@code decision} with a notice added when it started a lockout of the whole user, the tenant has notices on,
     * the state knows a contact that can still be opened and the decision sends nothing else; else
     * {@code decision} unchanged.
     */
    Decision after(final Decision decision, final DecisionContext ctx) {
        final Contact contact = decision.state().contact();
        if (contact == null || decision.gate() != null || !rules.lockoutNotices(ctx.tenantId())) {
            return decision;
        }
        final CloudEvent started = decision.events().stream()
                .filter(e -> EventTypes.LOCKOUT_STARTED.equals(e.type()) && e.data().path("address").isMissingNode())
                .findFirst().orElse(null);
        if (started == null) {
            return decision;
        }
        final String destination;
        try {
            destination = new String(keys.command().open(contact.destination(),
                    contact.sealedFor().getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        } catch (SealedBoxException e) {
            return decision; // its key was rotated away: no notice (documented in docs/API.md, "Lockout notices")
        }
        final byte[] seed = ("lockout-notice\0" + ctx.commandId()).getBytes(StandardCharsets.UTF_8);
        final String noticeId = CodeDerivation.otpId(seed);
        final Instant lockedUntil = Instant.parse(started.data().path("lockedUntil").asText());
        final String masked = DestinationMask.mask(contact.channel(), destination);
        final String hash = DestinationMask.keyedHash(keys.pepper(), rules.mailboxes(), ctx.tenantId(),
                contact.channel(), destination);
        final OtpIssued notice = new OtpIssued(noticeId, ctx.tenantId(), ctx.userId(), PURPOSE, contact.channel(),
                contact.locale(), Instant.ofEpochMilli(ctx.nowMs()), lockedUntil, masked, hash,
                seal(noticeId, destination, seed));
        ctx.emit(EventTypes.LOCKOUT_NOTICE, new LockoutNoticeData(noticeId, ctx.commandId(),
                contact.channel().wireName(), masked, lockedUntil));
        return new Decision(decision.state(), decision.reply(), ctx.events(), new GateSend(notice,
                contact.channel() == Channel.SMS ? Destinations.route(destination) : null), decision.replayUntilMs());
    }

    private SealedBox seal(final String noticeId, final String destination, final byte[] seed) {
        try {
            final byte[] plaintext = Json.mapper().writeValueAsBytes(new DeliverySecret(null, destination));
            return keys.delivery().seal(plaintext, noticeId.getBytes(StandardCharsets.UTF_8),
                    CodeDerivation.deliveryNonce(seed, plaintext));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write notice secret", e);
        }
    }
}
