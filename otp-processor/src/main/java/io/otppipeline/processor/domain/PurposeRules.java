package io.otppipeline.processor.domain;

import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.util.List;

/**
 * The rules of one purpose (docs/ARCHITECTURE.md section 5). Each is a setting {@code otp.<rule>} for every purpose
 * and {@code otp.purpose.<purpose>.<rule>} for one purpose ({@link #forPurpose}); per-purpose keys belong in the
 * properties file, because environment names cannot tell {@code password_reset} from {@code password.reset}.
 *
 * @param codeDigits {@link #CODE_DIGITS}
 * @param lifetimeSeconds {@link #LIFETIME_SECONDS}
 * @param maxFailedAttempts {@link #MAX_FAILED_ATTEMPTS}
 * @param sendLimit {@link #SEND_LIMIT}
 * @param sendWindowSeconds {@link #SEND_WINDOW_SECONDS}
 * @param resendCooldownSeconds {@link #RESEND_COOLDOWN_SECONDS}
 * @param twoPhase {@link #TWO_PHASE}
 */
public record PurposeRules(int codeDigits, long lifetimeSeconds, int maxFailedAttempts, int sendLimit,
                           long sendWindowSeconds, long resendCooldownSeconds, boolean twoPhase) {

    /** The defaults named above, for a one-phase purpose. */
    public static final PurposeRules DEFAULTS = new PurposeRules(6, 300, 5, 3, 900, 60, false);

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

    /** Every rule of a purpose under its name for every purpose ({@code otp.<rule>}). */
    public static final List<Setting<?>> SETTINGS = List.of(
            Setting.integer("otp.code.digits", DEFAULTS.codeDigits(), "digits", "digits of a code (NIST SP 800-63B "
                    + "5.1.3 asks for at least 6; OWASP MFA cheat sheet)").check(Setting.between(6, 9), "between 6 and 9"),
            Setting.integer("otp.lifetime.seconds", DEFAULTS.lifetimeSeconds(), "seconds", "how long a code is "
                    + "accepted (seeds 001, 002 and 004: 5 minutes; NIST SP 800-63B 5.1.3.1: at most 10; Twilio "
                    + "Verify's default is 10)")
                    .check(Setting.between(1, 3600), "between 1 and 3600"),
            Setting.integer("otp.max.failed.attempts", DEFAULTS.maxFailedAttempts(), "count", "wrong guesses after "
                    + "which a code is dead (Twilio Verify; R1/R2 in docs/ARCHITECTURE.md section 13)")
                    .check(Setting.between(1, 20), "between 1 and 20"),
            Setting.integer("otp.send.limit", DEFAULTS.sendLimit(), "count", "codes a user may be sent inside the "
                    + "send window, counting every purpose, before requests for this purpose get 429 (R1)")
                    .check(Setting.between(1, 100), "between 1 and 100"),
            Setting.integer("otp.send.window.seconds", DEFAULTS.sendWindowSeconds(), "seconds",
                    "the sliding send window (R1: 15 minutes)").check(Setting.between(1, 86_400), "between 1 and 86400"),
            Setting.integer("otp.resend.cooldown.seconds", DEFAULTS.resendCooldownSeconds(), "seconds", "between two "
                    + "codes for the same user and purpose (R2); 0 turns it off")
                    .check(Setting.between(0, 3600), "between 0 and 3600"),
            Setting.flag("otp.two.phase", DEFAULTS.twoPhase(), "verify answers approved but keeps the code reserved "
                    + "until one consume (R1's password reset; true for password_reset unless set)"));

    public static final Setting<Long> CODE_DIGITS = integer(0);
    public static final Setting<Long> LIFETIME_SECONDS = integer(1);
    public static final Setting<Long> MAX_FAILED_ATTEMPTS = integer(2);
    public static final Setting<Long> SEND_LIMIT = integer(3);
    public static final Setting<Long> SEND_WINDOW_SECONDS = integer(4);
    public static final Setting<Long> RESEND_COOLDOWN_SECONDS = integer(5);
    @SuppressWarnings("unchecked")
    public static final Setting<Boolean> TWO_PHASE = (Setting<Boolean>) SETTINGS.get(6);

    @SuppressWarnings("unchecked")
    private static Setting<Long> integer(final int index) {
        return (Setting<Long>) SETTINGS.get(index);
    }

    /** {@code setting} for one purpose: {@code otp.<rule>} becomes {@code otp.purpose.<purpose>.<rule>}. */
    public static <T> Setting<T> forPurpose(final Setting<T> setting) {
        return setting.renamed("otp.purpose.<purpose>." + setting.name().substring("otp.".length()));
    }

    /**
     * The rules for every purpose ({@code purpose == null}, keys {@code otp.<rule>}) or for one purpose (keys
     * {@code otp.purpose.<purpose>.<rule>}), each falling back to {@code base}.
     *
     * @throws IllegalStateException naming a malformed or out-of-range setting
     */
    static PurposeRules from(final Settings s, final String purpose, final PurposeRules base) {
        return new PurposeRules(
                read(s, CODE_DIGITS, purpose, (long) base.codeDigits()).intValue(),
                read(s, LIFETIME_SECONDS, purpose, base.lifetimeSeconds()),
                read(s, MAX_FAILED_ATTEMPTS, purpose, (long) base.maxFailedAttempts()).intValue(),
                read(s, SEND_LIMIT, purpose, (long) base.sendLimit()).intValue(),
                read(s, SEND_WINDOW_SECONDS, purpose, base.sendWindowSeconds()),
                read(s, RESEND_COOLDOWN_SECONDS, purpose, base.resendCooldownSeconds()),
                read(s, TWO_PHASE, purpose, base.twoPhase()));
    }

    private static <T> T read(final Settings s, final Setting<T> setting, final String purpose, final T base) {
        return purpose == null ? setting.readOr(s, base) : forPurpose(setting).read(s, purpose, base);
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
