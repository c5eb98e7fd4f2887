package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.IpKeys;
import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.runtime.config.SharedSettings;
import java.util.List;

/**
 * User lockout across all of a user's codes (docs/ARCHITECTURE.md section 5; R0/R2 in section 13; OWASP
 * Authentication cheat sheet "account lockout"; NIST SP 800-63B section 5.2.2 rate limiting). Settings keys in brackets.
 *
 * @param maxFailures {@link #MAX_FAILURES}
 * @param windowSeconds {@link #WINDOW_SECONDS}
 * @param baseLockSeconds {@link #BASE_SECONDS}
 * @param maxLockSeconds {@link #MAX_SECONDS}
 * @param decaySeconds {@link #DECAY_SECONDS}
 * @param challengeAfterFailures {@link #CHALLENGE_AFTER_FAILURES}
 * @param byAddress {@link #SCOPE} {@code user} (the default: {@code null} here), or {@code user_ip}
 *     ({@link AddressScope})
 */
public record LockoutRules(int maxFailures, long windowSeconds, long baseLockSeconds, long maxLockSeconds,
                           long decaySeconds, int challengeAfterFailures,
                           AddressScope byAddress) {

    /** The defaults named above. */
    public static final LockoutRules DEFAULTS = new LockoutRules(10, 900, 900, 86_400, 86_400, 3, null);

    public static final Setting<Long> MAX_FAILURES = Setting.integer("otp.lockout.max.failures",
            DEFAULTS.maxFailures(), "count", "failed verifications inside the window that lock the user (OWASP "
                    + "account lockout; NIST SP 800-63B 5.2.2 limits guesses); above otp.max.failed.attempts (5), so "
                    + "that a code killed by wrong guesses asks for a new code before the user is locked (seed 001)").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> WINDOW_SECONDS = Setting.integer("otp.lockout.window.seconds",
            DEFAULTS.windowSeconds(), "seconds", "the sliding window failures are counted in")
            .check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> BASE_SECONDS = Setting.integer("otp.lockout.base.seconds",
            DEFAULTS.baseLockSeconds(), "seconds", "the first lockout's duration; each further lockout doubles it "
                    + "(R2's progressive lockout)").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> MAX_SECONDS = Setting.integer("otp.lockout.max.seconds",
            DEFAULTS.maxLockSeconds(), "seconds", "the longest lockout").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> DECAY_SECONDS = Setting.integer("otp.lockout.decay.seconds",
            DEFAULTS.decaySeconds(), "seconds", "after this long without a failure the doubling starts again from "
                    + "the base").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> CHALLENGE_AFTER_FAILURES = Setting.integer(
            "otp.lockout.challenge.after.failures", DEFAULTS.challengeAfterFailures(), "count",
            "failed verifications inside the window after which answers carry challengeRequired (the caller's "
                    + "CAPTCHA, R1), before the lockout itself; 0 never asks").check(Setting.atLeast(0), "at least 0");
    public static final Setting<String> SCOPE = Setting.string("otp.lockout.scope", "user",
            "user: failures lock the whole user; user_ip: only for the address they came from, so an attacker "
                    + "cannot lock a victim out on purpose (Auth0's and authentik's mode; docs/DESIGN-NOTES.md, "
                    + "\"Lockout scope\")").check(v -> "user".equals(v) || "user_ip".equals(v), "user or user_ip");
    public static final Setting<Long> USER_MAX_FAILURES = Setting.integer("otp.lockout.user.max.failures",
            AddressScope.DEFAULT_USER_MAX_FAILURES, "count", "under scope user_ip: failures from all addresses "
                    + "together that still lock the whole user").check(Setting.atLeast(1), "at least 1");

    /** Every setting of the lockout, the IPv6 prefix it shares with the IP guard included. */
    public static final List<Setting<?>> SETTINGS = List.of(MAX_FAILURES, WINDOW_SECONDS, BASE_SECONDS, MAX_SECONDS,
            DECAY_SECONDS, CHALLENGE_AFTER_FAILURES, SCOPE, USER_MAX_FAILURES, SharedSettings.IPV6_PREFIX_LENGTH);

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
        final String scope = SCOPE.read(s);
        return new LockoutRules(
                MAX_FAILURES.read(s).intValue(),
                WINDOW_SECONDS.read(s),
                BASE_SECONDS.read(s),
                MAX_SECONDS.read(s),
                DECAY_SECONDS.read(s),
                CHALLENGE_AFTER_FAILURES.read(s).intValue(),
                "user".equals(scope) ? null : new AddressScope(USER_MAX_FAILURES.read(s).intValue(),
                        SharedSettings.IPV6_PREFIX_LENGTH.read(s).intValue()));
    }

    /**
     * The address key a failure or lockout of {@code client} is kept under, or {@code null} under scope
     * {@code user}. A client without a (valid) address shares the key {@value AddressScope#NO_ADDRESS}.
     */
    String addressKey(final ClientInfo client) {
        if (byAddress == null) {
            return null;
        }
        return IpKeys.key(client == null ? null : client.ip(), byAddress.ipv6PrefixLength())
                .orElse(AddressScope.NO_ADDRESS);
    }

    /** These rules for the whole user under scope {@code user_ip}: the higher, user-wide threshold. */
    LockoutRules userWide() {
        return byAddress == null ? this : new LockoutRules(byAddress.userMaxFailures(), windowSeconds,
                baseLockSeconds, maxLockSeconds, decaySeconds, challengeAfterFailures, byAddress);
    }

    /**
     * Scope {@code user_ip} of the lockout.
     *
     * @param userMaxFailures {@link LockoutRules#USER_MAX_FAILURES}: against guessing spread over many addresses
     * @param ipv6PrefixLength {@link SharedSettings#IPV6_PREFIX_LENGTH}
     */
    public record AddressScope(int userMaxFailures, int ipv6PrefixLength) {

        /** Default of {@code otp.lockout.user.max.failures}. */
        public static final int DEFAULT_USER_MAX_FAILURES = 20;
        /** Address key of clients that sent no address. */
        public static final String NO_ADDRESS = "none";
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
