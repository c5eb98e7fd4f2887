package io.otppipeline.processor.domain;

import io.otppipeline.schemas.config.Settings;
import java.util.Set;

/**
 * Rules of authenticator-app factors (docs/ARCHITECTURE.md section 11). Keys in brackets.
 *
 * @param algorithm {@code otp.totp.algorithm}: HMAC hash of new factors, {@code SHA1} (default: RFC 6238's and
 *     every authenticator app's), {@code SHA256} or {@code SHA512} (RFC 6238 section 1.2)
 * @param digits {@code otp.totp.digits}: code length of new factors, 6 (default) or 8 (RFC 4226 section 5.3)
 * @param periodSeconds {@code otp.totp.period.seconds}: the TOTP time step X, in seconds; default 30 (RFC 6238
 *     section 5.2 recommends 30)
 * @param skewSteps {@code otp.totp.skew.steps}: steps accepted before and after the current one for clock drift
 *     and typing time; default 1 (RFC 6238 section 5.2: "at most one time step")
 * @param hotpLookAhead {@code otp.hotp.look.ahead}: counter values tried after the expected one, which
 *     resynchronises a token whose button was pressed without signing in; default 10 (RFC 4226 section 7.4,
 *     the look-ahead window s)
 * @param enrolmentSeconds {@code otp.factor.enrolment.seconds}: how long an enrolled factor waits for its first
 *     code before it is dropped, in seconds; default 600
 * @param maxPerUser {@code otp.factor.max.per.user}: factors a user may hold, confirmed or not; default 5
 */
public record FactorRules(String algorithm, int digits, int periodSeconds, int skewSteps, int hotpLookAhead,
                          long enrolmentSeconds, int maxPerUser) {

    private static final Set<String> ALGORITHMS = Set.of("SHA1", "SHA256", "SHA512");

    /** The defaults named above. */
    public static final FactorRules DEFAULTS = new FactorRules("SHA1", 6, 30, 1, 10, 600, 5);

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public FactorRules {
        if (!ALGORITHMS.contains(algorithm) || (digits != 6 && digits != 8) || periodSeconds < 1 || skewSteps < 0
                || skewSteps > 10 || hotpLookAhead < 0 || hotpLookAhead > 100 || enrolmentSeconds < 1 || maxPerUser < 1) {
            throw new IllegalArgumentException("otp.totp.*, otp.hotp.* or otp.factor.* out of range");
        }
    }

    static FactorRules from(final Settings s) {
        return new FactorRules(
                s.string("otp.totp.algorithm", DEFAULTS.algorithm()),
                (int) s.number("otp.totp.digits", DEFAULTS.digits()),
                (int) s.number("otp.totp.period.seconds", DEFAULTS.periodSeconds()),
                (int) s.number("otp.totp.skew.steps", DEFAULTS.skewSteps()),
                (int) s.number("otp.hotp.look.ahead", DEFAULTS.hotpLookAhead()),
                s.number("otp.factor.enrolment.seconds", DEFAULTS.enrolmentSeconds()),
                (int) s.number("otp.factor.max.per.user", DEFAULTS.maxPerUser()));
    }

    long enrolmentMs() {
        return enrolmentSeconds * 1000L;
    }
}
