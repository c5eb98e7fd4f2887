package io.otppipeline.schemas.event;

import java.time.Instant;

/**
 * Data of {@code otp.prefix.blocked}: the send gate's conversion breaker stopped SMS to a prefix of one tenant
 * (docs/ARCHITECTURE.md section 5b).
 *
 * @param prefix {@code +} and the country calling code, for example {@code +44}
 * @param reason why: {@code low_conversion}
 * @param sends settled sends to the prefix in the breaker's window (codes whose lifetime had passed)
 * @param verified how many of those were verified
 * @param minConversionPercent the setting the ratio fell below, in percent
 * @param blockedUntil until when sends to the prefix are suppressed (reason {@code prefix_blocked})
 */
public record PrefixBlockedData(String prefix, String reason, long sends, long verified, int minConversionPercent,
                                Instant blockedUntil) {
}
