package io.otppipeline.schemas.gate;

import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.Destinations.PhoneRoute;
import io.otppipeline.schemas.delivery.OtpIssued;

/**
 * An issued code asking the send gate to pass it to the notifier. Restricted like {@code otp.delivery.v1}: the
 * code and destination stay sealed in {@link OtpIssued#secret()}.
 *
 * @param delivery the record the notifier gets if the gate admits it
 * @param route country calling code and region of an SMS destination; {@code null} for e-mail
 */
public record GateSend(OtpIssued delivery, PhoneRoute route) implements GateRecord {

    @Override
    public String tenantId() {
        return delivery.tenantId();
    }

    @Override
    public String gateKey() {
        return delivery.channel() == Channel.SMS ? GateRecord.smsKey(delivery.tenantId())
                : GateRecord.emailKey(delivery.tenantId(), delivery.destinationHash());
    }
}
