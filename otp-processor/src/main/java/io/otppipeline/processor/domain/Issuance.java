package io.otppipeline.processor.domain;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.Destinations;
import io.otppipeline.schemas.command.Destinations.PhoneRoute;
import io.otppipeline.schemas.command.MagicLink;
import io.otppipeline.schemas.command.MagicLinkTokens;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.crypto.SealedBoxException;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.DestinationInfo;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.OtpIssuedData;
import io.otppipeline.schemas.event.OtpSupersededData;
import io.otppipeline.schemas.event.RequestRefusedData;
import io.otppipeline.schemas.gate.GateSend;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import io.otppipeline.schemas.reply.RequestRefusedReply;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The request rule: refuse while the IP guard blocks the client's address ({@code rate_limited}, reason
 * {@code ip_limit}, stamped into the command by otp-api), while the user is locked (under {@code otp.lockout.scope=user_ip}: for
 * this client's address) ({@code locked}), when the send window is full or inside the
 * resend cooldown ({@code rate_limited}, reason {@code rate_limited} or {@code cooldown}); otherwise issue a
 * code that supersedes the user's current code for the purpose ({@code otp.superseded}, unless that one had
 * already expired) and hand it, sealed, to the send gate on its way to the notifier (docs/ARCHITECTURE.md 5b). The otpId, the code and the delivery's nonce are
 * derived from the command's entropy ({@link CodeDerivation}); only HMAC-SHA-256(otpId, code) is stored.
 *
 * <p>A request with a {@link MagicLink} is the same request with a link for a code: the same refusals, send records
 * and supersession (a link and a code of the same purpose supersede each other), but a 256-bit token instead of
 * digits, living {@code otp.magic.link.lifetime.seconds}, mailed as {@code <baseUrl>/l/<token>}
 * ({@link MagicLinkTokens}: its route is sealed under the command keyring with a derived nonce, so deciding again
 * writes the same URL); its pending entry carries a {@link LinkState}.
 */
final class Issuance {

    /** Bytes of entropy a request must carry. */
    static final int ENTROPY_BYTES = 32;

    private final OtpRules rules;
    private final DecisionKeys keys;

    Issuance(final OtpRules rules, final DecisionKeys keys) {
        this.rules = rules;
        this.keys = keys;
    }

    /**
     * @param state the user's state, settled at the decision time
     * @throws SealedBoxException if the destination or the entropy cannot be opened, or the entropy is not 32 bytes
     */
    Decision request(final UserState state, final OtpRequested command, final DecisionContext ctx) {
        final long nowMs = ctx.nowMs();
        final PurposeRules purpose = rules.forPurpose(command.purpose());
        final Admission admission = Admission.check(state, command.ipVerdict(), command.captcha(), rules.lockout(),
                rules.lockout().addressKey(command.client()), nowMs);
        if (!admission.admitted()) {
            return refuse(state, command, ctx, new Refusal(admission.status(), admission.reason(),
                    admission.waitMs()));
        }
        final long windowWait = SendLimits.windowWaitMs(state.sends(), purpose, nowMs);
        final long cooldownWait = SendLimits.cooldownWaitMs(state.sends(), command.purpose(), purpose, nowMs);
        if (windowWait > 0 || cooldownWait > 0) {
            return refuse(state, command, ctx, new Refusal(ReplyStatus.RATE_LIMITED,
                    windowWait >= cooldownWait ? "rate_limited" : "cooldown", Math.max(windowWait, cooldownWait)));
        }
        return issue(state, command, purpose, ctx);
    }

    /**
     * Why a request is refused.
     *
     * @param status {@code locked}, {@code rate_limited} or {@code challenge_required}
     * @param reason the event's and reply's reason: {@code locked}, {@code rate_limited}, {@code cooldown},
     *     {@code ip_limit} or a CAPTCHA reason ({@code captcha_required}, {@code captcha_failed},
     *     {@code captcha_unavailable})
     * @param waitMs milliseconds until the same request may succeed
     */
    private record Refusal(ReplyStatus status, String reason, long waitMs) {
    }

    private Decision refuse(final UserState state, final OtpRequested command, final DecisionContext ctx,
                            final Refusal refusal) {
        final long seconds = SendLimits.seconds(refusal.waitMs());
        ctx.emit(EventTypes.REQUEST_REFUSED, new RequestRefusedData(command.commandId(), command.purpose(),
                command.channel().wireName(), refusal.reason(), seconds,
                SendLimits.inWindow(state.sends(), rules.forPurpose(command.purpose()), ctx.nowMs()),
                command.client()));
        return new Decision(state, new RequestRefusedReply(command.commandId(), refusal.status(), refusal.reason(),
                seconds, Challenge.required(state, command.ipVerdict(), rules.lockout(),
                rules.lockout().addressKey(command.client()), ctx.nowMs()), false),
                ctx.events(), null, ctx.nowMs() + rules.idempotencyTtlMs());
    }

