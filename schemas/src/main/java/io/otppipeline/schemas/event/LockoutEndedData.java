package io.otppipeline.schemas.event;

/**
 * Data of {@code otp.lockout.ended}.
 *
 * @param level the lockout level that ended (kept for the next lockout until it decays)
 * @param reason {@code expired} (its time ran out) or {@code unlocked} (an administrator lifted it)
 * @param address the address key of a lockout for one address ({@code otp.lockout.scope=user_ip}); absent for
 *     the whole user
 */
public record LockoutEndedData(Integer level, String reason, String address) {
}
