package io.otppipeline.processor.guard;

import io.otppipeline.processor.gate.SlidingCount;
import io.otppipeline.schemas.command.IpActivity;
import io.otppipeline.schemas.command.IpKeys;
import io.otppipeline.schemas.command.IpVerdict;

/**
 * The IP guard's rule (docs/ARCHITECTURE.md section 5b): counts one kind of activity of one address in one tenant
 * over a sliding window and decides the address's verdict: blocked for {@code blockSeconds} once the count reaches
 * the maximum, a challenge for one window once it reaches the lower threshold. An IPv6 address is counted under
 * two keys, its /64 and its /48 ({@link IpKeys#keys}); the /48 is held to {@link IpGuardRules#wideFactor()} times
 * each threshold. Kafka-free and deterministic: reads
 * only the address's window, the activity and its timestamp.
 *
 * <p>The verdict reaches otp-api through {@code otp.ip-verdicts.v1} and is stamped into later commands: it is
 * approximate, because commands already on their way when the threshold is crossed are decided without it. The
 * overshoot is at most the attack rate times that lag (two commits and a consumer poll); the IP guard's
 * integration test measures it.
 */
public final class IpGuard {

    private final IpGuardRules rules;

    /** @param rules thresholds and windows */
    public IpGuard(final IpGuardRules rules) {
        this.rules = rules;
    }

    /** The thresholds and windows. */
    public IpGuardRules rules() {
        return rules;
    }

    /**
     * The window after one more activity, and the verdict if it changed.
     *
     * @param nowMs the activity's timestamp (its decision time), epoch milliseconds
     */
    public Counted count(final IpWindow window, final IpActivity kind, final String ipKey, final long nowMs) {
        final long windowMs = windowMs(kind);
        // a wider IPv6 prefix (a /48) holds many /64s: it is held to a multiple of each threshold
        final int factor = IpKeys.isWide(ipKey, rules.ipv6WidePrefixLength()) ? rules.wideFactor() : 1;
        final int max = factor * (kind == IpActivity.REQUEST ? rules.maxRequests() : rules.maxFailures());
        final int challengeAfter = factor * (kind == IpActivity.REQUEST ? rules.challengeAfterRequests()
                : rules.challengeAfterFailures());
        final SlidingCount counts = window.counts().plusOne(nowMs, SlidingCount.MINUTE_MS, nowMs - windowMs);
        final long count = counts.within(nowMs, windowMs, SlidingCount.MINUTE_MS);
        long blockedUntil = window.blockedUntilMs();
        long challengeUntil = window.challengeUntilMs();
        if (max > 0 && count >= max && nowMs >= blockedUntil) {
            blockedUntil = nowMs + rules.blockSeconds() * 1000L;
            challengeUntil = Math.max(challengeUntil, blockedUntil);
        } else if (challengeAfter > 0 && count >= challengeAfter && nowMs >= challengeUntil) {
            challengeUntil = nowMs + windowMs;
        }
        // a block is the penalty for what was counted: counting starts afresh, so the first attempt after the block
        // does not block again because the window (a minute wider than configured) still holds the old ones
        final IpWindow next = new IpWindow(blockedUntil != window.blockedUntilMs() ? SlidingCount.EMPTY : counts,
                blockedUntil, challengeUntil);
        final boolean changed = blockedUntil != window.blockedUntilMs() || challengeUntil != window.challengeUntilMs();
        return new Counted(next, changed ? new IpVerdict(ipKey, blockedUntil, challengeUntil) : null);
    }

    /**
     * When {@code window} holds nothing that matters any more (no count in the window, no block, no challenge),
     * epoch milliseconds.
     */
    public long lapsesAtMs(final IpWindow window, final IpActivity kind) {
        return Math.max(window.counts().newestEndMs(SlidingCount.MINUTE_MS) + windowMs(kind),
                Math.max(window.blockedUntilMs(), window.challengeUntilMs()));
    }

    private long windowMs(final IpActivity kind) {
        return (kind == IpActivity.REQUEST ? rules.requestWindowSeconds() : rules.failureWindowSeconds()) * 1000L;
    }

    /**
     * The result of counting one activity.
     *
     * @param next the address's window after it
     * @param verdict the verdict to publish when it changed, else {@code null}
     */
    public record Counted(IpWindow next, IpVerdict verdict) {
    }
}
