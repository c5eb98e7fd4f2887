package io.otppipeline.processor.guard;

import io.otppipeline.schemas.command.IpKeys;
import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import io.otppipeline.runtime.config.SharedSettings;
import java.util.List;

/**
 * The IP guard's thresholds (docs/ARCHITECTURE.md section 5b; R1 in section 13 asks for IP-based limits; OWASP
 * Authentication cheat sheet: throttle by source as well as by account). Counted per tenant and per address key
 * ({@link IpKeys}): an IPv4 address, or an IPv6 /{@code ipv6PrefixLength}. A threshold of {@code 0} turns that
 * limit off.
 *
 * @param maxRequests {@link #MAX_REQUESTS}
 * @param requestWindowSeconds {@link #REQUESTS_WINDOW_SECONDS}
 * @param challengeAfterRequests {@link #CHALLENGE_AFTER_REQUESTS}
 * @param maxFailures {@link #MAX_FAILURES}
 * @param failureWindowSeconds {@link #FAILURES_WINDOW_SECONDS}
 * @param challengeAfterFailures {@link #CHALLENGE_AFTER_FAILURES}
 * @param blockSeconds {@link #BLOCK_SECONDS}
 * @param ipv6PrefixLength {@link SharedSettings#IPV6_PREFIX_LENGTH}
 * @param ipv6WidePrefixLength {@link SharedSettings#IPV6_WIDE_PREFIX_LENGTH}: an IPv6 address is also counted at this
 *     wider prefix, against every threshold times {@code wideFactor}; 0 (or not shorter than
 *     {@code ipv6PrefixLength}): not counted
 * @param wideFactor {@link #WIDE_FACTOR}
 */
public record IpGuardRules(int maxRequests, long requestWindowSeconds, int challengeAfterRequests, int maxFailures,
                           long failureWindowSeconds, int challengeAfterFailures, long blockSeconds,
                           int ipv6PrefixLength, int ipv6WidePrefixLength, int wideFactor) {

    /** The defaults named above. */
    public static final IpGuardRules DEFAULTS = new IpGuardRules(50, 600, 10, 20, 900, 3, 900,
            IpKeys.DEFAULT_IPV6_PREFIX, IpKeys.DEFAULT_IPV6_WIDE_PREFIX, 4);

    public static final Setting<Long> MAX_REQUESTS = Setting.integer("otp.guard.ip.max.requests",
            DEFAULTS.maxRequests(), "count", "code requests from one address inside the request window before its "
                    + "requests are refused (rate_limited, reason ip_limit)").check(Setting.atLeast(0), "at least 0");
    public static final Setting<Long> REQUESTS_WINDOW_SECONDS = Setting.integer(
            "otp.guard.ip.requests.window.seconds", DEFAULTS.requestWindowSeconds(), "seconds",
            "the sliding request window").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> CHALLENGE_AFTER_REQUESTS = Setting.integer(
            "otp.guard.ip.challenge.after.requests", DEFAULTS.challengeAfterRequests(), "count",
            "requests in the window after which answers carry challengeRequired").check(Setting.atLeast(0), "at least 0");
    public static final Setting<Long> MAX_FAILURES = Setting.integer("otp.guard.ip.max.failures",
            DEFAULTS.maxFailures(), "count", "wrong codes from one address inside the failure window, across all "
                    + "users, before its verifications are refused (the per-user lockout allows 5 per user: this "
                    + "bounds one address guessing across many users)").check(Setting.atLeast(0), "at least 0");
    public static final Setting<Long> FAILURES_WINDOW_SECONDS = Setting.integer(
            "otp.guard.ip.failures.window.seconds", DEFAULTS.failureWindowSeconds(), "seconds",
            "the sliding failure window").check(Setting.atLeast(1), "at least 1");
    public static final Setting<Long> CHALLENGE_AFTER_FAILURES = Setting.integer(
            "otp.guard.ip.challenge.after.failures", DEFAULTS.challengeAfterFailures(), "count",
            "wrong codes in the window after which answers carry challengeRequired").check(Setting.atLeast(0),
            "at least 0");
    public static final Setting<Long> BLOCK_SECONDS = Setting.integer("otp.guard.ip.block.seconds",
            DEFAULTS.blockSeconds(), "seconds", "how long an address stays refused").check(Setting.atLeast(1),
            "at least 1");

    public static final Setting<Long> WIDE_FACTOR = Setting.integer("otp.guard.ip.ipv6.wide.factor",
            DEFAULTS.wideFactor(), "times", "how many times each threshold a wider IPv6 prefix "
                    + "(otp.guard.ipv6.wide.prefix.length) may reach before it is challenged or blocked: a /48 holds "
                    + "many subscribers' /64s behind one site").check(Setting.atLeast(1), "at least 1");

    /** Every setting of the guard, the IPv6 prefixes it shares with otp-api included. */
    public static final List<Setting<?>> SETTINGS = List.of(MAX_REQUESTS, REQUESTS_WINDOW_SECONDS,
            CHALLENGE_AFTER_REQUESTS, MAX_FAILURES, FAILURES_WINDOW_SECONDS, CHALLENGE_AFTER_FAILURES, BLOCK_SECONDS,
            WIDE_FACTOR, SharedSettings.IPV6_PREFIX_LENGTH, SharedSettings.IPV6_WIDE_PREFIX_LENGTH);

    /** Thresholds with the default wider IPv6 prefix (/48) and factor (4). */
    public IpGuardRules(final int maxRequests, final long requestWindowSeconds, final int challengeAfterRequests,
                        final int maxFailures, final long failureWindowSeconds, final int challengeAfterFailures,
                        final long blockSeconds, final int ipv6PrefixLength) {
        this(maxRequests, requestWindowSeconds, challengeAfterRequests, maxFailures, failureWindowSeconds,
                challengeAfterFailures, blockSeconds, ipv6PrefixLength, IpKeys.DEFAULT_IPV6_WIDE_PREFIX, 4);
    }

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if a value is out of range
     */
    public IpGuardRules {
        if (maxRequests < 0 || maxFailures < 0 || challengeAfterRequests < 0 || challengeAfterFailures < 0
                || requestWindowSeconds < 1 || failureWindowSeconds < 1 || blockSeconds < 1
                || ipv6PrefixLength < 1 || ipv6PrefixLength > 128 || ipv6WidePrefixLength < 0
                || ipv6WidePrefixLength > 128 || wideFactor < 1) {
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
        return new IpGuardRules(MAX_REQUESTS.read(s).intValue(), REQUESTS_WINDOW_SECONDS.read(s),
                CHALLENGE_AFTER_REQUESTS.read(s).intValue(), MAX_FAILURES.read(s).intValue(),
                FAILURES_WINDOW_SECONDS.read(s), CHALLENGE_AFTER_FAILURES.read(s).intValue(), BLOCK_SECONDS.read(s),
                SharedSettings.IPV6_PREFIX_LENGTH.read(s).intValue(),
                SharedSettings.IPV6_WIDE_PREFIX_LENGTH.read(s).intValue(), WIDE_FACTOR.read(s).intValue());
    }
}
