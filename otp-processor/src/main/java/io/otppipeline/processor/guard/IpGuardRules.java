package io.otppipeline.processor.guard;

import io.otppipeline.schemas.command.IpKeys;
import io.otppipeline.schemas.config.Settings;

/**
 * The IP guard's thresholds (docs/ARCHITECTURE.md section 5b; seed 001 asks for IP-based limits; OWASP
 * Authentication cheat sheet: throttle by source as well as by account). Counted per tenant and per address key
 * ({@link IpKeys}): an IPv4 address, or an IPv6 /{@code ipv6PrefixLength}. A threshold of {@code 0} turns that
 * limit off. Keys in brackets.
 *
 * @param maxRequests {@code otp.guard.ip.max.requests}: code requests from one address inside the request window
 *     before its requests are refused ({@code rate_limited}, reason {@code ip_limit}); default 50
 * @param requestWindowSeconds {@code otp.guard.ip.requests.window.seconds}: seconds; default 600
 * @param challengeAfterRequests {@code otp.guard.ip.challenge.after.requests}: requests in the window after which
 *     answers carry {@code challengeRequired}; default 10
 * @param maxFailures {@code otp.guard.ip.max.failures}: wrong codes from one address inside the failure window,
 *     across all users, before its verifications are refused; default 20 (the per-user lockout allows 5 per user:
 *     this bounds one address guessing across many users)
 * @param failureWindowSeconds {@code otp.guard.ip.failures.window.seconds}: seconds; default 900
 * @param challengeAfterFailures {@code otp.guard.ip.challenge.after.failures}: wrong codes in the window after
 *     which answers carry {@code challengeRequired}; default 3
 * @param blockSeconds {@code otp.guard.ip.block.seconds}: how long an address stays refused, in seconds; default
 *     900
 * @param ipv6PrefixLength {@code otp.guard.ipv6.prefix.length}: bits of an IPv6 address counted together; default
 *     64
 */
public record IpGuardRules(int maxRequests, long requestWindowSeconds, int challengeAfterRequests, int maxFailures,
                           long failureWindowSeconds, int challengeAfterFailures, long blockSeconds,
                           int ipv6PrefixLength) {

    /** The defaults named above. */
    public static final IpGuardRules DEFAULTS = new IpGuardRules(50, 600, 10, 20, 900, 3, 900,
            IpKeys.DEFAULT_IPV6_PREFIX);

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public IpGuardRules {
        if (maxRequests < 0 || maxFailures < 0 || challengeAfterRequests < 0 || challengeAfterFailures < 0
                || requestWindowSeconds < 1 || failureWindowSeconds < 1 || blockSeconds < 1
                || ipv6PrefixLength < 1 || ipv6PrefixLength > 128) {
            throw new IllegalArgumentException("otp.guard.ip.* out of range");
        }
    }

    /**
     * Reads the keys above.
     *
     * @throws IllegalStateException if a value is not a number
     * @throws IllegalArgumentException if a value is out of range
     */
    public static IpGuardRules from(final Settings s) {
        return new IpGuardRules(
                (int) s.number("otp.guard.ip.max.requests", DEFAULTS.maxRequests()),
                s.number("otp.guard.ip.requests.window.seconds", DEFAULTS.requestWindowSeconds()),
                (int) s.number("otp.guard.ip.challenge.after.requests", DEFAULTS.challengeAfterRequests()),
                (int) s.number("otp.guard.ip.max.failures", DEFAULTS.maxFailures()),
                s.number("otp.guard.ip.failures.window.seconds", DEFAULTS.failureWindowSeconds()),
                (int) s.number("otp.guard.ip.challenge.after.failures", DEFAULTS.challengeAfterFailures()),
                s.number("otp.guard.ip.block.seconds", DEFAULTS.blockSeconds()),
                (int) s.number("otp.guard.ipv6.prefix.length", DEFAULTS.ipv6PrefixLength()));
    }
}
