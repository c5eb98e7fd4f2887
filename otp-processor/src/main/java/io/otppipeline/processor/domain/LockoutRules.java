package io.otppipeline.processor.domain;

import io.otppipeline.schemas.config.Settings;

/**
 * User lockout across all of a user's codes (docs/ARCHITECTURE.md section 5; seeds 000/002; OWASP Authentication
 * cheat sheet "account lockout"; NIST SP 800-63B section 5.2.2 rate limiting). Settings keys in brackets.
 *
 * @param maxFailures {@code otp.lockout.max.failures}: failed verifications inside the window that lock the
 *     user; default 5
 * @param windowSeconds {@code otp.lockout.window.seconds}: the sliding failure window, in seconds; default 900
 * @param baseLockSeconds {@code otp.lockout.base.seconds}: the first lockout's duration, in seconds; each
 *     further lockout doubles it; default 900
 * @param maxLockSeconds {@code otp.lockout.max.seconds}: the longest lockout, in seconds; default 86400
 * @param decaySeconds {@code otp.lockout.decay.seconds}: after this many seconds without a failure the
 *     doubling starts again from the base; default 86400
 * @param challengeAfterFailures {@code otp.lockout.challenge.after.failures}: failed verifications inside the
 *     window after which answers carry {@code challengeRequired} (the caller's CAPTCHA, seed 001), before the
 *     lockout itself; default 3; {@code 0} never asks
 */
public record LockoutRules(int maxFailures, long windowSeconds, long baseLockSeconds, long maxLockSeconds,
                           long decaySeconds, int challengeAfterFailures) {

    /** The defaults named above. */
    public static final LockoutRules DEFAULTS = new LockoutRules(5, 900, 900, 86_400, 86_400, 3);

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if a value is not positive, or the base exceeds the maximum
     */
    public LockoutRules {
        if (maxFailures < 1 || windowSeconds < 1 || baseLockSeconds < 1 || decaySeconds < 1
                || maxLockSeconds < baseLockSeconds || challengeAfterFailures < 0) {
            throw new IllegalArgumentException("otp.lockout.* must be positive and base <= max");
        }
    }

    static LockoutRules from(final Settings s) {
        return new LockoutRules(
                (int) s.number("otp.lockout.max.failures", DEFAULTS.maxFailures()),
                s.number("otp.lockout.window.seconds", DEFAULTS.windowSeconds()),
                s.number("otp.lockout.base.seconds", DEFAULTS.baseLockSeconds()),
                s.number("otp.lockout.max.seconds", DEFAULTS.maxLockSeconds()),
                s.number("otp.lockout.decay.seconds", DEFAULTS.decaySeconds()),
                (int) s.number("otp.lockout.challenge.after.failures", DEFAULTS.challengeAfterFailures()));
    }

    /** Duration in milliseconds of a lockout at {@code level} (1 = first): base × 2^(level−1), capped. */
    long lockMs(final int level) {
        final int doublings = Math.min(Math.max(level - 1, 0), 30);
        return Math.min(baseLockSeconds << doublings, maxLockSeconds) * 1000L;
    }

    long windowMs() {
        return windowSeconds * 1000L;
    }

    long decayMs() {
        return decaySeconds * 1000L;
    }
}
