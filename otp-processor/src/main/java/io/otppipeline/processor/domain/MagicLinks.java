package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.MagicLinkConfirmRequested;
import io.otppipeline.schemas.command.MagicLinkExchangeRequested;
import io.otppipeline.schemas.command.MagicLinkOpened;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.MagicLinkData;
import io.otppipeline.schemas.reply.LinkConfirmedReply;
import io.otppipeline.schemas.reply.LinkExchangedReply;
import io.otppipeline.schemas.reply.LinkOpenedReply;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The magic-link rules after issue ({@link Issuance} issues a link like a code): a page fetch consumes nothing, the
 * confirm step consumes the link once and arms a short-lived exchange code, the tenant's backend redeems that once
 * (docs/ARCHITECTURE.md section 11; docs/API.md, "Magic links").
 *
 * <ul>
 *   <li>Open ({@code GET /l/{token}}): {@code live} when the token is right and the link neither confirmed nor
 *       expired; counted in the link and in {@code otp.magic_link.opened}; nothing else changes, so mail scanners
 *       that fetch every URL use nothing up. A fetch that finds the link not live is recorded once per link
 *       ({@code not_found}), and a link no longer held (exchanged, superseded, unknown) records nothing: fetching a
 *       used link a thousand times adds at most one event to the log (issue 32).</li>
 *   <li>Confirm ({@code POST /l/{token}}): first the admission step ({@link Admission}: the IP verdict, then the
 *       lockout; a refusal is {@code rate_limited} or {@code locked} and counts nothing); then the right token of a
 *       live link consumes it: the exchange code's HMAC is stored and the entry now expires {@code otp.magic.link.exchange.seconds}
 *       later. A wrong token counts as a failed verification against the user's lockout (it can only be a guess:
 *       the route part was sealed by this service).</li>
 *   <li>Exchange: the right exchange code of a confirmed, unexpired link answers {@code approved} once and removes
 *       the link; anything else is a conflict. A retry with the same {@code Idempotency-Key} is answered the same
 *       only while the exchange code lives. A guessed exchange code counts nothing (it needs the tenant's API
 *       key, and its route names the link).</li>
 * </ul>
 * Every comparison is an HMAC under the pepper keyring, compared in constant time ({@code Mac.verify}).
 */
final class MagicLinks {

    private final OtpRules rules;
    private final DecisionKeys keys;

    MagicLinks(final OtpRules rules, final DecisionKeys keys) {
        this.rules = rules;
        this.keys = keys;
    }

    /** A link's entry and its purpose. */
    private record Found(String purpose, PendingOtp link) {
    }

    private static Found find(final UserState state, final String linkId) {
        for (Map.Entry<String, PendingOtp> e : state.pending().entrySet()) { // sorted by purpose
            if (e.getValue().isLink() && e.getValue().otpId().equals(linkId)) {
                return new Found(e.getKey(), e.getValue());
            }
        }
        return null;
    }

    private boolean rightToken(final PendingOtp link, final SealedBox sealed, final String commandId) {
        return keys.pepper().verify(link.macKid(), link.codeMac(), link.otpId(), open(sealed, commandId));
    }

    private String open(final SealedBox box, final String commandId) {
        return new String(keys.command().open(box, commandId.getBytes(StandardCharsets.UTF_8)),
                StandardCharsets.UTF_8);
    }

