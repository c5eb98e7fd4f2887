package io.otppipeline.processor.streams;

import static io.otppipeline.processor.streams.TopologyHarness.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.processor.gate.SendGate;
import io.otppipeline.processor.gate.SendGatePolicy;
import io.otppipeline.processor.gate.SendGateRules;
import io.otppipeline.processor.gate.SendGateRules.BreakerRules;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.Destinations;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.OtpStatusReply;
import io.otppipeline.schemas.command.OtpStatusRequested;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The send gate (docs/ARCHITECTURE.md section 5b) on the whole topology: every budget, its window, the allow-list,
 * the safe list and the conversion breaker, with time advanced by the harness. Users are invented per request, as
 * an SMS pumper would, so that no per-user rule interferes.
 */
class SendGateTopologyTest {

    private static final SendGateRules OFF = new SendGateRules(0, 600, 0, 0, 0, new TreeSet<>(),
            new BreakerRules(0, 20, 3600, 600, 3600));
    private int users;

    @Test
    void shouldSuppressSixthCodeWhenFiveWentToTheSameNumberWithinTenMinutes() {
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS)) {
            final String phone = london(1);
            for (int i = 0; i < 6; i++) {
                assertThat(t.requestFor(TENANT, user(), Channel.SMS, phone)).as("the answer is never held back")
                        .isInstanceOf(IssuedReply.class);
            }

            assertThat(t.delivery.readValuesToList()).hasSize(5);
            assertThat(suppressions(t)).containsExactly(SendGate.DESTINATION_LIMIT);

            t.advance(Duration.ofMinutes(10));
            t.requestFor(TENANT, user(), Channel.SMS, phone);
            assertThat(t.delivery.readValuesToList()).as("the window slid past the first send").hasSize(1);
        }
    }

    @Test
    void shouldLimitEmailPerAddressButNotCountItTowardSmsBudgetsWhenChannelIsEmail() {
        final SendGateRules rules = new SendGateRules(2, 600, 1, 1, 1, new TreeSet<>(), OFF.breaker());
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS.withTenant(TENANT, rules))) {
            for (int i = 0; i < 3; i++) {
                t.requestFor(TENANT, user(), Channel.EMAIL, "pumped@example.com");
            }
            t.requestFor(TENANT, user(), Channel.SMS, london(1));

            assertThat(t.delivery.readValuesToList()).extracting(OtpIssued::channel)
                    .containsExactly(Channel.EMAIL, Channel.EMAIL, Channel.SMS);
            assertThat(suppressions(t)).containsExactly(SendGate.DESTINATION_LIMIT);
        }
    }

    @Test
    void shouldCountOneBudgetWhenAddressesDifferOnlyByCasePlusTagOrGmailDots() {
        final SendGateRules rules = new SendGateRules(2, 600, 0, 0, 0, new TreeSet<>(), OFF.breaker());
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS.withTenant(TENANT, rules))) {
            // issue 32: every spelling reaches one inbox, so together they get one per-destination budget
            for (String address : List.of("victim+1@example.com", "Victim+2@example.com", "victim@example.com")) {
                t.requestFor(TENANT, user(), Channel.EMAIL, address);
            }
            for (String address : List.of("v.ic.tim@gmail.com", "victim+x@gmail.com", "VICTIM@gmail.com")) {
                t.requestFor(TENANT, user(), Channel.EMAIL, address);
            }

            assertThat(t.delivery.readValuesToList()).as("two per mailbox").hasSize(4);
            assertThat(suppressions(t)).containsExactly(SendGate.DESTINATION_LIMIT, SendGate.DESTINATION_LIMIT);
        }
    }

    @Test
    void shouldStopPumpingAtCountryBudgetWhenInventedUsersTargetOnePrefix() {
        final SendGateRules rules = new SendGateRules(5, 600, 10, 0, 0, new TreeSet<>(), OFF.breaker());
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS.withTenant(TENANT, rules))) {
            for (int i = 0; i < 15; i++) {
                t.requestFor(TENANT, user(), Channel.SMS, london(i));
            }
            t.requestFor(TENANT, user(), Channel.SMS, paris(1));

            final List<OtpIssued> sent = t.delivery.readValuesToList();
            assertThat(sent).hasSize(11);
            assertThat(suppressions(t)).hasSize(5).containsOnly(SendGate.COUNTRY_LIMIT);

            t.advance(Duration.ofMinutes(61));
            t.requestFor(TENANT, user(), Channel.SMS, london(99));
            assertThat(t.delivery.readValuesToList()).as("an hour later the budget is free again").hasSize(1);
        }
    }

    @Test
    void shouldSuppressWhenTenantHourlyOrDailyBudgetIsSpent() {
        final SendGateRules rules = new SendGateRules(5, 600, 0, 3, 4, new TreeSet<>(), OFF.breaker());
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS.withTenant(TENANT, rules))) {
            for (int i = 0; i < 4; i++) {
                t.requestFor(TENANT, user(), Channel.SMS, london(i));
            }
            assertThat(suppressions(t)).containsExactly(SendGate.TENANT_HOURLY_LIMIT);

            t.advance(Duration.ofMinutes(61));
            t.requestFor(TENANT, user(), Channel.SMS, london(10));
            t.requestFor(TENANT, user(), Channel.SMS, london(11));
            assertThat(suppressions(t)).as("3 + 1 sent today").containsExactly(SendGate.TENANT_DAILY_LIMIT);
            assertThat(t.delivery.readValuesToList()).hasSize(4);
        }
    }

    @Test
    void shouldSuppressEmailWhenTenantEmailBudgetIsSpentButNotCountItTowardSms() {
        final SendGateRules rules = new SendGateRules(5, 600, 0, 2, 2, new TreeSet<>(), OFF.breaker(),
                new SendGateRules.EmailBudget(3, 4));
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS.withTenant(TENANT, rules))) {
            for (int i = 0; i < 4; i++) {
                t.requestFor(TENANT, user(), Channel.EMAIL, "user" + i + "@example.com");
            }
            t.requestFor(TENANT, user(), Channel.SMS, london(1));
            assertThat(suppressions(t)).as("the 4th mail of the hour").containsExactly(SendGate.TENANT_HOURLY_LIMIT);

            t.advance(Duration.ofMinutes(61));
            t.requestFor(TENANT, user(), Channel.EMAIL, "user10@example.com");
            t.requestFor(TENANT, user(), Channel.EMAIL, "user11@example.com");
            assertThat(suppressions(t)).as("3 + 1 mailed today").containsExactly(SendGate.TENANT_DAILY_LIMIT);
            assertThat(t.delivery.readValuesToList()).extracting(OtpIssued::channel).containsExactly(Channel.EMAIL,
                    Channel.EMAIL, Channel.EMAIL, Channel.SMS, Channel.EMAIL);
        }
    }

    @Test
    void shouldKeepOtherTenantsBudgetsApartWhenOneTenantSpentItsBudget() {
        final SendGateRules rules = new SendGateRules(1, 600, 0, 0, 0, new TreeSet<>(), OFF.breaker());
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS.withTenant(TENANT, rules))) {
            t.requestFor(TENANT, user(), Channel.SMS, london(1));
            t.requestFor(TENANT, user(), Channel.SMS, london(1));
            t.requestFor("globex", user(), Channel.SMS, london(1));

            assertThat(t.delivery.readValuesToList()).extracting(OtpIssued::tenantId).containsExactly(TENANT, "globex");
            assertThat(suppressions(t)).containsExactly(SendGate.DESTINATION_LIMIT);
        }
    }

    @Test
    void shouldSuppressWhenRegionIsNotInTenantsAllowList() {
        final SendGateRules rules = new SendGateRules(5, 600, 0, 0, 0, new TreeSet<>(Set.of("GB")), OFF.breaker());
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS.withTenant(TENANT, rules))) {
            t.requestFor(TENANT, user(), Channel.SMS, paris(1));
            t.requestFor(TENANT, user(), Channel.SMS, london(1));

            assertThat(suppressions(t)).containsExactly(SendGate.COUNTRY_NOT_ALLOWED);
            assertThat(t.delivery.readValuesToList()).hasSize(1);
        }
    }

    @Test
    void shouldReportSuppressionInCodeStatusWhenGateRefusedTheSend() {
        final SendGateRules rules = new SendGateRules(5, 600, 0, 0, 0, new TreeSet<>(Set.of("GB")), OFF.breaker());
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS.withTenant(TENANT, rules))) {
            final String refusedUser = user();
            final IssuedReply refused = (IssuedReply) t.requestFor(TENANT, refusedUser, Channel.SMS, paris(1));
            final String sentUser = user();
            final IssuedReply admitted = (IssuedReply) t.requestFor(TENANT, sentUser, Channel.SMS, london(1));

            final OtpStatusReply refusedStatus = TopologyHarness.as(OtpStatusReply.class, t.send(
                    new OtpStatusRequested(TopologyHarness.id(), TENANT, refusedUser, refused.otpId(), null)));
            final OtpStatusReply admittedStatus = TopologyHarness.as(OtpStatusReply.class, t.send(
                    new OtpStatusRequested(TopologyHarness.id(), TENANT, sentUser, admitted.otpId(), null)));

            assertThat(refusedStatus.code().delivery()).isEqualTo("suppressed");
            assertThat(refusedStatus.code().deliveryReason()).isEqualTo(SendGate.COUNTRY_NOT_ALLOWED);
            assertThat(admittedStatus.code().delivery()).as("handed to the notifier, no outcome yet")
                    .isEqualTo("queued");
        }
    }

    @Test
    void shouldNeverGateNorCountWhenDestinationIsSafeListed() {
        final SendGateRules rules = new SendGateRules(2, 600, 2, 0, 0, new TreeSet<>(), OFF.breaker());
        final SendGatePolicy policy = SendGatePolicy.DEFAULTS.withTenant(TENANT, rules)
                .withSafeList(List.of("+44 20 7946 0001"));
        try (TopologyHarness t = harness(policy)) {
            for (int i = 0; i < 10; i++) {
                t.requestFor(TENANT, user(), Channel.SMS, london(1));
            }
            t.requestFor(TENANT, user(), Channel.SMS, london(2));
            t.requestFor(TENANT, user(), Channel.SMS, london(3));

            assertThat(t.delivery.readValuesToList()).as("safe-listed sends left the country budget untouched")
                    .hasSize(12);
            assertThat(suppressions(t)).isEmpty();
        }
    }

    @Test
    void shouldBlockPrefixWhenSettledSendsAreMostlyNeverVerified() {
        final SendGateRules rules = new SendGateRules(5, 600, 0, 0, 0, new TreeSet<>(),
                new BreakerRules(5, 50, 3600, 600, 1800));
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS.withTenant(TENANT, rules))) {
            for (int i = 0; i < 5; i++) {
                t.requestFor(TENANT, user(), Channel.SMS, london(i));
            }
            t.requestFor(TENANT, user(), Channel.SMS, london(5));
            assertThat(suppressions(t)).as("sends not settled yet are not judged").isEmpty();

            t.advance(Duration.ofMinutes(11));
            t.requestFor(TENANT, user(), Channel.SMS, london(6));
            t.requestFor(TENANT, user(), Channel.SMS, paris(1));

            final List<CloudEvent> events = t.events().stream().filter(e -> !e.type().startsWith("otp.issued")
                    && !e.type().equals(EventTypes.OTP_EXPIRED)).toList();
            assertThat(events).extracting(CloudEvent::type)
                    .containsExactly(EventTypes.PREFIX_BLOCKED, EventTypes.DELIVERY_SUPPRESSED);
            assertThat(events.get(0).subject()).isEqualTo("+44");
            assertThat(events.get(0).data().path("sends").asLong()).isEqualTo(6);
            assertThat(events.get(0).data().path("verified").asLong()).isZero();
            assertThat(events.get(1).data().path("reason").asText()).isEqualTo(SendGate.PREFIX_BLOCKED);
            assertThat(t.delivery.readValuesToList()).extracting(i -> t.openSecret(i).destination().substring(0, 3))
                    .as("6 before the block, then +33 only").containsExactly("+44", "+44", "+44", "+44", "+44", "+44",
                            "+33");

            t.advance(Duration.ofMinutes(31));
            t.requestFor(TENANT, user(), Channel.SMS, london(7));
            assertThat(t.delivery.readValuesToList()).as("the block ran out; counting starts afresh").hasSize(1);
        }
    }

    @Test
    void shouldKeepCountingCountryBudgetWhenBreakerBlockEndsInsideTheHour() {
        final SendGateRules rules = new SendGateRules(5, 600, 7, 0, 0, new TreeSet<>(),
                new BreakerRules(5, 50, 3600, 600, 600));
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS.withTenant(TENANT, rules))) {
            for (int i = 0; i < 5; i++) {
                t.requestFor(TENANT, user(), Channel.SMS, london(i));
            }
            t.advance(Duration.ofMinutes(11));
            t.requestFor(TENANT, user(), Channel.SMS, london(5)); // trips the breaker for 10 minutes
            t.advance(Duration.ofMinutes(11));
            for (int i = 6; i < 10; i++) {
                t.requestFor(TENANT, user(), Channel.SMS, london(i));
            }

            assertThat(t.delivery.readValuesToList()).as("5, then 2 more up to the hour's 7").hasSize(7);
            assertThat(suppressions(t)).containsExactly(SendGate.PREFIX_BLOCKED, SendGate.COUNTRY_LIMIT,
                    SendGate.COUNTRY_LIMIT);
        }
    }

    @Test
    void shouldNotCountSafeListedVerificationsWhenBreakerJudgesPrefix() {
        final SendGateRules rules = new SendGateRules(5, 600, 0, 0, 0, new TreeSet<>(),
                new BreakerRules(5, 50, 3600, 600, 1800));
        final SendGatePolicy policy = SendGatePolicy.DEFAULTS.withTenant(TENANT, rules)
                .withSafeList(List.of("+44 20 7946 0999"));
        try (TopologyHarness t = harness(policy)) {
            for (int i = 0; i < 5; i++) {
                t.requestFor(TENANT, user(), Channel.SMS, london(i)); // pumped: never verified
                final String monitor = user();
                t.requestFor(TENANT, monitor, Channel.SMS, london(999)); // the tenant's monitoring, safe-listed
                final List<OtpIssued> sent = t.delivery.readValuesToList();
                t.verifyFor(TENANT, monitor, t.openSecret(sent.get(sent.size() - 1)).code());
            }
            t.advance(Duration.ofMinutes(11));
            t.requestFor(TENANT, user(), Channel.SMS, london(50));

            assertThat(suppressions(t)).as("5 monitoring conversions do not hide 5 pumped sends")
                    .containsExactly(SendGate.PREFIX_BLOCKED);
        }
    }

    @Test
    void shouldNotBlockPrefixWhenSendsAreVerified() {
        final SendGateRules rules = new SendGateRules(5, 600, 0, 0, 0, new TreeSet<>(),
                new BreakerRules(5, 50, 3600, 600, 1800));
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS.withTenant(TENANT, rules))) {
            for (int i = 0; i < 6; i++) {
                final String user = user();
                t.requestFor(TENANT, user, Channel.SMS, london(i));
                final String code = t.openSecret(t.delivery.readValue()).code();
                if (i % 2 == 0) {
                    assertThat(t.verifyFor(TENANT, user, code).status()).isEqualTo(ReplyStatus.APPROVED);
                }
            }
            t.advance(Duration.ofMinutes(11));
            t.requestFor(TENANT, user(), Channel.SMS, london(7));

            assertThat(suppressions(t)).as("3 of 6 verified: 50 %, not below").isEmpty();
            assertThat(t.delivery.readValuesToList()).hasSize(1);
        }
    }

    @Test
    void shouldForgetDestinationWindowWhenItLapses() {
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS)) {
            t.requestFor(TENANT, user(), Channel.SMS, london(1));
            t.requestFor(TENANT, user(), Channel.EMAIL, "someone@example.com");
            assertThat(t.storeKeys(Nodes.GATE_DESTINATIONS_STORE)).hasSize(2);

            t.advance(Duration.ofMinutes(10));

            assertThat(t.storeKeys(Nodes.GATE_DESTINATIONS_STORE)).isEmpty();
            assertThat(t.storeKeys(Nodes.GATE_LAPSES_STORE)).isEmpty();
        }
    }

    @Test
    void shouldDeadLetterUnreadableGateRecordWhenOneArrives() {
        try (TopologyHarness t = harness(SendGatePolicy.DEFAULTS)) {
            t.pipeGateRecord("acme|sms", "not a gate record".getBytes(StandardCharsets.UTF_8));
            t.requestFor(TENANT, user(), Channel.SMS, london(1));

            assertThat(t.deadLetters.readRecordsToList()).singleElement().satisfies(r -> assertThat(
                    new String(r.headers().lastHeader("error").value(), StandardCharsets.UTF_8))
                    .isEqualTo("unreadable send-gate record"));
            assertThat(t.delivery.readValuesToList()).as("the gate keeps going").hasSize(1);
        }
    }

    private String user() {
        return "invented-" + users++;
    }

    private static TopologyHarness harness(final SendGatePolicy policy) {
        return new TopologyHarness(OtpRules.DEFAULTS, policy);
    }

    /** The reasons of the {@code otp.delivery.suppressed} events since the last read, in order. */
    private static List<String> suppressions(final TopologyHarness t) {
        return t.events().stream().filter(e -> e.type().equals(EventTypes.DELIVERY_SUPPRESSED))
                .map(e -> e.data().path("reason").asText()).toList();
    }

    /** A valid London number (Ofcom's drama range 020 7946 0xxx). */
    private static String london(final int n) {
        return valid(String.format(Locale.ROOT, "+44207946%04d", n));
    }

    /** A valid Paris number. */
    private static String paris(final int n) {
        return valid(String.format(Locale.ROOT, "+33142%06d", n));
    }

    private static String valid(final String e164) {
        assertThat(Destinations.normalizePhone(e164)).as("test number is valid").contains(e164);
        return e164;
    }
}
