package io.otppipeline.schemas.delivery;

import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.crypto.SealedBox;
import java.time.Instant;

/**
 * An issued code on its way to the notifier ({@code otp.delivery.v1}, restricted topic).
 *
 * @param otpId id of the code
 * @param tenantId tenant
 * @param userId tenant's user id
 * @param purpose purpose the code was issued for
 * @param channel delivery channel
 * @param locale BCP 47 tag for the message, or {@code null} for the default
 * @param issuedAt when the code was issued
 * @param expiresAt after this instant the code is not sent any more
 * @param destinationMasked masked destination, for outcome events
 * @param destinationHash keyed hash of the destination, for outcome events
 * @param secret {@link DeliverySecret} as JSON, sealed with the delivery keyring (associated data:
 *     {@code otpId})
 */
public record OtpIssued(String otpId, String tenantId, String userId, String purpose, Channel channel,
                        String locale, Instant issuedAt, Instant expiresAt, String destinationMasked,
                        String destinationHash, SealedBox secret) {
}
