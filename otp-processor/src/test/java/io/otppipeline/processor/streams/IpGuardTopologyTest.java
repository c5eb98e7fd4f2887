package io.otppipeline.processor.streams;

import static io.otppipeline.processor.streams.TopologyHarness.TENANT;
import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.processor.gate.SendGatePolicy;
import io.otppipeline.processor.guard.IpGuardRules;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.CaptchaVerdict;
import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import io.otppipeline.schemas.reply.RequestRefusedReply;
import io.otppipeline.schemas.reply.VerifyReply;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The IP guard (docs/ARCHITECTURE.md section 5b) on the whole topology: the aggregator reads the events the user
 * stage emits, the guard publishes verdicts, and this test stamps the newest verdict into later commands as otp-api
 * does. Wrong codes: at most 4 per address (challenge after 2); requests: at most 3 (challenge after 2).
 */
class IpGuardTopologyTest {

    private static final IpGuardRules RULES = new IpGuardRules(3, 600, 2, 4, 900, 2, 900, 64);
    private static final ClientInfo ATTACKER = new ClientInfo("198.51.100.66", "attacker");
    private static final String FAILURE_KEY = TENANT + "|failure|198.51.100.66";
    private int users;

    @Test
    void shouldRefuseVerificationsFromAddressWhenItsWrongCodesAcrossUsersReachTheMaximum() {
        try (TopologyHarness t = harness()) {
            final List<String> victims = victimsWithCodes(t, 6);
            for (int i = 0; i < 4; i++) {
                assertThat(t.verifyFrom(TENANT, victims.get(i), "000000", ATTACKER, null).status())
                        .isEqualTo(ReplyStatus.DENIED);
            }
            final IpVerdict verdict = newestVerdict(t, FAILURE_KEY);
            assertThat(verdict.blockedUntilMs()).isEqualTo(t.now().plus(Duration.ofMinutes(15)).toEpochMilli());
            t.events();

            final VerifyReply refused = t.verifyFrom(TENANT, victims.get(4), "000000", ATTACKER, verdict);

            assertThat(refused.status()).isEqualTo(ReplyStatus.RATE_LIMITED);
            assertThat(refused.retryAfterSeconds()).isEqualTo(900L);
            assertThat(refused.otpId()).as("nothing about the victim's code is revealed").isNull();
            final List<CloudEvent> events = t.events();
            assertThat(events).extracting(e -> e.data().path("outcome").asText()).containsExactly("rate_limited");
            assertThat(t.verdicts.readRecordsToList()).as("a refused attempt counts nothing").isEmpty();
            assertThat(t.verifyFor(TENANT, victims.get(4), "000000").status())
                    .as("the victim's failure window is untouched by the refused attempt").isEqualTo(ReplyStatus.DENIED);
        }
    }

    @Test
    void shouldCountAfreshWhenBlockEnds() {
        try (TopologyHarness t = harness()) {
            final List<String> victims = victimsWithCodes(t, 5);
            for (int i = 0; i < 4; i++) {
                t.verifyFrom(TENANT, victims.get(i), "000000", ATTACKER, null);
            }
            assertThat(newestVerdict(t, FAILURE_KEY).blockedUntilMs()).isPositive();

            t.advance(Duration.ofMinutes(15));
            t.verifyFrom(TENANT, victims.get(4), "000000", ATTACKER, null);

            assertThat(t.verdicts.readRecordsToList()).filteredOn(r -> r.key().equals(FAILURE_KEY))
                    .extracting(TestRecord::value).as("no new block for the first wrong code after one")
                    .allSatisfy(v -> assertThat(v == null || v.blockedUntilMs() <= t.now().toEpochMilli()).isTrue());
        }
    }