    private Decision issue(final UserState state, final OtpRequested command, final PurposeRules purpose,
                           final DecisionContext ctx) {
        final long nowMs = ctx.nowMs();
        final String destination = new String(open(command.destination(), command.commandId()),
                StandardCharsets.UTF_8);
        final byte[] entropy = open(command.entropy(), command.commandId());
        if (entropy.length != ENTROPY_BYTES) {
            throw new SealedBoxException("entropy must be " + ENTROPY_BYTES + " bytes");
        }
        final String otpId = CodeDerivation.otpId(entropy);
        final MagicLink link = command.link();
        final String masked = DestinationMask.mask(command.channel(), destination);
        final String hash = DestinationMask.keyedHash(keys.pepper(), rules.mailboxes(), command.tenantId(),
                command.channel(),
                destination);
        final String kid = keys.pepper().activeKid();
        final PhoneRoute route = command.channel() == Channel.SMS ? Destinations.route(destination) : null;
        final DeliverySecret secret;
        final PendingOtp otp;
        if (link == null) {
            final String code = CodeDerivation.code(keys.codeDerivation(), command.commandId(), entropy,
                    purpose.codeDigits());
            secret = new DeliverySecret(code, destination);
            otp = new PendingOtp(otpId, keys.pepper().sign(kid, otpId, code), kid, command.channel(), masked, nowMs,
                    nowMs + purpose.lifetimeMs(), 0, false, false, route == null ? 0 : route.callingCode(), hash, null,
                    null, null);
        } else {
            final byte[] token = CodeDerivation.linkSecret(keys.codeDerivation(), command.commandId(), entropy);
            final SealedBox routeBox = keys.command().seal(new MagicLinkTokens.Route(command.tenantId(),
                    command.userId(), otpId).bytes(), MagicLinkTokens.LINK_ROUTE.getBytes(StandardCharsets.UTF_8),
                    CodeDerivation.routeNonce(entropy));
            secret = new DeliverySecret(null, destination, link.baseUrl() + "/l/"
                    + MagicLinkTokens.format(routeBox, token));
            otp = new PendingOtp(otpId, keys.pepper().sign(kid, otpId, MagicLinkTokens.secretText(token)), kid,
                    command.channel(), masked, nowMs, nowMs + rules.links().lifetimeSeconds() * 1000L, 0, false,
                    false, route == null ? 0 : route.callingCode(), hash, null, null,
                    new LinkState(link.redirectUrl(), 0, null));
        }
        final Instant now = Instant.ofEpochMilli(nowMs);
        final Instant expiresAt = Instant.ofEpochMilli(otp.expiresAtMs());
        final PendingOtp previous = state.pending().get(command.purpose());
        if (previous != null && !previous.expired()) {
            ctx.emit(EventTypes.OTP_SUPERSEDED, new OtpSupersededData(previous.otpId(), otpId, command.purpose()));
        }
        ctx.emit(EventTypes.OTP_ISSUED, new OtpIssuedData(otpId, command.commandId(), command.purpose(),
                command.channel().wireName(), masked, hash, expiresAt, command.client(),
                link == null ? null : "magic_link", DestinationInfo.of(route)));

        final UserState next = state.withPending(command.purpose(), otp)
                .withSend(new SendRecord(command.purpose(), nowMs));
        final long resendWait = Math.max(SendLimits.windowWaitMs(next.sends(), purpose, nowMs),
                SendLimits.cooldownWaitMs(next.sends(), command.purpose(), purpose, nowMs));
        final OtpIssued delivery = new OtpIssued(otpId, command.tenantId(), command.userId(), command.purpose(),
                command.channel(), command.locale(), now, expiresAt, masked, hash,
                sealSecret(otpId, secret, entropy));
        final IssuedReply reply = new IssuedReply(command.commandId(), otpId, expiresAt, now.plusMillis(resendWait),
                masked, Challenge.required(next, command.ipVerdict(), rules.lockout(),
                rules.lockout().addressKey(command.client()), nowMs), false);
        return new Decision(next, reply, ctx.events(), new GateSend(delivery, route),
                nowMs + rules.idempotencyTtlMs());
    }

    private byte[] open(final SealedBox box, final String commandId) {
        return keys.command().open(box, commandId.getBytes(StandardCharsets.UTF_8));
    }

    private SealedBox sealSecret(final String otpId, final DeliverySecret secret, final byte[] entropy) {
        try {
            final byte[] plaintext = Json.mapper().writeValueAsBytes(secret);
            return keys.delivery().seal(plaintext, otpId.getBytes(StandardCharsets.UTF_8),
                    CodeDerivation.deliveryNonce(entropy, plaintext));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write delivery secret", e);
        }
    }
}
