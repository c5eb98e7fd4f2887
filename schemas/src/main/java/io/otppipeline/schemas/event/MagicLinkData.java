package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Data of {@code otp.magic_link.opened}, {@code otp.magic_link.confirmed} and {@code otp.magic_link.exchanged}. Never
 * the token or the exchange code.
 *
 * @param linkId the link (its {@code otpId} in {@code otp.issued})
 * @param commandId the page fetch, confirmation or exchange that caused it
 * @param purpose the link's purpose, when the link was found
 * @param outcome {@code opened}: {@code live} or {@code not_found}; {@code confirmed}: {@code confirmed},
 *     {@code denied} (wrong token), {@code locked} or {@code not_found}; {@code exchanged}: {@code exchanged} or
 *     {@code conflict}
 * @param opens page fetches of this link so far, counting this one ({@code opened} only; scanners count too)
 * @param client who did it (address and user agent), when known
 */
public record MagicLinkData(String linkId, String commandId, String purpose, String outcome, Integer opens,
                            ClientInfo client) {
}
