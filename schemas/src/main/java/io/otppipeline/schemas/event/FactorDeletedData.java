package io.otppipeline.schemas.event;

/**
 * Data of {@code otp.factor.deleted}: an authenticator factor is gone.
 *
 * @param factorId the factor
 * @param commandId the removing command; absent when the enrolment lapsed unconfirmed
 * @param reason {@code deleted} (the caller removed it) or {@code enrolment_expired} (never confirmed in time)
 */
public record FactorDeletedData(String factorId, String commandId, String reason) {
}
