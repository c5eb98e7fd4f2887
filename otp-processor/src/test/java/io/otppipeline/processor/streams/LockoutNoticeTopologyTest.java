package io.otppipeline.processor.streams;

import static io.otppipeline.processor.streams.TopologyHarness.EMAIL;
import static io.otppipeline.processor.streams.TopologyHarness.TENANT;
import static io.otppipeline.processor.streams.TopologyHarness.wrong;
import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.reply.FactorEnrolledReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lockout notices (docs/API.md, "Lockout notices"): one notice per lockout of the whole user, to the destination of
 * the user's last code, for tenants that turned them on; nothing for the others.
 */
class LockoutNoticeTopologyTest {

    @Test
    void shouldSendOneNoticeToLastDestinationWhenLockoutStarts() throws Exception {
        try (TopologyHarness t = new TopologyHarness(PerUserRulesTopologyTest.LOCK_AT_FIVE.withLockoutNotices(Set.of(TENANT)))) {
            final String code = t.requestAndReadCode("login");
            t.events();
            for (int i = 0; i < 5; i++) {
                t.verify("login", wrong(code));
            }
            assertThat(t.verify("login", code).status()).as("locked: no second notice").isEqualTo(ReplyStatus.LOCKED);

            final List<OtpIssued> sent = t.delivery.readValuesToList();
            final List<CloudEvent> events = t.events();

            assertThat(sent).hasSize(1);
            final OtpIssued notice = sent.get(0);
            assertThat(notice.purpose()).isEqualTo(OtpRequested.LOCKOUT_NOTICE_PURPOSE);
            assertThat(t.openSecret(notice).destination()).isEqualTo(EMAIL);
            assertThat(t.openSecret(notice).code()).as("a notice carries no code").isNull();
            final CloudEvent started = events.stream().filter(e -> e.type().equals(EventTypes.LOCKOUT_STARTED))
                    .findFirst().orElseThrow();
            assertThat(notice.expiresAt()).as("moot once the lockout ends")
                    .isEqualTo(Instant.parse(started.data().path("lockedUntil").asText()));
            final List<CloudEvent> notices = events.stream()
                    .filter(e -> e.type().equals(EventTypes.LOCKOUT_NOTICE)).toList();
            assertThat(notices).hasSize(1);
            assertThat(notices.get(0).data().path("noticeId").asText()).isEqualTo(notice.otpId());
            assertThat(notices.get(0).toString()).doesNotContain(EMAIL);
            assertThat(Json.mapper().writeValueAsString(t.userState())).as("the state keeps it sealed")
                    .doesNotContain(EMAIL);
        }
    }

    @Test
    void shouldSendNoNoticeWhenTenantHasNoticesOff() {
        try (TopologyHarness t = new TopologyHarness(PerUserRulesTopologyTest.LOCK_AT_FIVE.withLockoutNotices(Set.of("globex")))) {
            final String code = t.requestAndReadCode("login");
            for (int i = 0; i < 5; i++) {
                t.verify("login", wrong(code));
            }

            assertThat(t.eventTypes()).contains(EventTypes.LOCKOUT_STARTED).doesNotContain(EventTypes.LOCKOUT_NOTICE);
            assertThat(t.delivery.isEmpty()).isTrue();
            assertThat(t.userState().contact()).as("nothing remembered for a tenant without notices").isNull();
        }
    }

    /**
     * The last destination is kept only beside something else of the user's. A sweep deletes a state that holds
     * nothing else, so a decision must forget it too: otherwise whether a sweep tick came between the last code's
     * lapse and the next command decided whether a later lockout sent a notice (a sweep never changes a decision,
     * docs/DESIGN-NOTES.md, "Deterministic decisions").
     */
    @ParameterizedTest(name = "a sweep tick came before the next command: {0}")
    @ValueSource(booleans = {true, false})
    void shouldSendNoNoticeWhenEverythingButTheLastDestinationWasForgotten(final boolean tickCame) {
        try (TopologyHarness t = new TopologyHarness(PerUserRulesTopologyTest.LOCK_AT_FIVE.withLockoutNotices(Set.of(TENANT)))) {
            t.requestAndReadCode("login");
            // the code expired after 10 minutes and is forgotten since; its send left the 15-minute window
            t.advanceWithoutTick(Duration.ofMinutes(30));
            if (tickCame) {
                t.tick();
            }
            final String factorId = TopologyHarness.as(FactorEnrolledReply.class,
                    t.enrol(FactorType.TOTP, new byte[20])).factorId();
            for (int i = 0; i < 5; i++) {
                t.confirmFactor(factorId, "000000");
            }

            assertThat(t.eventTypes()).contains(EventTypes.LOCKOUT_STARTED).doesNotContain(EventTypes.LOCKOUT_NOTICE);
            assertThat(t.delivery.isEmpty()).as("no notice to a destination already forgotten").isTrue();
            assertThat(t.userState().contact()).isNull();
        }
    }
}
