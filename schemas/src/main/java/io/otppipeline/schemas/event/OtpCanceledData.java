package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Data of {@code otp.canceled}: a pending code was canceled and can no longer be verified.
 *
 * @param otpId the code
 * @param commandId the cancel command
 * @param purpose purpose it was issued for
 * @param client end user's client, if the caller sent it
 */
public record OtpCanceledData(String otpId, String commandId, String purpose, ClientInfo client) {
}
