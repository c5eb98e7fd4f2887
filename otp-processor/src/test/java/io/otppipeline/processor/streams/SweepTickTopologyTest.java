package io.otppipeline.processor.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.processor.domain.OtpRules;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the sweep ticker reads before it ticks a partition ({@link CommandTicker#hasDue}): work is due only once a
 * time index holds an entry at or before the wall clock, and a tick that sweeps it leaves nothing due, so an idle
 * pipeline gets no tick (issue 30).
 */
class SweepTickTopologyTest {

    private final TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS);

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void shouldFindNothingDueWhenNoCodeWasEverRequested() {
        final var muchLater = t.now().plus(Duration.ofDays(2));

        assertThat(t.sweepDueAt(Nodes.EXPIRY_INDEX_STORE, muchLater)).isFalse();
        assertThat(t.sweepDueAt(Nodes.GATE_LAPSES_STORE, muchLater)).isFalse();
        assertThat(t.sweepDueAt(Nodes.IP_LAPSES_STORE, muchLater)).isFalse();
    }

    @Test
    void shouldFindWorkDueOnlyFromTheCodesDeadlineWhenCodeWasRequested() {
        t.request("login");
        final long lifetimeMs = OtpRules.DEFAULTS.forPurpose("login").lifetimeSeconds() * 1000;

        assertThat(t.sweepDueAt(Nodes.EXPIRY_INDEX_STORE, t.now())).isFalse();
        assertThat(t.sweepDueAt(Nodes.EXPIRY_INDEX_STORE, t.now().plusMillis(lifetimeMs))).isTrue();
        assertThat(t.sweepDueAt(Nodes.GATE_LAPSES_STORE, t.now().plus(Duration.ofDays(2)))).isTrue();
    }

    @Test
    void shouldLeaveNothingDueWhenTickSweptEverythingThatLapsed() {
        t.request("login");
        t.advance(Duration.ofDays(2)); // a tick far past every deadline: the code, the send window, the gate's window

        assertThat(t.eventTypes()).contains("otp.expired");
        assertThat(t.sweepDueAt(Nodes.EXPIRY_INDEX_STORE, t.now())).isFalse();
        assertThat(t.sweepDueAt(Nodes.GATE_LAPSES_STORE, t.now())).isFalse();
        assertThat(t.storeKeys(Nodes.EXPIRY_INDEX_STORE)).isEmpty();
    }
}
