package io.otppipeline.api.v1;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Body of {@code POST /v1/otp}.
 *
 * @param userId the tenant's user id (1 to 128 printable characters)
 * @param channel {@code email} or {@code sms}
 * @param destination e-mail address (at most 254 characters) or international phone number; otp-api
 *     normalises it (E.164, lower-case ASCII domain) before anything counts or seals it
 * @param purpose lower snake case, for example {@code login}, {@code step_up}, {@code password_reset}
 * @param locale optional BCP 47 language tag for the message
 * @param client optional end-user client {@code {ip, userAgent}}
 * @param captchaToken optional token of the CAPTCHA the end user solved, checked with the tenant's provider
 *     ({@code api.captcha.provider.<tenant>}); needed once an answer said {@code challengeRequired}
 */
public record CreateOtpRequest(String userId, String channel, String destination, String purpose, String locale,
                               ClientInfo client, String captchaToken) {

    /** A request without a CAPTCHA token. */
    public CreateOtpRequest(final String userId, final String channel, final String destination, final String purpose,
                            final String locale, final ClientInfo client) {
        this(userId, channel, destination, purpose, locale, client, null);
    }

    @Override
    public String toString() {
        return "CreateOtpRequest[userId=" + userId + ", channel=" + channel + ", purpose=" + purpose + "]";
    }
}
