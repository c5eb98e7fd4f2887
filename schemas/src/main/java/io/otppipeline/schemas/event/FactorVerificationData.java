package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.ClientInfo;

/**
 * Data of {@code otp.factor.verification.completed}: a code from an authenticator app was decided. Never the code.
 *
 * @param factorId the factor that matched or was named, if any
 * @param commandId the command
 * @param step {@code confirm} (the first code of an enrolment) or {@code verify}
 * @param outcome {@code active}, {@code approved}, {@code denied}, {@code not_found}, {@code locked} or
 *     {@code rate_limited}
 * @param userFailures the user's failed verifications inside the lockout window, all factors and codes
 * @param retryAfterSeconds seconds until the lockout or block ends, when one holds
 * @param client end user's client, if the caller sent it
 */
public record FactorVerificationData(String factorId, String commandId, String step, String outcome,
                                     int userFailures, Long retryAfterSeconds, ClientInfo client) {
}
