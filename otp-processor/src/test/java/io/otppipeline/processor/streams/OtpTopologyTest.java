package io.otppipeline.processor.streams;

import static io.otppipeline.processor.streams.TopologyHarness.EMAIL;
import static io.otppipeline.processor.streams.TopologyHarness.KEY;
import static io.otppipeline.processor.streams.TopologyHarness.START;
import static io.otppipeline.processor.streams.TopologyHarness.TENANT;
import static io.otppipeline.processor.streams.TopologyHarness.USER;
import static io.otppipeline.processor.streams.TopologyHarness.wrong;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.OtpCancelRequested;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpStatusRequested;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.processor.domain.DestinationMask;
import io.otppipeline.processor.domain.LockoutRules;
import io.otppipeline.processor.domain.Mailboxes;
import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.processor.domain.PurposeRules;
import io.otppipeline.schemas.reply.CancelReply;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.OtpStatusReply;
import io.otppipeline.schemas.reply.VerifyReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The rules of one code: issue, verify, expiry, attempts, supersede, routing, dead letters. The user lockout
 * is moved out of the way (20 failures) so that the per-code limit shows on its own; the lockout has its own
 * tests in {@link PerUserRulesTopologyTest}.
 */
class OtpTopologyTest {

    private final TopologyHarness t = new TopologyHarness(new OtpRules(PurposeRules.DEFAULTS, Map.of(),
            new LockoutRules(20, 900, 900, 86_400, 86_400, 3, null), 86_400, 1000));

    @AfterEach
    void close() {
        t.close();
    }

    @Test
    void shouldAnswerNotFoundForTheRightCodeWhenItWasCanceled() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final OtpIssued issued = t.requestAndReadIssued("login");
            final String code = t.openSecret(issued).code();
            t.events();

            final CancelReply canceled = TopologyHarness.as(CancelReply.class,
                    t.send(new OtpCancelRequested(TopologyHarness.id(), TENANT, USER, issued.otpId(), null, START, null)));

