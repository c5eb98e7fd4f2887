package io.otppipeline.schemas.command;

/**
 * What the IP guard said about the end user's client address when otp-api accepted a command, stamped into the
 * command so that the processor's decision reads it like any other field and stays deterministic
 * (docs/ARCHITECTURE.md section 5b). Taken from {@code otp.ip-verdicts.v1}, which an aggregator over the event
 * stream writes off the hot path: approximate by design, an attacker gets at most (attack rate × aggregation
 * lag) more attempts than the threshold.
 *
 * @param ipKey the address the verdict is about: an IPv4 address, or an IPv6 prefix such as
 *     {@code 2001:db8:1:2::/64}
 * @param blockedUntilMs until when commands of this kind from the address are refused ({@code rate_limited},
 *     reason {@code ip_limit}), epoch milliseconds; {@code 0} if not blocked
 * @param challengeUntilMs until when answers carry {@code challengeRequired} (the caller should show a
 *     CAPTCHA), epoch milliseconds; {@code 0} if none
 */
public record IpVerdict(String ipKey, long blockedUntilMs, long challengeUntilMs) {

    /**
     * The verdict that applies when an address has two ({@link IpKeys#keys}: its /64 and its /48): blocked and
     * challenged as long as either says; named by the key whose block ends later. Either may be {@code null}.
     */
    public static IpVerdict strongest(final IpVerdict a, final IpVerdict b) {
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return new IpVerdict(a.blockedUntilMs >= b.blockedUntilMs ? a.ipKey : b.ipKey,
                Math.max(a.blockedUntilMs, b.blockedUntilMs), Math.max(a.challengeUntilMs, b.challengeUntilMs));
    }

    /** Whether commands are refused at {@code nowMs} (epoch milliseconds). */
    public boolean blockedAt(final long nowMs) {
        return nowMs < blockedUntilMs;
    }

    /** Whether answers ask for a challenge at {@code nowMs} (epoch milliseconds). */
    public boolean challengeAt(final long nowMs) {
        return nowMs < challengeUntilMs;
    }
}
