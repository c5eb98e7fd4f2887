package io.otppipeline.bench;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * What one run records while it runs, from any thread: latencies in an HdrHistogram (microseconds, 3
 * significant digits, up to 5 minutes; answers and failures alike), decisions by name, errors, and the first
 * start and last completion (nanoseconds of {@link System#nanoTime()}).
 */
final class Measurement {

    private static final long MAX_MICROS = 300_000_000L;

    private final Histogram latencies = new ConcurrentHistogram(MAX_MICROS, 3);
    private final Map<String, LongAdder> decisions = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    private final LongAdder errors = new LongAdder();
    private final AtomicLong firstStart = new AtomicLong(Long.MAX_VALUE);
    private final AtomicLong lastEnd = new AtomicLong(Long.MIN_VALUE);

    /** Notes that an operation was sent (or was due to be sent, for an open-loop schedule) at {@code nanos}. */
    void started(final long nanos) {
        firstStart.accumulateAndGet(nanos, Math::min);
    }

    /**
     * Records one completed operation.
     *
     * @param startNanos when it was sent or, open loop, when it was due (so queueing counts: no coordinated
     *     omission)
     * @param endNanos when its answer arrived
     * @param decision the system's answer, for example {@code approved} or {@code 429}
     */
    void completed(final long startNanos, final long endNanos, final String decision) {
        recordLatency(startNanos, endNanos);
        decisions.computeIfAbsent(decision, d -> new LongAdder()).increment();
        lastEnd.accumulateAndGet(endNanos, Math::max);
    }

    /**
     * Records an operation that got no answer (a timeout, a connection error, an HTTP 5xx). Its time to failure
     * counts in the latency percentiles like an answer's: an open-loop report that left failures out would flatter
     * the tail exactly when the system falls behind.
     *
     * @param startNanos when it was sent or, open loop, when it was due
     * @param endNanos when it failed
     * @param kind why, for the error counts of the report (an exception's class, an HTTP status)
     */
    void failed(final long startNanos, final long endNanos, final String kind) {
        recordLatency(startNanos, endNanos);
        errorKinds.computeIfAbsent(kind, d -> new LongAdder()).increment();
        errors.increment();
        lastEnd.accumulateAndGet(endNanos, Math::max);
    }

    /** Records {@code startNanos} to {@code endNanos} in microseconds, clamped to the histogram's range. */
    private void recordLatency(final long startNanos, final long endNanos) {
        latencies.recordValue(Math.min(MAX_MICROS, Math.max(0, (endNanos - startNanos) / 1000)));
    }

    /** The figures of this run. */
    RunResult result(final String path, final String workload, final String system, final Integer rate,
                     final Map<String, ProcessUsage> processes) {
        final long elapsed = Math.max(1, lastEnd.get() - firstStart.get());
        final Map<String, Long> counts = new TreeMap<>();
        decisions.forEach((k, v) -> counts.put(k, v.sum()));
        errorKinds.forEach((k, v) -> counts.put("error: " + k, v.sum()));
        final long ok = latencies.getTotalCount() - errors.sum();
        return new RunResult(path, workload, system, rate, ok + errors.sum(), errors.sum(), elapsed / 1e9,
                ok / (elapsed / 1e9), millis(50), millis(95), millis(99), millis(99.9), millis(100), counts,
                processes);
    }

    private double millis(final double percentile) {
        return latencies.getValueAtPercentile(percentile) / 1000.0;
    }
}