    @Test
    void shouldAskForChallengeWhenAddressPassesLowerThreshold() {
        try (TopologyHarness t = harness()) {
            final List<String> victims = victimsWithCodes(t, 3);
            t.verifyFrom(TENANT, victims.get(0), "000000", ATTACKER, null);
            assertThat(t.verdicts.readRecordsToList()).isEmpty();
            t.verifyFrom(TENANT, victims.get(1), "000000", ATTACKER, null);
            final IpVerdict verdict = newestVerdict(t, FAILURE_KEY);

            assertThat(verdict.blockedUntilMs()).isZero();
            assertThat(verdict.challengeUntilMs()).isEqualTo(t.now().plus(Duration.ofMinutes(15)).toEpochMilli());
            final VerifyReply reply = t.verifyFrom(TENANT, victims.get(2), "000000", ATTACKER, verdict);
            assertThat(reply.status()).isEqualTo(ReplyStatus.DENIED);
            assertThat(reply.challengeRequired()).isTrue();
        }
    }

    @Test
    void shouldRefuseUntilCaptchaPassesWhenChallengeIsDueAndTenantUsesCaptcha() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final String user = victimsWithCodes(t, 1).get(0);
            for (int i = 0; i < 3; i++) { // the third failure asks for a challenge (otp.lockout.challenge.after.failures)
                t.verifyWithCaptcha(TENANT, user, "000000", ATTACKER, null, CaptchaVerdict.MISSING);
            }
            t.events();

            final VerifyReply refused = t.verifyWithCaptcha(TENANT, user, "000000", ATTACKER, null,
                    CaptchaVerdict.MISSING);
            final List<CloudEvent> events = t.events();
            final VerifyReply failedToken = t.verifyWithCaptcha(TENANT, user, "000000", ATTACKER, null,
                    CaptchaVerdict.FAILED);
            final VerifyReply solved = t.verifyWithCaptcha(TENANT, user, "000000", ATTACKER, null,
                    CaptchaVerdict.PASSED);

