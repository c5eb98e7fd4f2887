package io.otppipeline.processor.domain;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.util.List;
import java.util.Set;

/**
 * Rules of authenticator-app factors (docs/ARCHITECTURE.md section 11).
 *
 * @param algorithm {@link #ALGORITHM}
 * @param digits {@link #DIGITS}
 * @param periodSeconds {@link #PERIOD_SECONDS}
 * @param skewSteps {@link #SKEW_STEPS}
 * @param hotpLookAhead {@link #HOTP_LOOK_AHEAD}
 * @param enrolmentSeconds {@link #ENROLMENT_SECONDS}
 * @param maxPerUser {@link #MAX_PER_USER}
 */
public record FactorRules(String algorithm, int digits, int periodSeconds, int skewSteps, int hotpLookAhead,
                          long enrolmentSeconds, int maxPerUser) {

    private static final Set<String> ALGORITHMS = Set.of("SHA1", "SHA256", "SHA512");

    /** The defaults named above. */
    public static final FactorRules DEFAULTS = new FactorRules("SHA1", 6, 30, 1, 10, 600, 5);

    public static final Setting<String> ALGORITHM = Setting.string("otp.totp.algorithm", DEFAULTS.algorithm(),
            "HMAC hash of new factors: SHA1 (RFC 6238's and every authenticator app's), SHA256 or SHA512 (RFC 6238 "
                    + "section 1.2)").check(ALGORITHMS::contains, "SHA1, SHA256 or SHA512");
    public static final Setting<Long> DIGITS = Setting.integer("otp.totp.digits", DEFAULTS.digits(), "digits",
            "code length of new factors (RFC 4226 section 5.3)").check(v -> v == 6 || v == 8, "6 or 8");
    public static final Setting<Long> PERIOD_SECONDS = Setting.integer("otp.totp.period.seconds",
            DEFAULTS.periodSeconds(), "seconds", "the TOTP time step X (RFC 6238 section 5.2 recommends 30)")
            .check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> SKEW_STEPS = Setting.integer("otp.totp.skew.steps", DEFAULTS.skewSteps(),
            "steps", "time steps accepted before and after the current one for clock drift and typing time (RFC 6238 "
                    + "section 5.2: at most one)").check(Setting.between(0, 10), "between 0 and 10");
    public static final Setting<Long> HOTP_LOOK_AHEAD = Setting.integer("otp.hotp.look.ahead",
            DEFAULTS.hotpLookAhead(), "counter values", "tried after the expected one, which resynchronises a token "
                    + "pressed without signing in (RFC 4226 section 7.4, the look-ahead window s)")
            .check(Setting.between(0, 100), "between 0 and 100");
    public static final Setting<Long> ENROLMENT_SECONDS = Setting.integer("otp.factor.enrolment.seconds",
            DEFAULTS.enrolmentSeconds(), "seconds", "how long an enrolled factor waits for its first code before it "
                    + "is dropped").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> MAX_PER_USER = Setting.integer("otp.factor.max.per.user",
            DEFAULTS.maxPerUser(), "count", "factors a user may hold, confirmed or not")
            .check(Setting.atLeast(1), "at least 1");

    /** Every setting of authenticator-app factors. */
    public static final List<Setting<?>> SETTINGS = List.of(ALGORITHM, DIGITS, PERIOD_SECONDS, SKEW_STEPS,
            HOTP_LOOK_AHEAD, ENROLMENT_SECONDS, MAX_PER_USER);

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
        return new FactorRules(ALGORITHM.read(s), DIGITS.read(s).intValue(), PERIOD_SECONDS.read(s).intValue(),
                SKEW_STEPS.read(s).intValue(), HOTP_LOOK_AHEAD.read(s).intValue(), ENROLMENT_SECONDS.read(s),
                MAX_PER_USER.read(s).intValue());
    }

    long enrolmentMs() {
        return enrolmentSeconds * 1000L;
    }
}
