package io.otppipeline.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpConsumeRequested;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.command.UserUnlockRequested;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.LockoutEndedData;
import io.otppipeline.schemas.event.OtpExpiredData;
import io.otppipeline.schemas.event.OtpIssuedData;
import io.otppipeline.schemas.event.OtpSupersededData;
import io.otppipeline.schemas.event.RequestRefusedData;
import io.otppipeline.schemas.event.UserUnlockedData;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The security decisions for one user, free of Kafka: given the user's state, a command and the wall-clock
 * time, what happens. The processor calls it with all of one user's commands in order, one at a time, and
 * with the expiry sweep ({@link #sweep}).
 *
 * <p>Rules (ARCHITECTURE section 5, values in {@link OtpRules}): codes are uniform from {@link SecureRandom}
 * ({@code nextInt(bound)} rejects to avoid modulo bias); only HMAC-SHA-256(otpId, code) is stored and compared
 * in constant time; a request is refused while the user is locked, when the send window is full or inside the
 * resend cooldown; a new code for a purpose supersedes the old one; verification rules are in
 * {@link Verification}; a user's lockout belongs to the user, not to a code, so issuing codes never resets it.
 */
public final class OtpDecisions {

    private final OtpRules rules;
    private final Aead commandAead;
    private final Aead deliveryAead;
    private final Mac pepper;
    private final Verification verification;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param rules limits to enforce
     * @param commandAead opens sealed command fields (command keyring, shared with otp-api)
     * @param deliveryAead seals codes for the notifier (delivery keyring, shared with otp-notifier)
     * @param pepper HMAC key for stored codes (pepper keyring, processor only)
     */
    public OtpDecisions(final OtpRules rules, final Aead commandAead, final Aead deliveryAead, final Mac pepper) {
        this.rules = rules;
        this.commandAead = commandAead;
        this.deliveryAead = deliveryAead;
        this.pepper = pepper;
        this.verification = new Verification(rules, pepper);
    }

    /** The rules in force. */
    public OtpRules rules() {
        return rules;
    }

    /**
     * Decides one command.
     *
     * @param state the user's state ({@link UserState#EMPTY} for a new user)
     * @param nowMs wall-clock time, epoch milliseconds
     * @throws io.otppipeline.schemas.crypto.SealedBoxException if a sealed field cannot be opened
     */
    public Decision decide(final UserState state, final OtpCommand command, final long nowMs) {
        final UserEvents events = new UserEvents(command.tenantId(), command.userId(), nowMs);
        final UserState settled = settle(state, events, nowMs);
        if (command instanceof OtpRequested requested) {
            return request(settled, requested, events, nowMs);
        }
        if (command instanceof OtpVerifyAttempted attempt) {
            return verification.verify(settled, attempt, openText(attempt.code(), attempt.commandId()), events,
                    nowMs);
        }
        if (command instanceof OtpConsumeRequested consume) {
            return verification.consume(settled, consume, events);
        }
        return unlock(settled, (UserUnlockRequested) command, events, nowMs);
    }

    /**
     * The expiry sweep for one user: removes codes whose lifetime has passed ({@code otp.expired}), ends
     * lockouts whose time is up ({@code otp.lockout.ended}), forgets sends and failures outside their windows.
     *
     * @param nowMs wall-clock time, epoch milliseconds
     * @return the next state (empty means "delete") and events; no reply, no delivery
     */
    public Decision sweep(final String tenantId, final String userId, final UserState state, final long nowMs) {
        final UserEvents events = new UserEvents(tenantId, userId, nowMs);
        UserState next = settle(state, events, nowMs);
        for (Map.Entry<String, PendingOtp> e : state.pending().entrySet()) {
            final PendingOtp otp = e.getValue();
            if (otp.expiredAt(nowMs)) {
                next = next.without(e.getKey());
                events.add(EventTypes.OTP_EXPIRED, new OtpExpiredData(otp.otpId(), e.getKey(),
                        otp.channel().wireName(), otp.failedAttempts(), otp.approved(),
                        Instant.ofEpochMilli(otp.expiresAtMs())));
            }
        }
        return new Decision(next, null, events.list(), null);
    }

    private UserState settle(final UserState state, final UserEvents events, final long nowMs) {
        final Lockout before = state.lockout();
        if (before.lockedUntilMs() > 0 && !before.lockedAt(nowMs)) {
            events.add(EventTypes.LOCKOUT_ENDED, new LockoutEndedData(before.level(), "expired"));
        }
        return state.settle(nowMs, rules);
    }

    private Decision request(final UserState state, final OtpRequested command, final UserEvents events,
                             final long nowMs) {
        final PurposeRules purpose = rules.forPurpose(command.purpose());
        if (state.lockout().lockedAt(nowMs)) {
            return refuse(state, command, events, ReplyStatus.LOCKED, "locked",
                    state.lockout().lockedUntilMs() - nowMs, purpose, nowMs);
        }
        final long windowWait = SendLimits.windowWaitMs(state.sends(), purpose, nowMs);
        final long cooldownWait = SendLimits.cooldownWaitMs(state.sends(), command.purpose(), purpose, nowMs);
        if (windowWait > 0 || cooldownWait > 0) {
            return refuse(state, command, events, ReplyStatus.RATE_LIMITED,
                    windowWait >= cooldownWait ? "rate_limited" : "cooldown", Math.max(windowWait, cooldownWait),
                    purpose, nowMs);
        }
        return issue(state, command, purpose, events, nowMs);
    }

    private Decision refuse(final UserState state, final OtpRequested command, final UserEvents events,
                            final ReplyStatus status, final String reason, final long waitMs,
                            final PurposeRules purpose, final long nowMs) {
        final long seconds = SendLimits.seconds(waitMs);
        events.add(EventTypes.REQUEST_REFUSED, new RequestRefusedData(command.commandId(), command.purpose(),
                command.channel().wireName(), reason, seconds, SendLimits.inWindow(state.sends(), purpose, nowMs),
                command.client()));
        final OtpReply reply = new OtpReply(command.commandId(), status, null, null, null, null, null, seconds);
        return new Decision(state, reply, events.list(), null);
    }

    private Decision issue(final UserState state, final OtpRequested command, final PurposeRules purpose,
                           final UserEvents events, final long nowMs) {
        final String destination = openText(command.destination(), command.commandId());
        final String otpId = UUID.randomUUID().toString();
        final String code = newCode(purpose.codeDigits());
        final String masked = DestinationMask.mask(command.channel(), destination);
        final String hash = DestinationMask.keyedHash(pepper, command.tenantId(), command.channel(), destination);
        final PendingOtp otp = new PendingOtp(otpId, pepper.sign(pepper.activeKid(), otpId, code), pepper.activeKid(),
                command.channel(), masked, nowMs, nowMs + purpose.lifetimeMs(), 0, false);
        final Instant now = Instant.ofEpochMilli(nowMs);
        final Instant expiresAt = Instant.ofEpochMilli(otp.expiresAtMs());
        supersede(state.pending().get(command.purpose()), otpId, command.purpose(), events, nowMs);
        events.add(EventTypes.OTP_ISSUED, new OtpIssuedData(otpId, command.commandId(), command.purpose(),
                command.channel().wireName(), masked, hash, expiresAt, command.client()));

        final UserState next = state.withPending(command.purpose(), otp)
                .withSend(new SendRecord(command.purpose(), nowMs));
        final long resendWait = Math.max(SendLimits.windowWaitMs(next.sends(), purpose, nowMs),
                SendLimits.cooldownWaitMs(next.sends(), command.purpose(), purpose, nowMs));
        final OtpIssued delivery = new OtpIssued(otpId, command.tenantId(), command.userId(), command.purpose(),
                command.channel(), command.locale(), now, expiresAt, masked, hash,
                sealSecret(otpId, code, destination));
        final OtpReply reply = new OtpReply(command.commandId(), ReplyStatus.PENDING, otpId, expiresAt,
                now.plusMillis(resendWait), masked, null, null);
        return new Decision(next, reply, events.list(), delivery);
    }

    private static void supersede(final PendingOtp previous, final String otpId, final String purpose,
                                  final UserEvents events, final long nowMs) {
        if (previous == null) {
            return;
        }
        if (previous.expiredAt(nowMs)) {
            events.add(EventTypes.OTP_EXPIRED, new OtpExpiredData(previous.otpId(), purpose,
                    previous.channel().wireName(), previous.failedAttempts(), previous.approved(),
                    Instant.ofEpochMilli(previous.expiresAtMs())));
        } else {
            events.add(EventTypes.OTP_SUPERSEDED, new OtpSupersededData(previous.otpId(), otpId, purpose));
        }
    }

    private Decision unlock(final UserState state, final UserUnlockRequested command, final UserEvents events,
                            final long nowMs) {
        final Lockout lockout = state.lockout();
        final boolean wasLocked = lockout.lockedAt(nowMs);
        events.add(EventTypes.USER_UNLOCKED, new UserUnlockedData(command.commandId(), command.actor(), wasLocked,
                lockout.level(), command.client()));
        if (wasLocked) {
            events.add(EventTypes.LOCKOUT_ENDED, new LockoutEndedData(lockout.level(), "unlocked"));
        }
        return new Decision(state.withLockout(lockout.unlocked()), OtpReply.of(command.commandId(),
                ReplyStatus.UNLOCKED), events.list(), null);
    }

    private String newCode(final int digits) {
        final int bound = (int) Math.pow(10, digits);
        return String.format(Locale.ROOT, "%0" + digits + "d", random.nextInt(bound));
    }

    private String openText(final SealedBox box, final String commandId) {
        return new String(commandAead.open(box, commandId.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
    }

    private SealedBox sealSecret(final String otpId, final String code, final String destination) {
        try {
            final byte[] plaintext = Json.mapper().writeValueAsBytes(new DeliverySecret(code, destination));
            return deliveryAead.seal(plaintext, otpId.getBytes(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write delivery secret", e);
        }
    }
}
