package io.otppipeline.notifier;

import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;

/** Stands in for SMS until the notifier issue adds provider adapters: every send fails with {@code not_configured}. */
final class UnconfiguredSmsSender implements ChannelSender {

    @Override
    public String provider() {
        return "none";
    }

    @Override
    public String send(final OtpIssued issued, final DeliverySecret secret) throws SendException {
        throw new SendException("not_configured", "no SMS provider is configured");
    }
}
