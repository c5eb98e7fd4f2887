package io.otppipeline.schemas.event;

import java.time.Instant;

/**
 * Data of {@code otp.lockout.notice}: a lockout of the whole user started and a notice to the destination of the
 * user's last code was handed to the send gate (its fate follows as {@code otp.delivery.sent}, {@code .failed} or
 * {@code .suppressed} with {@code otpId} = {@code noticeId} and purpose {@code lockout_notice}).
 *
 * @param noticeId id of the notice's delivery record
 * @param commandId the verification that started the lockout
 * @param channel {@code email} or {@code sms}
 * @param destinationMasked masked destination, for example {@code a***e@example.com}
 * @param lockedUntil when the lockout ends
 */
public record LockoutNoticeData(String noticeId, String commandId, String channel, String destinationMasked,
                                Instant lockedUntil) {
}
