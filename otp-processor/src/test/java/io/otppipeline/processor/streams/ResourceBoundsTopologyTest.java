package io.otppipeline.processor.streams;

import static io.otppipeline.processor.streams.TopologyHarness.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.schemas.command.Channel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * State is bounded by what is live: 20,000 distinct users each request one code and never come back (a crawler
 * inventing user ids); once their codes, send windows, lockout decay, the send gate's destination windows and the
 * IP guard's window have all passed, the sweep has removed every record of every store. (The sweep has no batch cap,
 * so more users would only take longer: 100,000 took 86 s of the suite for the same assertion.)
 */
class ResourceBoundsTopologyTest {

    private static final int USERS = 20_000;

    @Test
    void shouldLeaveNoStateWhenTwentyThousandUsersRequestedOnceAndEveryWindowPassed() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            for (int i = 0; i < USERS; i++) {
                t.requestFor(TENANT, "crawled-" + i, Channel.EMAIL, "crawled-" + i + "@example.com");
                if (i % 1000 == 999) {
                    t.drainOutputs();
                    t.advance(Duration.ofMillis(100));
                }
            }
            assertThat(t.storeKeys(Nodes.USER_STATE_STORE)).hasSize(USERS);
            assertThat(t.storeKeys(Nodes.GATE_DESTINATIONS_STORE)).hasSize(USERS);

            for (int hour = 0; hour < 26; hour++) {
                t.advance(Duration.ofHours(1));
                t.drainOutputs();
            }

            for (String store : new String[] {Nodes.USER_STATE_STORE, Nodes.IDEMPOTENCY_STORE,
                Nodes.EXPIRY_INDEX_STORE, Nodes.GATE_DESTINATIONS_STORE, Nodes.GATE_LAPSES_STORE,
                Nodes.IP_WINDOWS_STORE, Nodes.IP_LAPSES_STORE}) {
                assertThat(t.storeKeys(store)).as(store).isEmpty();
            }
        }
    }
}
