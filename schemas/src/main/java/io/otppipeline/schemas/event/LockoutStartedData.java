package io.otppipeline.schemas.event;

import io.otppipeline.schemas.command.ClientInfo;
import java.time.Instant;

/**
 * Data of {@code otp.lockout.started}: too many failed verifications; the user is locked.
 *
 * @param commandId the verification that tipped the count
 * @param level how many lockouts in a row (1 for the first; the duration doubles with each level)
 * @param lockSeconds duration of this lockout, in seconds
 * @param lockedUntil when the lockout ends
 * @param failures failed verifications inside the window that triggered it
 * @param client end user's client of the last failure, if the caller sent it
 * @param address under {@code otp.lockout.scope=user_ip}: the address key ({@code IpKeys}) whose failures locked
 *     the user for that address only; absent for a lockout of the whole user
 */
public record LockoutStartedData(String commandId, Integer level, Long lockSeconds, Instant lockedUntil,
                                 Integer failures, ClientInfo client, String address) {
}
