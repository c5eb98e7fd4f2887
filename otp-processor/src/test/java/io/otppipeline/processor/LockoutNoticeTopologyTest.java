package io.otppipeline.processor;

import static io.otppipeline.processor.TopologyHarness.EMAIL;
import static io.otppipeline.processor.TopologyHarness.TENANT;
import static io.otppipeline.processor.TopologyHarness.wrong;
import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Lockout notices (docs/API.md, "Lockout notices"): one notice per lockout of the whole user, to the destination of
 * the user's last code, for tenants that turned them on; nothing for the others.
 */
class LockoutNoticeTopologyTest {

    @Test
    void shouldSendOneNoticeToLastDestinationWhenLockoutStarts() throws Exception {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS.withLockoutNotices(Set.of(TENANT)))) {
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
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS.withLockoutNotices(Set.of("globex")))) {
            final String code = t.requestAndReadCode("login");
            for (int i = 0; i < 5; i++) {
                t.verify("login", wrong(code));
            }

            assertThat(t.eventTypes()).contains(EventTypes.LOCKOUT_STARTED).doesNotContain(EventTypes.LOCKOUT_NOTICE);
            assertThat(t.delivery.isEmpty()).isTrue();
            assertThat(t.userState().contact()).as("nothing remembered for a tenant without notices").isNull();
        }
    }
}
