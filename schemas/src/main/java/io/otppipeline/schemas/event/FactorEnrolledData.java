package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Data of {@code otp.factor.enrolled}: an authenticator factor was enrolled, unverified until its first code.
 * Never the secret.
 *
 * @param factorId the new factor
 * @param commandId the enrolment command
 * @param type {@code totp} or {@code hotp}
 * @param algorithm {@code SHA1}, {@code SHA256} or {@code SHA512}
 * @param digits code length
 * @param client end user's client, if the caller sent it
 */
public record FactorEnrolledData(String factorId, String commandId, String type, String algorithm, int digits,
                                 ClientInfo client) {
}
