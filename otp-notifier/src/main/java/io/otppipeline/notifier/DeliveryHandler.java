package io.otppipeline.notifier;

import com.samskivert.mustache.MustacheException;
import io.otppipeline.notifier.provider.EmailMessage;
import io.otppipeline.notifier.provider.SmsMessage;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.SealedBoxException;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.DeliveryOutcomeData;
import io.otppipeline.schemas.event.EventTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Handles one {@code otp.delivery.v1} record: skips it if the code's lifetime has passed, opens the sealed code,
 * renders the message from the purpose's and locale's templates, hands it to the channel's {@link ProviderChain}
 * and describes the outcome as a public event. The plaintext code lives only inside {@link #handle}.
 */
final class DeliveryHandler {

    static final String SOURCE = "/otp-notifier";

    /**
     * What became of one record.
     *
     * @param event the public outcome event
     * @param deadLetterReason why the record goes to the dead-letter topic, or {@code null}
     */
    record Outcome(CloudEvent event, String deadLetterReason) {
    }

    private final Aead deliveryAead;
    private final MessageTemplates templates;
    private final ProviderChain<EmailMessage> email;
    private final ProviderChain<SmsMessage> sms;
    private final DeliveryMetrics metrics;
    private final Clock clock;

    DeliveryHandler(final Aead deliveryAead, final MessageTemplates templates, final ProviderChain<EmailMessage> email,
                    final ProviderChain<SmsMessage> sms, final DeliveryMetrics metrics, final Clock clock) {
        this.deliveryAead = deliveryAead;
        this.templates = templates;
        this.email = email;
        this.sms = sms;
        this.metrics = metrics;
        this.clock = clock;
    }

    Outcome handle(final OtpIssued issued) {
        final Instant started = clock.instant();
        if (!started.isBefore(issued.expiresAt())) {
            return suppressed(issued, null, 0, 0);
        }
        final DeliverySecret secret;
        try {
            secret = Json.mapper().readValue(deliveryAead.open(issued.secret(),
                    issued.otpId().getBytes(StandardCharsets.UTF_8)), DeliverySecret.class);
        } catch (SealedBoxException | IOException e) {
            return failed(issued, null, 0, null, "undecryptable");
        }
        final MessageTemplates.Context context = new MessageTemplates.Context(issued.otpId(), issued.tenantId(),
                issued.purpose(), issued.locale(), secret.destination(), secret.code(), minutesLeft(issued, started),
                secret.link());
        final AtomicInteger attempts = new AtomicInteger();
        final ProviderChain.Result result;
        try {
            result = issued.channel() == Channel.SMS
                    ? sms.send(templates.sms(context), issued.expiresAt(), attempts)
                    : email.send(templates.email(context), issued.expiresAt(), attempts);
        } catch (MustacheException e) {
            return failed(issued, null, 0, null, "template_error");
        }
        final long latencyMs = Duration.between(started, clock.instant()).toMillis();
        if (result.expired()) {
            return suppressed(issued, result.provider(), attempts.get(), latencyMs);
        }
        if (result.failure() != null) {
            return failed(issued, result.provider(), attempts.get(), latencyMs, result.failure().reason());
        }
        metrics.delivery(issued.channel().wireName(), result.provider(), "sent", null);
        return new Outcome(event(issued, EventTypes.DELIVERY_SENT, result.provider(), result.messageId(),
                attempts.get(), latencyMs, null), null);
    }

    private Outcome suppressed(final OtpIssued issued, final String provider, final int attempts,
                               final long latencyMs) {
        metrics.delivery(issued.channel().wireName(), provider, "suppressed", "expired");
        return new Outcome(event(issued, EventTypes.DELIVERY_SUPPRESSED, provider, null, attempts,
                provider == null ? null : latencyMs, "expired"), null);
    }

    private Outcome failed(final OtpIssued issued, final String provider, final int attempts, final Long latencyMs,
                           final String reason) {
        metrics.delivery(issued.channel().wireName(), provider, "failed", reason);
        return new Outcome(event(issued, EventTypes.DELIVERY_FAILED, provider, null, attempts, latencyMs, reason),
                reason);
    }

    /** Lifetime left, rounded up to whole minutes, at least 1. */
    private static long minutesLeft(final OtpIssued issued, final Instant now) {
        final long seconds = Math.max(0, Duration.between(now, issued.expiresAt()).toSeconds());
        return Math.max(1, (seconds + 59) / 60);
    }

    private CloudEvent event(final OtpIssued issued, final String type, final String provider, final String messageId,
                             final int attempts, final Long latencyMs, final String reason) {
        return CloudEvent.of(SOURCE, type, issued.tenantId(), issued.userId(), clock.instant(),
                new DeliveryOutcomeData(issued.otpId(), issued.purpose(), issued.channel().wireName(),
                        issued.destinationMasked(), issued.destinationHash(), provider, messageId, attempts, latencyMs, reason));
    }
}
