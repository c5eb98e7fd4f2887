package io.otppipeline.schemas.event;

/**
 * Data of {@code otp.delivery.sent}, {@code otp.delivery.failed} and {@code otp.delivery.suppressed}.
 *
 * @param otpId the code concerned
 * @param purpose purpose name
 * @param channel {@code email} or {@code sms}
 * @param destinationMasked masked destination
 * @param destinationHash keyed hash of the destination as in {@link OtpIssuedData}; absent on records issued before
 *     it existed
 * @param provider provider that took (or refused) the message, for example {@code smtp}
 * @param providerMessageId the provider's id for the message, when it gave one
 * @param attempts provider calls made
 * @param latencyMs time from the first provider call to the outcome, in milliseconds
 * @param reason why it failed or was suppressed ({@code expired}, {@code provider_error}, ...)
 */
public record DeliveryOutcomeData(String otpId, String purpose, String channel, String destinationMasked,
                                  String destinationHash, String provider, String providerMessageId, Integer attempts, Long latencyMs,
                                  String reason) {
}
