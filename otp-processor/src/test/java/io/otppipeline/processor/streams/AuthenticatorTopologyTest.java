package io.otppipeline.processor.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.processor.domain.FactorRules;
import io.otppipeline.processor.domain.Hotp;
import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.FactorConfirmRequested;
import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.reply.FactorCheckReply;
import io.otppipeline.schemas.reply.FactorEnrolledReply;
import io.otppipeline.schemas.reply.FactorRefusedReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import io.otppipeline.schemas.reply.RequestRefusedReply;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Authenticator factors (RFC 6238 TOTP, RFC 4226 HOTP) on the whole topology, with the log's clock moved by the
 * harness: enrolment, confirmation, the one-use-per-step rule, skew, lockout sharing, HOTP look-ahead, lapse of an
 * unconfirmed enrolment, removal, and no secret in any record.
 */
class AuthenticatorTopologyTest {

    private final byte[] secret = new byte[20];

    AuthenticatorTopologyTest() {
        new SecureRandom().nextBytes(secret);
    }

    @Test
    void shouldActivateFactorWhenFirstCodeOfCurrentStepIsTyped() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final FactorEnrolledReply enrolled = enrolTotp(t);
            assertThat(enrolled.algorithm()).isEqualTo("SHA1");
            assertThat(enrolled.digits()).isEqualTo(6);
            assertThat(enrolled.periodSeconds()).isEqualTo(30);
            assertThat(t.verifyFactor(totp(t, 0)).status()).as("unconfirmed: verifies nothing")
                    .isEqualTo(ReplyStatus.NOT_FOUND);

