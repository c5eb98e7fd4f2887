package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Data of {@code otp.request.refused}: no code was issued.
 *
 * @param commandId the refused request
 * @param purpose purpose name
 * @param channel {@code email} or {@code sms}
 * @param reason {@code rate_limited} (send limit per window), {@code cooldown} (resend cooldown) or
 *     {@code locked} (user lockout)
 * @param retryAfterSeconds seconds until a request can succeed
 * @param sendsInWindow codes sent to the user inside the purpose's send window
 * @param client end user's client, if the caller sent it
 */
public record RequestRefusedData(String commandId, String purpose, String channel, String reason,
                                 Long retryAfterSeconds, Integer sendsInWindow, ClientInfo client) {
}
