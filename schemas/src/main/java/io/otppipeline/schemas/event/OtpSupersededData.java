package io.otppipeline.schemas.event;

/**
 * Data of {@code otp.superseded}.
 *
 * @param otpId the code that stopped being valid
 * @param supersededBy the newer code for the same purpose
 * @param purpose purpose name
 */
public record OtpSupersededData(String otpId, String supersededBy, String purpose) {
}
