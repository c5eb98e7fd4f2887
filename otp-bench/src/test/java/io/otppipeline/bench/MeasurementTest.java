package io.otppipeline.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The figures of one run: failures count in the latency percentiles, not in the throughput. */
class MeasurementTest {

    private static final long MS = 1_000_000L;

    @Test
    void shouldCountFailuresInPercentilesButNotInThroughputWhenOperationsTimeOut() {
        final Measurement m = new Measurement();
        m.started(0);
        for (int i = 0; i < 98; i++) {
            m.completed(0, MS, "approved");
        }
        m.failed(0, 5_000 * MS, "TimeoutException");
        m.failed(0, 5_000 * MS, "TimeoutException");

        final RunResult r = m.result("b-http", "uniform", "streams", 2000, Map.of());

        assertThat(r.operations()).isEqualTo(100);
        assertThat(r.errors()).isEqualTo(2);
        assertThat(r.throughput()).isCloseTo(98 / 5.0, within(0.01)); // answered operations over first send to last end
        assertThat(r.p50Ms()).isCloseTo(1.0, within(0.01));
        assertThat(r.p99Ms()).as("two timeouts in a hundred are the 99th percentile").isCloseTo(5_000, within(5.0));
        assertThat(r.decisions()).containsEntry("approved", 98L).containsEntry("error: TimeoutException", 2L);
    }
}
