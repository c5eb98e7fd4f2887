package io.otppipeline.notifier;

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
import java.time.Instant;
import java.util.Map;

/**
 * Handles one {@code otp.delivery.v1} record: opens the sealed code, skips it if its lifetime has passed,
 * sends it through the channel's sender and describes the outcome as a public event. The plaintext code
 * lives only inside {@link #handle}.
 */
final class DeliveryHandler {

    static final String SOURCE = "/otp-notifier";

    /**
     * What became of one record.
     *
     * @param event the public outcome event, or {@code null} if the record could not even be read
     * @param deadLetterReason why the record goes to the dead-letter topic, or {@code null}
     */
    record Outcome(CloudEvent event, String deadLetterReason) {
    }

    private final Aead deliveryAead;
    private final Map<Channel, ChannelSender> senders;
    private final Clock clock;

    DeliveryHandler(final Aead deliveryAead, final Map<Channel, ChannelSender> senders, final Clock clock) {
        this.deliveryAead = deliveryAead;
        this.senders = Map.copyOf(senders);
        this.clock = clock;
    }

    Outcome handle(final OtpIssued issued) {
        final Instant started = clock.instant();
        if (!started.isBefore(issued.expiresAt())) {
            return new Outcome(event(issued, EventTypes.DELIVERY_SUPPRESSED, null, null, 0, null, "expired"), null);
        }
        final DeliverySecret secret;
        try {
            secret = Json.mapper().readValue(deliveryAead.open(issued.secret(),
                    issued.otpId().getBytes(StandardCharsets.UTF_8)), DeliverySecret.class);
        } catch (SealedBoxException | IOException e) {
            return new Outcome(event(issued, EventTypes.DELIVERY_FAILED, null, null, 0, null, "undecryptable"),
                    "undecryptable");
        }
        final ChannelSender sender = senders.get(issued.channel());
        try {
            final String messageId = sender.send(issued, secret);
            final long latencyMs = clock.millis() - started.toEpochMilli();
            return new Outcome(event(issued, EventTypes.DELIVERY_SENT, sender.provider(), messageId, 1, latencyMs,
                    null), null);
        } catch (SendException e) {
            final long latencyMs = clock.millis() - started.toEpochMilli();
            return new Outcome(event(issued, EventTypes.DELIVERY_FAILED, sender.provider(), null, 1, latencyMs,
                    e.reason()), e.reason());
        }
    }

    private CloudEvent event(final OtpIssued issued, final String type, final String provider, final String messageId,
                             final int attempts, final Long latencyMs, final String reason) {
        return CloudEvent.of(SOURCE, type, issued.tenantId(), issued.userId(), clock.instant(),
                new DeliveryOutcomeData(issued.otpId(), issued.purpose(), issued.channel().wireName(),
                        issued.destinationMasked(), provider, messageId, attempts, latencyMs, reason));
    }
}
