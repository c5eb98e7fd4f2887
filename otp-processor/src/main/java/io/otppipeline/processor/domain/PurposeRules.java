package io.otppipeline.processor.domain;

import io.otppipeline.schemas.config.Settings;

/**
 * The rules of one purpose (docs/ARCHITECTURE.md section 5). Settings keys, relative to a prefix ({@code otp.} for
 * the defaults, {@code otp.purpose.<name>.} for one purpose; per-purpose keys belong in the properties file,
 * because environment names cannot tell {@code password_reset} from {@code password.reset}):
 *
 * @param codeDigits {@code code.digits}: digits of a code; default 6 (NIST SP 800-63B section 5.1.3 asks for
 *     at least 6; OWASP MFA cheat sheet)
 * @param lifetimeSeconds {@code lifetime.seconds}: how long a code is accepted, in seconds; default 600
 *     (Twilio Verify's default; NIST SP 800-63B section 5.1.3.1: at most 10 minutes)
 * @param maxFailedAttempts {@code max.failed.attempts}: wrong guesses after which a code is dead; default 5
 *     (Twilio Verify, seeds 001/002)
 * @param sendLimit {@code send.limit}: codes a user may be sent inside the send window, counting every
 *     purpose, before requests for this purpose get {@code 429}; default 3 (seed 001)
 * @param sendWindowSeconds {@code send.window.seconds}: the sliding send window, in seconds; default 900
 * @param resendCooldownSeconds {@code resend.cooldown.seconds}: seconds between two codes for the same user
 *     and purpose; default 60 (seed 002); 0 turns it off
 * @param twoPhase {@code two.phase}: verify answers {@code approved} but keeps the code reserved until one
 *     consume; default {@code false}, {@code true} for {@code password_reset} (seed 001)
 */
public record PurposeRules(int codeDigits, long lifetimeSeconds, int maxFailedAttempts, int sendLimit,
                           long sendWindowSeconds, long resendCooldownSeconds, boolean twoPhase) {

    /** The defaults named above, for a one-phase purpose. */
    public static final PurposeRules DEFAULTS = new PurposeRules(6, 600, 5, 3, 900, 60, false);

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException naming the setting out of range: digits 6..9, lifetime 1..3600 s,
     *     attempts 1..20, send limit 1..100, window 1..86400 s, cooldown 0..3600 s
     */
    public PurposeRules {
        check(codeDigits >= 6 && codeDigits <= 9, "code.digits must be between 6 and 9");
        check(lifetimeSeconds >= 1 && lifetimeSeconds <= 3600, "lifetime.seconds must be between 1 and 3600");
        check(maxFailedAttempts >= 1 && maxFailedAttempts <= 20, "max.failed.attempts must be between 1 and 20");
        check(sendLimit >= 1 && sendLimit <= 100, "send.limit must be between 1 and 100");
        check(sendWindowSeconds >= 1 && sendWindowSeconds <= 86_400, "send.window.seconds must be between 1 and 86400");
        check(resendCooldownSeconds >= 0 && resendCooldownSeconds <= 3600,
                "resend.cooldown.seconds must be between 0 and 3600");
    }

    /** Rules under {@code prefix} (for example {@code otp.} or {@code otp.purpose.login.}), falling back to {@code base}. */
    static PurposeRules from(final Settings s, final String prefix, final PurposeRules base) {
        return new PurposeRules(
                (int) s.number(prefix + "code.digits", base.codeDigits()),
                s.number(prefix + "lifetime.seconds", base.lifetimeSeconds()),
                (int) s.number(prefix + "max.failed.attempts", base.maxFailedAttempts()),
                (int) s.number(prefix + "send.limit", base.sendLimit()),
                s.number(prefix + "send.window.seconds", base.sendWindowSeconds()),
                s.number(prefix + "resend.cooldown.seconds", base.resendCooldownSeconds()),
                s.flag(prefix + "two.phase", base.twoPhase()));
    }

    /** These rules with {@link #twoPhase()} set. */
    public PurposeRules withTwoPhase(final boolean value) {
        return new PurposeRules(codeDigits, lifetimeSeconds, maxFailedAttempts, sendLimit, sendWindowSeconds,
                resendCooldownSeconds, value);
    }

    /** These rules with another send limit, window (seconds) and cooldown (seconds). */
    public PurposeRules withSending(final int limit, final long windowSeconds, final long cooldownSeconds) {
        return new PurposeRules(codeDigits, lifetimeSeconds, maxFailedAttempts, limit, windowSeconds,
                cooldownSeconds, twoPhase);
    }

    long lifetimeMs() {
        return lifetimeSeconds * 1000L;
    }

    long sendWindowMs() {
        return sendWindowSeconds * 1000L;
    }

    long resendCooldownMs() {
        return resendCooldownSeconds * 1000L;
    }

    private static void check(final boolean ok, final String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
