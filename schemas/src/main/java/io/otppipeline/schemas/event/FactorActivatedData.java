package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Data of {@code otp.factor.activated}: the first code confirmed an enrolled factor.
 *
 * @param factorId the factor
 * @param commandId the confirming command
 * @param client end user's client, if the caller sent it
 */
public record FactorActivatedData(String factorId, String commandId, ClientInfo client) {
}
