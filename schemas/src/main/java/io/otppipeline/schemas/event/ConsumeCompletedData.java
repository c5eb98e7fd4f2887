package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Data of {@code otp.consume.completed}: the second phase of a two-phase purpose was decided.
 *
 * @param otpId the code named by the caller
 * @param commandId the consume command
 * @param purpose purpose of the code, when it was found
 * @param outcome {@code consumed} or {@code conflict}
 * @param reason for {@code conflict}: {@code not_approved}, {@code not_two_phase} or {@code not_found} (unknown,
 *     expired or already consumed)
 * @param client end user's client, if the caller sent it
 */
public record ConsumeCompletedData(String otpId, String commandId, String purpose, String outcome, String reason,
                                   ClientInfo client) {
}
