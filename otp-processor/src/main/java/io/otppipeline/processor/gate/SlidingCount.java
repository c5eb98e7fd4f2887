package io.otppipeline.processor.gate;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Counts in fixed-width time buckets (epoch-millisecond bucket start → count), for budgets over windows too long
 * to keep every send (an hour, a day). Bounded: buckets older than what a caller keeps are dropped on each add.
 *
 * <p>A window's count is the sum of every bucket that overlaps it, so the count can only be higher than the
 * true count of the sliding window, never lower: a budget checked against it is never exceeded in any window
 * of its length, and may refuse up to one bucket width early (a minute in an hour, an hour in a day).
 *
 * @param buckets bucket start (epoch milliseconds, a multiple of the width) → count, sorted
 */
public record SlidingCount(SortedMap<Long, Long> buckets) {

    /** No counts. */
    public static final SlidingCount EMPTY = new SlidingCount(new TreeMap<>());

    /** One minute, in milliseconds: the bucket width of hourly windows. */
    public static final long MINUTE_MS = 60_000L;
    /** One hour, in milliseconds: the bucket width of daily windows. */
    public static final long HOUR_MS = 3_600_000L;

    /** Sorted, unmodifiable copy. */
    public SlidingCount {
        buckets = Collections.unmodifiableSortedMap(new TreeMap<>(buckets));
    }

    /**
     * These counts plus one at {@code atMs}, without buckets that ended before {@code keepFromMs}.
     *
     * @param widthMs bucket width, milliseconds
     */
    public SlidingCount plusOne(final long atMs, final long widthMs, final long keepFromMs) {
        final TreeMap<Long, Long> next = new TreeMap<>(buckets.tailMap(keepFromMs - widthMs + 1));
        next.merge(Math.floorDiv(atMs, widthMs) * widthMs, 1L, Long::sum);
        return new SlidingCount(next);
    }

    /**
     * Sum of the buckets that overlap the window {@code (nowMs - windowMs, nowMs]}.
     *
     * @param widthMs bucket width, milliseconds
     */
    public long within(final long nowMs, final long windowMs, final long widthMs) {
        return between(nowMs - windowMs - widthMs + 1, nowMs + 1);
    }

    /**
     * Sum of the buckets that start at or after {@code fromMs} and before {@code toMs} (epoch milliseconds).
     */
    public long between(final long fromMs, final long toMs) {
        return fromMs >= toMs ? 0 : buckets.subMap(fromMs, toMs).values().stream().mapToLong(Long::longValue).sum();
    }

    /** End of the newest bucket, epoch milliseconds; {@code 0} if there is none. */
    public long newestEndMs(final long widthMs) {
        return buckets.isEmpty() ? 0 : buckets.lastKey() + widthMs;
    }

    /** Whether a bucket starts at {@code bucketStartMs}. */
    public boolean has(final long bucketStartMs) {
        return buckets.containsKey(bucketStartMs);
    }
}
