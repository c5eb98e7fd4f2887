package io.otppipeline.notifier;

import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;

/** Sends codes over one channel through one provider. */
interface ChannelSender {

    /** Provider name used in outcome events and metrics, for example {@code smtp}. */
    String provider();

    /**
     * Sends {@code secret.code()} to {@code secret.destination()}.
     *
     * @return the provider's message id, or {@code null} if it gives none
     * @throws SendException when the provider refused or could not be reached; its message holds no secret
     */
    String send(OtpIssued issued, DeliverySecret secret) throws SendException;
}
