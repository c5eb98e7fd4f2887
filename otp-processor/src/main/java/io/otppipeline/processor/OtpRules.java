package io.otppipeline.processor;

import io.otppipeline.schemas.config.Settings;

/**
 * The per-user rules the processor enforces (ARCHITECTURE section 5). This walking skeleton applies one
 * set of rules to every purpose; per-purpose overrides, send limits and lockout come with the per-user
 * rules issue.
 *
 * @param codeDigits digits of an issued code; default 6 (OWASP Forgot Password / MFA cheat sheets; NIST SP
 *     800-63B section 5.1.3 asks for at least 6)
 * @param lifetimeSeconds seconds an issued code is accepted; default 600 (Twilio Verify's default; NIST SP
 *     800-63B section 5.1.3.1: at most 10 minutes)
 * @param maxFailedAttempts wrong guesses after which a code is dead; default 5 (Twilio Verify, seeds 001/002)
 */
public record OtpRules(int codeDigits, long lifetimeSeconds, int maxFailedAttempts) {

    /** The defaults named above. */
    public static final OtpRules DEFAULTS = new OtpRules(6, 600, 5);

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if digits are outside 6..9, the lifetime outside 1..3600 seconds, or
     *     the attempt limit outside 1..20
     */
    public OtpRules {
        if (codeDigits < 6 || codeDigits > 9) {
            throw new IllegalArgumentException("otp.code.digits must be between 6 and 9");
        }
        if (lifetimeSeconds < 1 || lifetimeSeconds > 3600) {
            throw new IllegalArgumentException("otp.lifetime.seconds must be between 1 and 3600");
        }
        if (maxFailedAttempts < 1 || maxFailedAttempts > 20) {
            throw new IllegalArgumentException("otp.max.failed.attempts must be between 1 and 20");
        }
    }

    /** Rules from settings {@code otp.code.digits}, {@code otp.lifetime.seconds}, {@code otp.max.failed.attempts}. */
    public static OtpRules from(final Settings settings) {
        return new OtpRules(
                (int) settings.number("otp.code.digits", DEFAULTS.codeDigits()),
                settings.number("otp.lifetime.seconds", DEFAULTS.lifetimeSeconds()),
                (int) settings.number("otp.max.failed.attempts", DEFAULTS.maxFailedAttempts()));
    }

    /** Lifetime in milliseconds. */
    public long lifetimeMs() {
        return lifetimeSeconds * 1000L;
    }
}
