package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.ClientInfo;
import java.time.Instant;

/**
 * Data of {@code otp.issued}.
 *
 * @param otpId id of the new code
 * @param commandId the request that caused it
 * @param purpose purpose name
 * @param channel {@code email} or {@code sms}
 * @param destinationMasked masked destination
 * @param expiresAt end of the code's lifetime
 * @param client end user's client, if the caller sent it
 */
public record OtpIssuedData(String otpId, String commandId, String purpose, String channel,
                            String destinationMasked, Instant expiresAt, ClientInfo client) {
}
