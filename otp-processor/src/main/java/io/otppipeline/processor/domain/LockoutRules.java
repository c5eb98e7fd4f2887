package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.IpKeys;
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
 * @param byAddress {@code otp.lockout.scope}: {@code user} (the default: {@code null} here), or {@code user_ip}
 *     ({@link AddressScope}): failures lock the user only for the address they came from, so that an attacker
 *     cannot lock a victim out by failing on purpose (Auth0's and authentik's mode; trade-off in
 *     docs/DESIGN-NOTES.md, "Lockout scope")
 */
public record LockoutRules(int maxFailures, long windowSeconds, long baseLockSeconds, long maxLockSeconds,
                           long decaySeconds, int challengeAfterFailures,
                           AddressScope byAddress) {

    /** The defaults named above. */
    public static final LockoutRules DEFAULTS = new LockoutRules(5, 900, 900, 86_400, 86_400, 3, null);

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
        final String scope = s.string("otp.lockout.scope", "user");
        if (!"user".equals(scope) && !"user_ip".equals(scope)) {
            throw new IllegalStateException("otp.lockout.scope must be user or user_ip");
        }
        return new LockoutRules(
                (int) s.number("otp.lockout.max.failures", DEFAULTS.maxFailures()),
                s.number("otp.lockout.window.seconds", DEFAULTS.windowSeconds()),
                s.number("otp.lockout.base.seconds", DEFAULTS.baseLockSeconds()),
                s.number("otp.lockout.max.seconds", DEFAULTS.maxLockSeconds()),
                s.number("otp.lockout.decay.seconds", DEFAULTS.decaySeconds()),
                (int) s.number("otp.lockout.challenge.after.failures", DEFAULTS.challengeAfterFailures()),
                "user".equals(scope) ? null : new AddressScope(
                        (int) s.number("otp.lockout.user.max.failures", AddressScope.DEFAULT_USER_MAX_FAILURES),
                        (int) s.number("otp.guard.ipv6.prefix.length", IpKeys.DEFAULT_IPV6_PREFIX)));
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
     * @param userMaxFailures {@code otp.lockout.user.max.failures}: failures inside the window from all addresses
     *     together that still lock the whole user, against guessing distributed over many addresses; default 20
     * @param ipv6PrefixLength {@code otp.guard.ipv6.prefix.length}: bits of an IPv6 address counted as one
     *     address; default 64
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