            assertThat(refused.status()).isEqualTo(ReplyStatus.CHALLENGE_REQUIRED);
            assertThat(refused.challengeRequired()).isTrue();
            assertThat(refused.otpId()).as("nothing about the code is revealed").isNull();
            assertThat(events).extracting(e -> e.data().path("outcome").asText())
                    .containsExactly("challenge_required");
            assertThat(events.get(0).data().path("userFailures").asInt()).as("the refusal counted nothing")
                    .isEqualTo(3);
            assertThat(failedToken.status()).isEqualTo(ReplyStatus.CHALLENGE_REQUIRED);
            assertThat(solved.status()).as("compared once the CAPTCHA passed").isEqualTo(ReplyStatus.DENIED);
        }
    }

    @Test
    void shouldAskForChallengeWhenUserFailedThreeTimesFromAnyAddress() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final String user = victimsWithCodes(t, 1).get(0);
            final List<Boolean> challenges = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                challenges.add(t.verifyFor(TENANT, user, "000000").challengeRequired());
            }
            assertThat(challenges).containsExactly(false, false, true);
        }
    }

    @Test
    void shouldRefuseCodeRequestsFromAddressWhenItRequestedTheMaximum() {
        try (TopologyHarness t = harness()) {
            for (int i = 0; i < 3; i++) {
                assertThat(t.requestFrom(TENANT, "pumped-" + i, Channel.EMAIL, "x" + i + "@example.com", ATTACKER,
                        null)).isInstanceOf(IssuedReply.class);
            }
            final IpVerdict verdict = newestVerdict(t, TENANT + "|request|198.51.100.66");
            t.events();

            final OtpReply reply = t.requestFrom(TENANT, "pumped-4", Channel.EMAIL, "x4@example.com", ATTACKER,
                    verdict);

            final RequestRefusedReply refused = TopologyHarness.as(RequestRefusedReply.class, reply);
            assertThat(refused.reason()).isEqualTo("ip_limit");
            assertThat(refused.status()).isEqualTo(ReplyStatus.RATE_LIMITED);
            assertThat(refused.challengeRequired()).isTrue();
            assertThat(t.events()).extracting(e -> e.data().path("reason").asText()).containsExactly("ip_limit");
            assertThat(t.delivery.readValuesToList()).hasSize(3);
        }
    }

    @Test
    void shouldCountIpv6AddressesOfOnePrefixTogetherWhenPrefixIs64() {
        try (TopologyHarness t = harness()) {
            final List<String> victims = victimsWithCodes(t, 2);
            t.verifyFrom(TENANT, victims.get(0), "000000", new ClientInfo("2001:db8:1:2::1", "a"), null);
            t.verifyFrom(TENANT, victims.get(1), "000000", new ClientInfo("2001:db8:1:2:ffff::9", "a"), null);

            assertThat(newestVerdict(t, TENANT + "|failure|2001:db8:1:2:0:0:0:0/64").challengeUntilMs()).isPositive();
        }
    }

    @Test
    void shouldBlockSiteWhenWrongCodesRotateAcrossItsSlash64sUnderEachLimit() {
        // RULES: at most 4 wrong codes per /64; the /48 holds 4 times that (the default factor)
        try (TopologyHarness t = harness()) {
            final List<String> victims = victimsWithCodes(t, 17);
            for (int i = 0; i < 16; i++) {
                final ClientInfo rotating = new ClientInfo("2001:db8:1:" + Integer.toHexString(i) + "::1", "a");
                assertThat(t.verifyFrom(TENANT, victims.get(i), "000000", rotating, null).status())
                        .isEqualTo(ReplyStatus.DENIED);
            }
            final List<TestRecord<String, IpVerdict>> verdicts = t.verdicts.readRecordsToList();

            assertThat(verdicts).filteredOn(r -> r.key().endsWith("/64")).as("no /64 reached its own limit")
                    .allSatisfy(r -> assertThat(r.value().blockedUntilMs()).isZero());
            final IpVerdict site = verdicts.stream().filter(r -> r.key().equals(TENANT
                    + "|failure|2001:db8:1:0:0:0:0:0/48")).reduce((a, b) -> b).orElseThrow().value();
            assertThat(site.blockedUntilMs()).isEqualTo(t.now().plus(Duration.ofMinutes(15)).toEpochMilli());
            assertThat(t.verifyFrom(TENANT, victims.get(16), "000000", new ClientInfo("2001:db8:1:99::1", "a"),
                    site).status()).as("a fresh /64 of the blocked site").isEqualTo(ReplyStatus.RATE_LIMITED);
        }
    }

    @Test
    void shouldPublishTombstoneWhenVerdictLapses() {
        try (TopologyHarness t = harness()) {
            final List<String> victims = victimsWithCodes(t, 4);
            for (String victim : victims) {
                t.verifyFrom(TENANT, victim, "000000", ATTACKER, null);
            }
            assertThat(newestVerdict(t, FAILURE_KEY).blockedUntilMs()).isPositive();

            t.advance(Duration.ofMinutes(16));

            final List<TestRecord<String, IpVerdict>> lapsed = t.verdicts.readRecordsToList();
            assertThat(lapsed).extracting(TestRecord::key).contains(FAILURE_KEY);
            assertThat(lapsed).filteredOn(r -> r.key().equals(FAILURE_KEY)).extracting(TestRecord::value)
                    .containsOnlyNulls();
            assertThat(t.storeKeys(Nodes.IP_WINDOWS_STORE)).doesNotContain(FAILURE_KEY);
        }
    }

    /**
     * A window that lapsed is forgotten with a tombstone for its verdict on the next tick; the address's next activity
     * may come before that tick. It must find the window forgotten all the same: otherwise its next verdict carried the
     * old block's end and the store kept it, depending on whether a tick came first (a sweep changes no decision,
     * docs/DESIGN-NOTES.md, "Deterministic decisions").
     */
    @ParameterizedTest(name = "a sweep tick came before the next wrong code: {0}")
    @ValueSource(booleans = {true, false})
    void shouldPublishTombstoneThenFreshVerdictWhenAddressReturnsAfterItsWindowLapsed(final boolean tickCame) {
        try (TopologyHarness t = harness()) {
            for (String victim : victimsWithCodes(t, 4)) {
                t.verifyFrom(TENANT, victim, "000000", ATTACKER, null);
            }
            assertThat(newestVerdict(t, FAILURE_KEY).blockedUntilMs()).isPositive();
            t.advanceWithoutTick(Duration.ofMinutes(20)); // the block (15 minutes) and the counts (15) have lapsed
            if (tickCame) {
                t.tick();
            }
            final List<String> later = new ArrayList<>();
            for (int i = 0; i < 2; i++) { // codes of their own, without reading the verdicts yet
                final String user = "late-" + i;
                t.requestFrom(TENANT, user, Channel.EMAIL, user + "@example.com",
                        new ClientInfo("192.0.2.20" + i, "victim"), null);
                later.add(user);
            }

            for (String victim : later) {
                t.verifyFrom(TENANT, victim, "000000", ATTACKER, null);
            }

            final List<IpVerdict> verdicts = t.verdicts.readRecordsToList().stream()
                    .filter(r -> r.key().equals(FAILURE_KEY)).map(TestRecord::value).toList();
            assertThat(verdicts).as("the lapsed verdict's tombstone, then a challenge for the two new wrong codes")
                    .hasSize(2);
            assertThat(verdicts.get(0)).isNull();
            assertThat(verdicts.get(1).blockedUntilMs()).as("no trace of the lapsed block").isZero();
            assertThat(verdicts.get(1).challengeUntilMs())
                    .isEqualTo(t.now().plus(Duration.ofMinutes(15)).toEpochMilli());
        }
    }

    @Test
    void shouldCountTheGuessThatUsesACodeUpButNotLaterGuessesAtTheDeadCode() {
        // wrong codes: block at 6 per address, so that one code's 5 guesses do not block yet
        final IpGuardRules sixFailures = new IpGuardRules(3, 600, 2, 6, 900, 5, 900, 64);
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS, SendGatePolicy.DEFAULTS, sixFailures)) {
            final List<String> victims = victimsWithCodes(t, 2);
            final List<ReplyStatus> guesses = new ArrayList<>();
            for (int i = 0; i < 7; i++) {
                guesses.add(t.verifyFrom(TENANT, victims.get(0), "000000", ATTACKER, null).status());
            }
            final List<TestRecord<String, IpVerdict>> beforeSixth = t.verdicts.readRecordsToList();

            t.verifyFrom(TENANT, victims.get(1), "000000", ATTACKER, null);

            // issue 32: the 5th guess was compared and wrong (it used the code up): it counts; the 6th and 7th
            // found a dead code and compared nothing: they do not
            assertThat(guesses).containsExactly(ReplyStatus.DENIED, ReplyStatus.DENIED, ReplyStatus.DENIED,
                    ReplyStatus.DENIED, ReplyStatus.MAX_ATTEMPTS, ReplyStatus.MAX_ATTEMPTS, ReplyStatus.MAX_ATTEMPTS);
            assertThat(beforeSixth).as("5 counted: the challenge at 5, no block")
                    .allSatisfy(r -> assertThat(r.value().blockedUntilMs()).isZero());
            assertThat(newestVerdict(t, FAILURE_KEY).blockedUntilMs()).as("the 6th compared wrong guess blocks")
                    .isEqualTo(t.now().plus(Duration.ofMinutes(15)).toEpochMilli());
        }
    }

    /** {@code n} users with a pending code each, requested from addresses of their own. */
    private List<String> victimsWithCodes(final TopologyHarness t, final int n) {
        final List<String> victims = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final String user = "victim-" + users++;
            t.requestFrom(TENANT, user, Channel.EMAIL, user + "@example.com",
                    new ClientInfo("192.0.2." + users, "victim"), null);
            victims.add(user);
        }
        t.delivery.readValuesToList();
        t.verdicts.readRecordsToList();
        return victims;
    }

    private static IpVerdict newestVerdict(final TopologyHarness t, final String key) {
        final List<TestRecord<String, IpVerdict>> records = t.verdicts.readRecordsToList().stream()
                .filter(r -> r.key().equals(key)).toList();
        assertThat(records).as("verdicts on " + key).isNotEmpty();
        return records.get(records.size() - 1).value();
    }

    private static TopologyHarness harness() {
        return new TopologyHarness(OtpRules.DEFAULTS, SendGatePolicy.DEFAULTS, RULES);
    }
}
