package io.otppipeline.processor.guard;

import io.otppipeline.processor.gate.SlidingCount;

/**
 * One address's activity of one kind in one tenant, as the IP guard keeps it.
 *
 * @param counts activity per minute
 * @param blockedUntilMs until when the address is refused, epoch milliseconds ({@code 0}: never blocked)
 * @param challengeUntilMs until when answers ask for a challenge, epoch milliseconds ({@code 0}: never)
 */
public record IpWindow(SlidingCount counts, long blockedUntilMs, long challengeUntilMs) {

    /** Nothing counted. */
    public static final IpWindow EMPTY = new IpWindow(SlidingCount.EMPTY, 0, 0);
}
