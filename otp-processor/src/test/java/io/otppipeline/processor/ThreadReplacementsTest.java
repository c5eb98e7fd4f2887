package io.otppipeline.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

/** A failed stream thread is replaced a bounded number of times per window, then the client shuts down. */
class ThreadReplacementsTest {

    private final AtomicLong clockMs = new AtomicLong(1_000_000);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ThreadReplacements handler = new ThreadReplacements(new ThreadReplacements.Bound(2, 60_000),
            clockMs::get, meters);

    private double count(final String response) {
        return meters.get("otp.processor.stream.thread.failures").tag("response", response).counter().count();
    }

    @Test
    void shouldShutDownTheClientWhenFailuresExceedTheBoundWithinTheWindow() {
        final StreamThreadExceptionResponse first = handler.handle(new IllegalStateException("1"));
        clockMs.addAndGet(10_000);
        final StreamThreadExceptionResponse second = handler.handle(new IllegalStateException("2"));
        clockMs.addAndGet(10_000);
        final StreamThreadExceptionResponse third = handler.handle(new IllegalStateException("3"));

        assertThat(first).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(second).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(third).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        assertThat(count("replace_thread")).isEqualTo(2);
        assertThat(count("shutdown_client")).isEqualTo(1);
    }

    @Test
    void shouldKeepReplacingWhenEarlierFailuresHaveLeftTheWindow() {
        handler.handle(new IllegalStateException("1"));
        handler.handle(new IllegalStateException("2"));
        clockMs.addAndGet(60_000);

        assertThat(handler.handle(new IllegalStateException("3")))
                .as("both earlier failures are a window old").isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        assertThat(count("shutdown_client")).isZero();
    }

    @Test
    void shouldRegisterBothSeriesAtZeroWhenNothingFailed() {
        assertThat(count("replace_thread")).isZero();
        assertThat(count("shutdown_client")).isZero();
    }
}
