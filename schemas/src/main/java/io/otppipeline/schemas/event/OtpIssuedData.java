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
 * @param destinationHash keyed hash of the destination, {@code <kid>:<base64 HMAC-SHA-256>}: equal for the same
 *     destination of the same tenant while the pepper key {@code kid} is active (docs/EVENTS.md)
 * @param expiresAt end of the code's lifetime
 * @param client end user's client, if the caller sent it
 * @param kind {@code magic_link} for a magic link (its {@code otpId} is the link id); absent for a code
 * @param destination country and calling code of an SMS number; absent for e-mail
 */
public record OtpIssuedData(String otpId, String commandId, String purpose, String channel,
                            String destinationMasked, String destinationHash, Instant expiresAt, ClientInfo client,
                            String kind, DestinationInfo destination) {

    /** The data of an issued code sent by e-mail. */
    public OtpIssuedData(final String otpId, final String commandId, final String purpose, final String channel,
                         final String destinationMasked, final String destinationHash, final Instant expiresAt,
                         final ClientInfo client) {
        this(otpId, commandId, purpose, channel, destinationMasked, destinationHash, expiresAt, client, null, null);
    }
}