    /** {@code GET /l/{token}}: live or not; the open is counted. */
    Decision open(final UserState state, final MagicLinkOpened command, final DecisionContext ctx) {
        final Found found = find(state, command.linkId());
        final boolean live = found != null && !found.link().expired() && !found.link().link().confirmed()
                && rightToken(found.link(), command.secret(), command.commandId());
        UserState next = state;
        if (live) {
            final LinkState counted = new LinkState(found.link().link().redirectUrl(), found.link().link().opens() + 1,
                    null);
            next = state.withPending(found.purpose(), found.link().withLink(counted, found.link().expiresAtMs()));
            ctx.emit(EventTypes.MAGIC_LINK_OPENED, new MagicLinkData(command.linkId(), command.commandId(),
                    found.purpose(), "live", counted.opens(), command.client()));
        } else if (found != null && !found.link().link().deadOpenSeen()) { // one event per dead link, then none
            final LinkState link = found.link().link();
            next = state.withPending(found.purpose(), found.link().withLink(new LinkState(link.redirectUrl(),
                    link.opens(), link.exchangeMac(), true), found.link().expiresAtMs()));
            ctx.emit(EventTypes.MAGIC_LINK_OPENED, new MagicLinkData(command.linkId(), command.commandId(),
                    found.purpose(), "not_found", null, command.client()));
        }
        return new Decision(next, new LinkOpenedReply(command.commandId(), live,
                live ? found.link().link().redirectUrl() : null, false), ctx.events(), null, 0);
    }

    /** {@code POST /l/{token}}: consumes a live link once and arms its exchange code. */
    Decision confirm(final UserState state, final MagicLinkConfirmRequested command, final DecisionContext ctx) {
        final long nowMs = ctx.nowMs();
        final Found found = find(state, command.linkId());
        final String address = rules.lockout().addressKey(command.client());
        final String outcome;
        UserState next = state;
        String redirect = null;
        final Admission admission = Admission.check(state, command.ipVerdict(), address, nowMs);
        if (!admission.admitted()) {
            outcome = admission.status().wireName();
        } else if (found == null || found.link().expired() || found.link().link().confirmed()) {
            outcome = "not_found";
        } else if (rightToken(found.link(), command.secret(), command.commandId())) {
            final PendingOtp link = found.link();
            final String exchangeMac = keys.pepper().sign(link.macKid(), link.otpId(), "exchange",
                    open(command.exchangeSecret(), command.commandId()));
            next = state.withPending(found.purpose(), link.withLink(new LinkState(link.link().redirectUrl(),
                    link.link().opens(), exchangeMac), nowMs + rules.links().exchangeSeconds() * 1000L))
                    .withSuccess(address);
            redirect = link.link().redirectUrl();
            outcome = "confirmed";
        } else {
            next = state.withFailure(ctx, rules.lockout(), address);
            outcome = "denied";
        }
        ctx.emit(EventTypes.MAGIC_LINK_CONFIRMED, new MagicLinkData(command.linkId(), command.commandId(),
                found == null ? null : found.purpose(), outcome, null, command.client()));
        return new Decision(next, new LinkConfirmedReply(command.commandId(), redirect, false), ctx.events(), null,
                0);
    }

    /** {@code POST /v1/magic-links/exchange}: approved once for a confirmed link's exchange code. */
    Decision exchange(final UserState state, final MagicLinkExchangeRequested command, final DecisionContext ctx) {
        final long nowMs = ctx.nowMs();
        final Found found = find(state, command.linkId());
        final boolean approved = found != null && found.link().link().confirmed() && !found.link().expiredAt(nowMs)
                && keys.pepper().verify(found.link().macKid(), found.link().link().exchangeMac(),
                found.link().otpId(), "exchange", open(command.secret(), command.commandId()));
        ctx.emit(EventTypes.MAGIC_LINK_EXCHANGED, new MagicLinkData(command.linkId(), command.commandId(),
                found == null ? null : found.purpose(), approved ? "exchanged" : "conflict", null,
                command.client()));
        final UserState next = approved ? state.without(found.purpose()) : state;
        // a repeated Idempotency-Key gets this answer again only while the exchange code lives: "once, within 60 s"
        // must not become once within the idempotency TTL (24 h)
        final long codeEndsMs = found != null && found.link().link().confirmed() ? found.link().expiresAtMs()
                : nowMs + rules.links().exchangeSeconds() * 1000L;
        return new Decision(next, new LinkExchangedReply(command.commandId(), command.linkId(),
                approved ? found.purpose() : null, approved, false), ctx.events(), null,
                Math.min(nowMs + rules.idempotencyTtlMs(), codeEndsMs));
    }
}
