package io.otppipeline.processor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.otppipeline.runtime.config.Setting;
import io.otppipeline.runtime.config.Settings;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the processor does when a stream thread dies of an exception: it replaces the thread (Kafka Streams'
 * {@code REPLACE_THREAD}; the task restarts from its last commit, exactly-once), but at most
 * {@link #MAX} times in {@link #WINDOW_SECONDS}. One more failure inside the window shuts the client down
 * ({@code SHUTDOWN_CLIENT}): a failure that repeats is a poison record or a broken dependency, and replacing
 * threads for ever would only spin, hiding it. Then {@code /healthz} answers 503 so that the orchestrator
 * restarts the process, and alert {@code OtpProcessorThreadsFailing} fires on the counter
 * {@code otp_processor_stream_thread_failures_total} (tag {@code response}: {@code replace_thread} or
 * {@code shutdown_client}).
 *
 * <p>The clock here is the wall clock: this is the service's health, not a decision.
 */
final class ThreadReplacements implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ThreadReplacements.class);

    public static final Setting<Long> MAX = Setting.integer("processor.thread.replacements.max", 3, "count",
            "stream threads replaced after an uncaught exception within the window; one more failure in it shuts "
                    + "the processor's Kafka Streams client down (/healthz 503, alert OtpProcessorThreadsFailing)")
            .check(Setting.atLeast(0), "at least 0");
    public static final Setting<Long> WINDOW_SECONDS = Setting.integer("processor.thread.replacements.window.seconds",
            600, "seconds", "the window in which processor.thread.replacements.max counts failures")
            .check(Setting.atLeast(1), "at least 1");

    /** Both settings. */
    static final List<Setting<?>> SETTINGS = List.of(MAX, WINDOW_SECONDS);

    /**
     * The bound.
     *
     * @param max threads replaced at most within the window ({@link #MAX})
     * @param windowMs the window, in milliseconds ({@link #WINDOW_SECONDS})
     */
    record Bound(int max, long windowMs) {

        static Bound from(final Settings s) {
            return new Bound(MAX.read(s).intValue(), WINDOW_SECONDS.read(s) * 1000L);
        }
    }

    private final Bound bound;
    private final LongSupplier clockMs;
    private final Deque<Long> failuresMs = new ArrayDeque<>();
    private final Counter replaced;
    private final Counter shutDown;

    /**
     * @param bound the bound
     * @param clockMs the time in epoch milliseconds ({@code System::currentTimeMillis} in the service)
     * @param meters where the failure counter is registered (at 0, so that the alert's series exists)
     */
    ThreadReplacements(final Bound bound, final LongSupplier clockMs, final MeterRegistry meters) {
        this.bound = bound;
        this.clockMs = clockMs;
        this.replaced = counter(meters, "replace_thread");
        this.shutDown = counter(meters, "shutdown_client");
    }

    private static Counter counter(final MeterRegistry meters, final String response) {
        return Counter.builder("otp.processor.stream.thread.failures")
                .description("stream threads that died of an uncaught exception, by what the processor did")
                .tag("response", response).register(meters);
    }

    @Override
    public synchronized StreamThreadExceptionResponse handle(final Throwable exception) {
        final long nowMs = clockMs.getAsLong();
        while (!failuresMs.isEmpty() && failuresMs.peekFirst() <= nowMs - bound.windowMs()) {
            failuresMs.pollFirst();
        }
        failuresMs.addLast(nowMs);
        if (failuresMs.size() > bound.max()) {
            shutDown.increment();
            LOG.error("stream thread failed, {} failures within {} s: shutting the Kafka Streams client down",
                    failuresMs.size(), bound.windowMs() / 1000, exception);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replaced.increment();
        LOG.error("stream thread failed ({} of {} replacements within {} s); replacing it", failuresMs.size(),
                bound.max(), bound.windowMs() / 1000, exception);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