            assertThat(t.confirmFactor(enrolled.factorId(), totp(t, 0)).status()).isEqualTo(ReplyStatus.ACTIVE);
            assertThat(t.eventTypes()).contains(EventTypes.FACTOR_ENROLLED, EventTypes.FACTOR_ACTIVATED);
        }
    }

    @Test
    void shouldDecideNoConfirmationWhenIpGuardBlocksTheAddress() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final String factorId = enrolTotp(t).factorId();
            final String commandId = TopologyHarness.id();
            final IpVerdict blocked = new IpVerdict("203.0.113.7", t.now().toEpochMilli() + 60_000, 0);

            final FactorCheckReply refused = TopologyHarness.as(FactorCheckReply.class, t.send(
                    new FactorConfirmRequested(commandId, TopologyHarness.TENANT, TopologyHarness.USER, factorId,
                            TopologyHarness.CLIENT, TopologyHarness.START, t.commandAead.seal(
                            totp(t, 0).getBytes(StandardCharsets.UTF_8), commandId.getBytes(StandardCharsets.UTF_8)),
                            null, blocked)));

            assertThat(refused.status()).isEqualTo(ReplyStatus.RATE_LIMITED);
            assertThat(refused.retryAfterSeconds()).isEqualTo(60L);
            assertThat(t.confirmFactor(factorId, totp(t, 0)).status()).as("nothing was used up")
                    .isEqualTo(ReplyStatus.ACTIVE);
        }
    }

    @Test
    void shouldRefuseReplayOfSameCodeAndOlderStepsWhenAStepWasAccepted() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final String factorId = enrolTotp(t).factorId();
            t.confirmFactor(factorId, totp(t, -1));
            assertThat(t.verifyFactor(totp(t, 0)).status()).isEqualTo(ReplyStatus.APPROVED);

            assertThat(t.verifyFactor(totp(t, 0)).status()).as("the same step again (RFC 6238 5.2)")
                    .isEqualTo(ReplyStatus.DENIED);
            t.advance(Duration.ofSeconds(30));
            assertThat(t.verifyFactor(totp(t, -2)).status()).as("two steps old").isEqualTo(ReplyStatus.DENIED);
            assertThat(t.verifyFactor(totp(t, 1)).status()).as("one step ahead (clock skew)")
                    .isEqualTo(ReplyStatus.APPROVED);
            assertThat(t.verifyFactor(totp(t, 0)).status()).as("a step before the one accepted")
                    .isEqualTo(ReplyStatus.DENIED);
        }
    }

    @Test
    void shouldLockUserWhenFiveWrongAuthenticatorCodesAreTyped() {
        try (TopologyHarness t = new TopologyHarness(PerUserRulesTopologyTest.LOCK_AT_FIVE)) {
            final String factorId = enrolTotp(t).factorId();
            t.confirmFactor(factorId, totp(t, 0));
            t.advance(Duration.ofSeconds(30));
            for (int i = 0; i < 4; i++) {
                assertThat(t.verifyFactor(wrong(totp(t, 0))).status()).isEqualTo(ReplyStatus.DENIED);
            }
            t.events();
            assertThat(t.verifyFactor(wrong(totp(t, 0))).retryAfterSeconds()).isEqualTo(900L);
            assertThat(t.events().stream().filter(e -> e.type().equals(EventTypes.FACTOR_VERIFICATION_COMPLETED))
                    .map(e -> e.data().path("userFailures").asInt())).as("the count that tipped it").containsExactly(5);

            assertThat(t.verifyFactor(totp(t, 0)).status()).isEqualTo(ReplyStatus.LOCKED);
            assertThat(t.request("login")).as("the lockout is the user's, for every factor and code")
                    .isInstanceOf(RequestRefusedReply.class);
        }
    }

    @Test
    void shouldCountOneFailurePerFactorTriedWhenNoFactorIsNamed() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final String first = enrolTotp(t).factorId();
            t.confirmFactor(first, totp(t, 0));
            final String second = enrolTotp(t).factorId();
            t.advance(Duration.ofSeconds(30));
            t.confirmFactor(second, totp(t, 0));
            t.advance(Duration.ofSeconds(30));
            final int before = t.userState().lockout().failuresMs().size();

            assertThat(t.verifyFactor(wrong(totp(t, 0))).status()).isEqualTo(ReplyStatus.DENIED);

            assertThat(t.userState().lockout().failuresMs().size() - before)
                    .as("one wrong code tried against two factors: two guesses (issue 32)").isEqualTo(2);
        }
    }

    @Test
    void shouldAcceptCodeWithinLookAheadAndMovePastItWhenHotpButtonWasPressedWithoutSigningIn() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final FactorEnrolledReply enrolled = TopologyHarness.as(FactorEnrolledReply.class,
                    t.enrol(FactorType.HOTP, secret));
            assertThat(enrolled.periodSeconds()).isZero();
            assertThat(t.confirmFactor(enrolled.factorId(), hotp(0)).status()).isEqualTo(ReplyStatus.ACTIVE);

            assertThat(t.verifyFactor(hotp(4)).status()).as("counters 1 to 3 pressed and never used")
                    .isEqualTo(ReplyStatus.APPROVED);
            assertThat(t.verifyFactor(hotp(2)).status()).as("behind the counter now").isEqualTo(ReplyStatus.DENIED);
            assertThat(t.verifyFactor(hotp(5 + 11)).status()).as("beyond the look-ahead of 10")
                    .isEqualTo(ReplyStatus.DENIED);
            assertThat(t.verifyFactor(hotp(5)).status()).isEqualTo(ReplyStatus.APPROVED);
        }
    }

    @Test
    void shouldDropUnconfirmedFactorWhenEnrolmentLapses() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final String factorId = enrolTotp(t).factorId();
            t.events();

            t.advance(Duration.ofMinutes(10));

            final CloudEvent lapsed = t.events().stream().filter(e -> e.type().equals(EventTypes.FACTOR_DELETED))
                    .findFirst().orElseThrow();
            assertThat(lapsed.data().path("reason").asText()).isEqualTo("enrolment_expired");
            assertThat(t.confirmFactor(factorId, totp(t, 0)).status()).isEqualTo(ReplyStatus.NOT_FOUND);
        }
    }

    @Test
    void shouldDeleteFactorOnceWhenAskedTwice() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final String factorId = enrolTotp(t).factorId();
            t.confirmFactor(factorId, totp(t, 0));

            assertThat(t.deleteFactor(factorId).status()).isEqualTo(ReplyStatus.DELETED);
            assertThat(t.deleteFactor(factorId).status()).isEqualTo(ReplyStatus.NOT_FOUND);
            t.advance(Duration.ofSeconds(30));
            assertThat(t.verifyFactor(totp(t, 0)).status()).isEqualTo(ReplyStatus.NOT_FOUND);
        }
    }

    @Test
    void shouldRefuseEnrolmentWhenUserHoldsTheMostFactors() {
        final OtpRules rules = new OtpRules(OtpRules.DEFAULTS.defaults(), OtpRules.DEFAULTS.purposes(),
                OtpRules.DEFAULTS.lockout(), 86_400, 1000, new FactorRules("SHA1", 6, 30, 1, 10, 600, 2));
        try (TopologyHarness t = new TopologyHarness(rules)) {
            enrolTotp(t);
            enrolTotp(t);

            assertThat(t.enrol(FactorType.TOTP, secret)).isInstanceOf(FactorRefusedReply.class);
        }
    }

    @Test
    void shouldKeepSecretOutOfEveryRecordWhenFactorIsEnrolledAndUsed() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final String factorId = enrolTotp(t).factorId();
            t.confirmFactor(factorId, totp(t, 0));
            final String everything = Json.mapper().valueToTree(t.events()).toString()
                    + Json.mapper().valueToTree(t.userState()).toString();

            for (String form : new String[] {HexFormat.of().formatHex(secret),
                Base64.getEncoder().encodeToString(secret)}) {
                assertThat(everything).doesNotContain(form);
            }
            assertThat(t.userState().factors().get(factorId).secret().ciphertext()).isNotBlank();
        }
    }

    private FactorEnrolledReply enrolTotp(final TopologyHarness t) {
        return TopologyHarness.as(FactorEnrolledReply.class, t.enrol(FactorType.TOTP, secret));
    }

    /** The TOTP code {@code offset} steps from the log's current time. */
    private String totp(final TopologyHarness t, final int offset) {
        return Hotp.code(secret, Hotp.step(t.now().toEpochMilli(), 30) + offset, 6, "SHA1");
    }

    private String hotp(final long counter) {
        return Hotp.code(secret, counter, 6, "SHA1");
    }

    private static String wrong(final String code) {
        return (code.charAt(0) == '0' ? "1" : "0") + code.substring(1);
    }
}
