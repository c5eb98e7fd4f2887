package io.otppipeline.processor.gate;

import java.util.ArrayList;
import java.util.List;

/**
 * The send gate's state that one send decision reads and writes (docs/ARCHITECTURE.md section 5b). For e-mail
 * only {@link #destination()} is used.
 *
 * @param destination sends to the destination
 * @param country SMS to the destination's country calling code, and the conversion breaker
 * @param tenant SMS of the tenant
 */
public record GateWindows(DestinationWindow destination, CountryWindow country, TenantWindow tenant) {

    /**
     * Sends to one destination inside the destination window: exact, one timestamp per send (at most the budget).
     *
     * @param sentAtMs send times, epoch milliseconds, oldest first
     */
    public record DestinationWindow(List<Long> sentAtMs) {

        /** No sends. */
        public static final DestinationWindow EMPTY = new DestinationWindow(List.of());

        /** Unmodifiable copy. */
        public DestinationWindow {
            sentAtMs = List.copyOf(sentAtMs);
        }

        /** The sends after {@code fromMs} (exclusive, epoch milliseconds). */
        DestinationWindow since(final long fromMs) {
            return new DestinationWindow(sentAtMs.stream().filter(t -> t > fromMs).toList());
        }

        DestinationWindow plus(final long atMs) {
            final ArrayList<Long> next = new ArrayList<>(sentAtMs);
            next.add(atMs);
            return new DestinationWindow(next);
        }

        /** When the newest send leaves a window of {@code windowMs}, epoch milliseconds ({@code 0} if none). */
        public long lapsesAtMs(final long windowMs) {
            return sentAtMs.isEmpty() ? 0 : sentAtMs.get(sentAtMs.size() - 1) + windowMs;
        }
    }

    /**
     * SMS to one country calling code of one tenant: sends per minute (for the hourly budget and the breaker),
     * verified codes per minute of their send, and the breaker's block.
     *
     * @param sends sends by minute of sending
     * @param verified verified codes by minute of sending
     * @param blockedUntilMs until when the breaker blocks the prefix, epoch milliseconds; {@code 0} if never
     */
    public record CountryWindow(SlidingCount sends, SlidingCount verified, long blockedUntilMs) {

        /** No sends, not blocked. */
        public static final CountryWindow EMPTY = new CountryWindow(SlidingCount.EMPTY, SlidingCount.EMPTY, 0);
    }

    /**
     * SMS of one tenant: per minute for the hourly budget, per hour for the daily one.
     *
     * @param lastHour sends by minute
     * @param lastDay sends by hour
     */
    public record TenantWindow(SlidingCount lastHour, SlidingCount lastDay) {

        /** No sends. */
        public static final TenantWindow EMPTY = new TenantWindow(SlidingCount.EMPTY, SlidingCount.EMPTY);
    }
}
