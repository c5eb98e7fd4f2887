package io.otppipeline.api.v1;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Body of {@code POST /v1/otp/{otpId}/consume}.
 *
 * @param userId the tenant's user id the code was issued to
 * @param client optional end-user client {@code {ip, userAgent}}
 */
public record ConsumeOtpRequest(String userId, ClientInfo client) {
}