            assertThat(canceled.status()).isEqualTo(ReplyStatus.CANCELED);
            assertThat(t.eventTypes()).containsExactly(EventTypes.OTP_CANCELED);
            assertThat(t.verify("login", code).status()).isEqualTo(ReplyStatus.NOT_FOUND);
            assertThat(TopologyHarness.as(CancelReply.class, t.send(new OtpCancelRequested(TopologyHarness.id(), TENANT,
                    USER, issued.otpId(), null, START, null))).status()).as("once").isEqualTo(ReplyStatus.NOT_FOUND);
        }
    }

    @Test
    void shouldReportAttemptsExpiryAndNoCodeWhenStatusIsAskedThroughALifetime() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final OtpIssued issued = t.requestAndReadIssued("login");
            final String code = t.openSecret(issued).code();
            t.events();

            final OtpStatusReply fresh = status(t, issued.otpId());
            t.verify("login", wrong(code));
            final OtpStatusReply afterWrong = status(t, issued.otpId());

            assertThat(fresh.status()).isEqualTo(ReplyStatus.PENDING);
            assertThat(fresh.code().purpose()).isEqualTo("login");
            assertThat(fresh.code().channel()).isEqualTo("email");
            assertThat(fresh.code().expiresAt()).as("5 minutes (seeds 001, 002, 004)")
                    .isEqualTo(fresh.code().issuedAt().plus(Duration.ofMinutes(5)));
            assertThat(fresh.code().delivery()).as("nothing reported yet").isEqualTo("queued");
            assertThat(fresh.code().attemptsRemaining()).isEqualTo(5);
            assertThat(afterWrong.code().failedAttempts()).isEqualTo(1);
            assertThat(afterWrong.code().attemptsRemaining()).isEqualTo(4);
            assertThat(Json.mapper().valueToTree(afterWrong).toString()).doesNotContain(code)
                    .doesNotContain(issued.secret().toString());
            t.events();
            assertThat(status(t, "0190f1a2-0000-8000-8000-000000000000").status()).isEqualTo(ReplyStatus.NOT_FOUND);
            assertThat(t.events()).as("a read emits nothing").isEmpty();

            t.advance(Duration.ofMinutes(6)); // past the 5-minute lifetime
            assertThat(status(t, issued.otpId()).status()).isEqualTo(ReplyStatus.EXPIRED);
            t.advance(Duration.ofMinutes(5));
            assertThat(status(t, issued.otpId()).status()).as("forgotten one lifetime later")
                    .isEqualTo(ReplyStatus.NOT_FOUND);
        }
    }

    @Test
    void shouldReportMaxAttemptsWhenEveryGuessWasWrong() {
        try (TopologyHarness t = new TopologyHarness(OtpRules.DEFAULTS)) {
            final OtpIssued issued = t.requestAndReadIssued("login");
            final String code = t.openSecret(issued).code();
            for (int i = 0; i < 5; i++) {
                t.verify("login", wrong(code));
            }

            final OtpStatusReply dead = status(t, issued.otpId());

            assertThat(dead.status()).isEqualTo(ReplyStatus.MAX_ATTEMPTS);
            assertThat(dead.code().attemptsRemaining()).isZero();
        }
    }

    private static OtpStatusReply status(final TopologyHarness t, final String otpId) {
        return TopologyHarness.as(OtpStatusReply.class, t.send(new OtpStatusRequested(TopologyHarness.id(), TENANT,
                USER, otpId, START)));
    }

    @Test
    void shouldIssueSixDigitCodeSealedForNotifierWhenRequested() {
        final IssuedReply reply = t.issue("login");

        assertThat(reply.status()).isEqualTo(ReplyStatus.PENDING);
        assertThat(reply.expiresAt()).as("5 minutes").isEqualTo(START.plus(Duration.ofMinutes(5)));
        assertThat(reply.destinationMasked()).isEqualTo("a***l@example.com");
        final OtpIssued issued = t.delivery.readValue();
        assertThat(issued.otpId()).isEqualTo(reply.otpId());
        assertThat(t.openSecret(issued).code()).matches("[0-9]{6}");
        assertThat(t.openSecret(issued).destination()).isEqualTo(EMAIL);
        assertThat(t.eventTypes()).containsExactly(EventTypes.OTP_ISSUED);
    }

    @Test
    void shouldNameCountryAndCallingCodeWhenCodeGoesBySms() {
        t.requestFor(TopologyHarness.TENANT, "sms-user", Channel.SMS, "+447946095812");
        t.requestFor(TopologyHarness.TENANT, "mail-user", Channel.EMAIL, "mail-user@example.com");

        final List<JsonNode> issued = t.events().stream().filter(e -> e.type().equals(EventTypes.OTP_ISSUED))
                .map(e -> e.data()).toList();
        assertThat(issued).hasSize(2);
        assertThat(issued.get(0).path("destination").path("country").asText()).isEqualTo("GB");
        assertThat(issued.get(0).path("destination").path("callingCode").asInt()).isEqualTo(44);
        assertThat(issued.get(0).path("destinationMasked").asText()).isEqualTo("+44********12");
        assertThat(issued.get(1).has("destination")).as("no destination info for e-mail").isFalse();
    }

    @Test
    void shouldCorrelateDestinationWithoutRevealingItWhenCodesAreIssuedTwice() {
        t.request("login");
        t.advance(Duration.ofMinutes(2));
        t.request("login");

        final List<String> hashes = t.events().stream().filter(e -> e.type().equals(EventTypes.OTP_ISSUED))
                .map(e -> e.data().path("destinationHash").asText()).toList();
        assertThat(hashes).hasSize(2).allMatch(h -> h.matches("[A-Za-z0-9._-]+:[A-Za-z0-9+/]{43}="));
        assertThat(hashes.get(0)).isEqualTo(hashes.get(1)).doesNotContain(EMAIL).doesNotContain("example");
        assertThat(t.delivery.readValue().destinationHash()).isEqualTo(hashes.get(0));
    }

    @Test
    void shouldGiveUnrelatedHashesWhenSameAddressBelongsToTwoTenants() {
        final Mac pepper = new Mac(Keyring.generate("p1"));

        final String acme = DestinationMask.keyedHash(pepper, Mailboxes.DEFAULTS, "acme", Channel.EMAIL, "Bob@Example.com");

        assertThat(DestinationMask.keyedHash(pepper, Mailboxes.DEFAULTS, "acme", Channel.EMAIL, "bob@example.com")).isEqualTo(acme);
        assertThat(DestinationMask.keyedHash(pepper, Mailboxes.DEFAULTS, "globex", Channel.EMAIL, "bob@example.com")).isNotEqualTo(acme);
        assertThat(DestinationMask.keyedHash(new Mac(Keyring.generate("p1")), Mailboxes.DEFAULTS, "acme", Channel.EMAIL,
                "bob@example.com")).isNotEqualTo(acme);
    }

    @Test
    void shouldApproveWhenCodeIsRight() {
        final String code = t.requestAndReadCode("login");

        final VerifyReply reply = t.verify("login", code);

        assertThat(reply.status()).isEqualTo(ReplyStatus.APPROVED);
        assertThat(lastEventData("outcome")).isEqualTo("approved");
    }

    @Test
    void shouldDenyAndCountDownWhenCodeIsWrong() {
        final String code = t.requestAndReadCode("login");

        final VerifyReply reply = t.verify("login", wrong(code));

        assertThat(reply.status()).isEqualTo(ReplyStatus.DENIED);
        assertThat(reply.attemptsRemaining()).isEqualTo(4);
        assertThat(lastEventData("outcome")).isEqualTo("denied");
    }

    @Test
    void shouldApproveWhenJustInsideLifetime() {
        final String code = t.requestAndReadCode("login");

        t.advance(Duration.ofMinutes(5).minusMillis(1));

        assertThat(t.verify("login", code).status()).isEqualTo(ReplyStatus.APPROVED);
    }

    @Test
    void shouldKillCodeWhenFiveWrongGuessesWereMade() {
        final String code = t.requestAndReadCode("login");

        for (int i = 1; i <= 4; i++) {
            assertThat(t.verify("login", wrong(code)).attemptsRemaining()).isEqualTo(5 - i);
        }
        final VerifyReply fifth = t.verify("login", wrong(code));
        final VerifyReply rightAfterwards = t.verify("login", code);

        assertThat(fifth.status()).isEqualTo(ReplyStatus.MAX_ATTEMPTS);
        assertThat(fifth.attemptsRemaining()).isZero();
        assertThat(rightAfterwards.status()).isEqualTo(ReplyStatus.MAX_ATTEMPTS);
    }

    @Test
    void shouldRefuseReuseWhenCodeWasAlreadyApproved() {
        final String code = t.requestAndReadCode("login");
        assertThat(t.verify("login", code).status()).isEqualTo(ReplyStatus.APPROVED);

        assertThat(t.verify("login", code).status()).isEqualTo(ReplyStatus.NOT_FOUND);
    }

    @Test
    void shouldInvalidateOlderCodeWhenNewCodeIsIssuedForSamePurpose() {
        final OtpIssued first = t.requestAndReadIssued("login");
        t.advance(Duration.ofSeconds(60));
        final OtpIssued second = t.requestAndReadIssued("login");

        assertThat(t.eventTypes()).containsExactly(EventTypes.OTP_ISSUED, EventTypes.OTP_SUPERSEDED,
                EventTypes.OTP_ISSUED);
        assertThat(t.verify("login", first.otpId(), t.openSecret(first).code()).status())
                .isEqualTo(ReplyStatus.NOT_FOUND);
        assertThat(t.verify("login", second.otpId(), t.openSecret(second).code()).status())
                .isEqualTo(ReplyStatus.APPROVED);
    }

    @Test
    void shouldKeepPurposesApartWhenUserHasCodesForTwoPurposes() {
        final OtpIssued login = t.requestAndReadIssued("login");
        t.requestAndReadIssued("step_up");

        assertThat(t.verify("step_up", login.otpId(), t.openSecret(login).code()).status())
                .isEqualTo(ReplyStatus.NOT_FOUND);
        assertThat(t.verify("login", login.otpId(), t.openSecret(login).code()).status())
                .isEqualTo(ReplyStatus.APPROVED);
    }

    @Test
    void shouldAnswerNotFoundWhenOtpIdDoesNotMatchPendingCode() {
        final String code = t.requestAndReadCode("login");

        final VerifyReply reply = t.verify("login", UUID.randomUUID().toString(), code);

        assertThat(reply.status()).isEqualTo(ReplyStatus.NOT_FOUND);
    }

    @Test
    void shouldStoreOnlyHmacWhenCodeIsIssued() throws IOException {
        final String code = t.requestAndReadCode("login");

        final String stored = new String(Json.mapper().writeValueAsBytes(t.userState()), StandardCharsets.UTF_8);

        assertThat(stored).doesNotContain(code).doesNotContain(EMAIL).contains("codeMac");
    }

    @Test
    void shouldRouteReplyToNamedPartitionWhenHeaderIsPresent() {
        final OtpRequested command = t.requestCommand("login", null);
        final RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.REPLY_PARTITION_HEADER, "3".getBytes(StandardCharsets.UTF_8));
        t.commands.pipeInput(new TestRecord<>(KEY, TopologyHarness.serialize(command), headers, START));

        final TestRecord<String, OtpReply> reply = t.replies.readRecord();

        assertThat(reply.key()).isEqualTo(command.commandId());
        assertThat(reply.headers().toArray()).isEmpty();
    }

    @Test
    void shouldSendToDeadLetterTopicWhenCommandIsMalformed() {
        t.commands.pipeInput(KEY, "{\"type\":\"otp.requested\",\"bogus\":1}".getBytes(StandardCharsets.UTF_8));

        final TestRecord<String, byte[]> dead = t.deadLetters.readRecord();

        assertThat(new String(dead.headers().lastHeader(Topics.ERROR_HEADER).value(), StandardCharsets.UTF_8))
                .startsWith("malformed");
        assertThat(t.replies.isEmpty()).isTrue();
    }

    @Test
    void shouldSendToDeadLetterTopicWhenKeyNamesAnotherTenant() {
        t.commands.pipeInput("other-tenant:" + USER, TopologyHarness.serialize(t.requestCommand("login", null)));

        assertThat(t.deadLetters.readRecord().headers().lastHeader(Topics.ERROR_HEADER)).isNotNull();
        assertThat(t.delivery.isEmpty()).isTrue();
    }

    @Test
    void shouldRejectWhenSealedFieldCannotBeOpened() {
        final OtpRequested foreign = new OtpRequested(TopologyHarness.id(), TENANT, USER, "login", Channel.EMAIL,
                null, null, START, new Aead(Keyring.generate("c1")).seal(EMAIL.getBytes(StandardCharsets.UTF_8),
                new byte[0]), null, null);

        final OtpReply reply = t.send(foreign);

        assertThat(reply.status()).isEqualTo(ReplyStatus.REJECTED);
        assertThat(t.deadLetters.isEmpty()).isFalse();
        assertThat(t.delivery.isEmpty()).isTrue();
    }

    private String lastEventData(final String field) {
        final List<CloudEvent> all = t.events();
        return all.get(all.size() - 1).data().path(field).asText();
    }
}
