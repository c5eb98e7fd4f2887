package io.otppipeline.api.v1;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Body of {@code POST /v1/otp/verify}.
 *
 * @param userId the tenant's user id
 * @param purpose purpose the code was requested for
 * @param code the digits the user typed (6 to 9 digits)
 * @param otpId optional id of the code from the request's answer
 * @param client optional end-user client {@code {ip, userAgent}}
 * @param captchaToken optional token of the CAPTCHA the end user solved, checked with the tenant's provider
 *     ({@code api.captcha.provider.<tenant>}); needed once an answer said {@code challengeRequired}
 */
public record VerifyOtpRequest(String userId, String purpose, String code, String otpId, ClientInfo client,
                               String captchaToken) {

    /** A verification without a CAPTCHA token. */
    public VerifyOtpRequest(final String userId, final String purpose, final String code, final String otpId,
                            final ClientInfo client) {
        this(userId, purpose, code, otpId, client, null);
    }

    @Override
    public String toString() {
        return "VerifyOtpRequest[userId=" + userId + ", purpose=" + purpose + "]";
    }
}
