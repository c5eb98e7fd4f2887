package io.otppipeline.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.crypto.SealedBox;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.event.OtpIssuedData;
import io.otppipeline.schemas.event.OtpSupersededData;
import io.otppipeline.schemas.event.VerificationCompletedData;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

/**
 * The security decisions for one user, free of Kafka: given the user's state, a command and the wall-clock
 * time, what happens. The processor calls it with all of one user's commands in order, one at a time.
 *
 * <p>Rules (ARCHITECTURE section 5): codes are uniform from {@link SecureRandom} ({@code nextInt(bound)}
 * rejects to avoid modulo bias); only HMAC-SHA-256(otpId, code) is stored and compared in constant time;
 * a new code for a purpose supersedes the old one; a code dies after {@link OtpRules#maxFailedAttempts()}
 * wrong guesses, even for the right code; an approved code is removed so it cannot be used again.
 */
public final class OtpDecisions {

    static final String SOURCE = "/otp-processor";

    private final OtpRules rules;
    private final Aead commandAead;
    private final Aead deliveryAead;
    private final Mac pepper;
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
    }

    /**
     * Issues a new code for the command's purpose.
     *
     * @param nowMs wall-clock time, epoch milliseconds
     * @throws io.otppipeline.schemas.crypto.SealedBoxException if the sealed destination cannot be opened
     */
    public Decision request(final UserState state, final OtpRequested command, final long nowMs) {
        final String destination = openText(command.destination(), command.commandId());
        final String otpId = UUID.randomUUID().toString();
        final String code = newCode();
        final String masked = DestinationMask.mask(command.channel(), destination);
        final PendingOtp otp = new PendingOtp(otpId, pepper.sign(pepper.activeKid(), otpId, code), pepper.activeKid(),
                command.channel(), masked, nowMs, nowMs + rules.lifetimeMs(), 0);
        final Instant now = Instant.ofEpochMilli(nowMs);
        final Instant expiresAt = Instant.ofEpochMilli(otp.expiresAtMs());

        final List<CloudEvent> events = new ArrayList<>(2);
        final PendingOtp previous = state.pending().get(command.purpose());
        if (previous != null) {
            events.add(event(command.tenantId(), command.userId(), now, EventTypes.OTP_SUPERSEDED,
                    new OtpSupersededData(previous.otpId(), otpId, command.purpose())));
        }
        events.add(event(command.tenantId(), command.userId(), now, EventTypes.OTP_ISSUED,
                new OtpIssuedData(otpId, command.commandId(), command.purpose(), command.channel().wireName(), masked,
                        expiresAt, command.client())));

        final OtpIssued delivery = new OtpIssued(otpId, command.tenantId(), command.userId(), command.purpose(),
                command.channel(), command.locale(), now, expiresAt, masked, sealSecret(otpId, code, destination));
        final OtpReply reply = new OtpReply(command.commandId(), ReplyStatus.PENDING, otpId, expiresAt, now, masked,
                null, null);
        return new Decision(state.withPending(command.purpose(), otp), reply, events, delivery);
    }

    /**
     * Checks a typed code against the user's live code for the purpose.
     *
     * @param nowMs wall-clock time, epoch milliseconds
     * @throws io.otppipeline.schemas.crypto.SealedBoxException if the sealed code cannot be opened
     */
    public Decision verify(final UserState state, final OtpVerifyAttempted command, final long nowMs) {
        final String typed = openText(command.code(), command.commandId());
        final PendingOtp otp = state.pending().get(command.purpose());
        if (otp == null || (command.otpId() != null && !command.otpId().equals(otp.otpId()))) {
            return verified(state, command, nowMs, null, ReplyStatus.NOT_FOUND);
        }
        if (otp.expiredAt(nowMs)) {
            return verified(state.without(command.purpose()), command, nowMs, otp, ReplyStatus.EXPIRED);
        }
        if (otp.failedAttempts() >= rules.maxFailedAttempts()) {
            return verified(state, command, nowMs, otp, ReplyStatus.MAX_ATTEMPTS);
        }
        if (pepper.verify(otp.macKid(), otp.codeMac(), otp.otpId(), typed)) {
            return verified(state.without(command.purpose()), command, nowMs, otp, ReplyStatus.APPROVED);
        }
        final PendingOtp failed = otp.withFailedAttempt();
        final ReplyStatus status = failed.failedAttempts() >= rules.maxFailedAttempts()
                ? ReplyStatus.MAX_ATTEMPTS : ReplyStatus.DENIED;
        return verified(state.withPending(command.purpose(), failed), command, nowMs, failed, status);
    }

    private Decision verified(final UserState next, final OtpVerifyAttempted command, final long nowMs,
                              final PendingOtp otp, final ReplyStatus status) {
        final String otpId = otp == null ? null : otp.otpId();
        final Integer failed = otp == null ? null : otp.failedAttempts();
        final Integer remaining = otp == null || status == ReplyStatus.APPROVED || status == ReplyStatus.EXPIRED
                ? null : Math.max(0, rules.maxFailedAttempts() - otp.failedAttempts());
        final CloudEvent event = event(command.tenantId(), command.userId(), Instant.ofEpochMilli(nowMs),
                EventTypes.VERIFICATION_COMPLETED, new VerificationCompletedData(otpId, command.commandId(),
                        command.purpose(), status.wireName(), failed, remaining, command.client()));
        final OtpReply reply = new OtpReply(command.commandId(), status, otpId, null, null, null, remaining, null);
        return new Decision(next, reply, List.of(event), null);
    }

    private String newCode() {
        final int bound = (int) Math.pow(10, rules.codeDigits());
        return String.format(Locale.ROOT, "%0" + rules.codeDigits() + "d", random.nextInt(bound));
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

    private static CloudEvent event(final String tenantId, final String userId, final Instant time, final String type,
                                    final Object data) {
        return CloudEvent.of(SOURCE, type, tenantId, userId, time, data);
    }
}
