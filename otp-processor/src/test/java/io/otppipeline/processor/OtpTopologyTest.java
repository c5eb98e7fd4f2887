package io.otppipeline.processor;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventTypes;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.ReplyStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtpTopologyTest {

    private static final String TENANT = "acme";
    private static final String USER = "user-1";
    private static final String KEY = Topics.userKey(TENANT, USER);
    private static final String EMAIL = "alice.liddell@example.com";
    private static final Instant START = Instant.parse("2026-11-20T10:00:00Z");

    private final Aead commandAead = new Aead(Keyring.generate("c1"));
    private final Aead deliveryAead = new Aead(Keyring.generate("d1"));
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> commands;
    private TestOutputTopic<String, OtpReply> replies;
    private TestOutputTopic<String, OtpIssued> delivery;
    private TestOutputTopic<String, CloudEvent> events;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void startDriver() {
        final OtpDecisions decisions = new OtpDecisions(OtpRules.DEFAULTS, commandAead, deliveryAead,
                new Mac(Keyring.generate("p1")));
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "otp-processor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(OtpTopology.build(decisions), props, START);
        commands = driver.createInputTopic(Topics.COMMANDS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        replies = driver.createOutputTopic(Topics.REPLIES.name(), Serdes.String().deserializer(),
                Topics.REPLIES.valueSerde().deserializer());
        delivery = driver.createOutputTopic(Topics.DELIVERY.name(), Serdes.String().deserializer(),
                Topics.DELIVERY.valueSerde().deserializer());
        events = driver.createOutputTopic(Topics.EVENTS.name(), Serdes.String().deserializer(),
                Topics.EVENTS.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.COMMANDS_DLQ.name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void shouldIssueSixDigitCodeSealedForNotifierWhenRequested() throws IOException {
        final OtpReply reply = request("login");

        assertThat(reply.status()).isEqualTo(ReplyStatus.PENDING);
        assertThat(reply.expiresAt()).isEqualTo(START.plus(Duration.ofMinutes(10)));
        assertThat(reply.destinationMasked()).isEqualTo("a***l@example.com");
        final OtpIssued issued = delivery.readValue();
        assertThat(issued.otpId()).isEqualTo(reply.otpId());
        assertThat(openSecret(issued).code()).matches("[0-9]{6}");
        assertThat(openSecret(issued).destination()).isEqualTo(EMAIL);
        assertThat(events.readValue().type()).isEqualTo(EventTypes.OTP_ISSUED);
    }

    @Test
    void shouldApproveWhenCodeIsRight() throws IOException {
        final String code = requestAndReadCode("login");

        final OtpReply reply = verify("login", code);

        assertThat(reply.status()).isEqualTo(ReplyStatus.APPROVED);
        assertThat(lastEventData("outcome")).isEqualTo("approved");
    }

    @Test
    void shouldDenyAndCountDownWhenCodeIsWrong() throws IOException {
        final String code = requestAndReadCode("login");

        final OtpReply reply = verify("login", wrong(code));

        assertThat(reply.status()).isEqualTo(ReplyStatus.DENIED);
        assertThat(reply.attemptsRemaining()).isEqualTo(4);
        assertThat(lastEventData("outcome")).isEqualTo("denied");
    }

    @Test
    void shouldExpireWhenLifetimeHasPassed() throws IOException {
        final String code = requestAndReadCode("login");

        driver.advanceWallClockTime(Duration.ofMinutes(10));
        final OtpReply reply = verify("login", code);

        assertThat(reply.status()).isEqualTo(ReplyStatus.EXPIRED);
        assertThat(verify("login", code).status()).isEqualTo(ReplyStatus.NOT_FOUND);
    }

    @Test
    void shouldApproveWhenJustInsideLifetime() throws IOException {
        final String code = requestAndReadCode("login");

        driver.advanceWallClockTime(Duration.ofMinutes(10).minusMillis(1));

        assertThat(verify("login", code).status()).isEqualTo(ReplyStatus.APPROVED);
    }

    @Test
    void shouldKillCodeWhenFiveWrongGuessesWereMade() throws IOException {
        final String code = requestAndReadCode("login");

        for (int i = 1; i <= 4; i++) {
            assertThat(verify("login", wrong(code)).attemptsRemaining()).isEqualTo(5 - i);
        }
        final OtpReply fifth = verify("login", wrong(code));
        final OtpReply rightAfterwards = verify("login", code);

        assertThat(fifth.status()).isEqualTo(ReplyStatus.MAX_ATTEMPTS);
        assertThat(fifth.attemptsRemaining()).isZero();
        assertThat(rightAfterwards.status()).isEqualTo(ReplyStatus.MAX_ATTEMPTS);
    }

    @Test
    void shouldRefuseReuseWhenCodeWasAlreadyApproved() throws IOException {
        final String code = requestAndReadCode("login");
        assertThat(verify("login", code).status()).isEqualTo(ReplyStatus.APPROVED);

        assertThat(verify("login", code).status()).isEqualTo(ReplyStatus.NOT_FOUND);
    }

    @Test
    void shouldInvalidateOlderCodeWhenNewCodeIsIssuedForSamePurpose() throws IOException {
        final OtpIssued first = requestAndReadIssued("login");
        final OtpIssued second = requestAndReadIssued("login");

        final List<String> types = events.readValuesToList().stream().map(CloudEvent::type).toList();
        assertThat(types).containsExactly(EventTypes.OTP_ISSUED, EventTypes.OTP_SUPERSEDED, EventTypes.OTP_ISSUED);
        assertThat(verify("login", first.otpId(), openSecret(first).code()).status())
                .isEqualTo(ReplyStatus.NOT_FOUND);
        assertThat(verify("login", second.otpId(), openSecret(second).code()).status())
                .isEqualTo(ReplyStatus.APPROVED);
    }

    @Test
    void shouldKeepPurposesApartWhenUserHasCodesForTwoPurposes() throws IOException {
        final OtpIssued login = requestAndReadIssued("login");
        requestAndReadIssued("step_up");

        assertThat(verify("step_up", login.otpId(), openSecret(login).code()).status())
                .isEqualTo(ReplyStatus.NOT_FOUND);
        assertThat(verify("login", login.otpId(), openSecret(login).code()).status())
                .isEqualTo(ReplyStatus.APPROVED);
    }

    @Test
    void shouldAnswerNotFoundWhenOtpIdDoesNotMatchPendingCode() throws IOException {
        final String code = requestAndReadCode("login");

        final OtpReply reply = verify("login", UUID.randomUUID().toString(), code);

        assertThat(reply.status()).isEqualTo(ReplyStatus.NOT_FOUND);
    }

    @Test
    void shouldDeleteUserStateWhenNothingLiveRemains() throws IOException {
        final String code = requestAndReadCode("login");
        final KeyValueStore<String, UserState> store = driver.getKeyValueStore(OtpTopology.USER_STATE_STORE);
        assertThat(store.get(KEY)).isNotNull();

        verify("login", code);

        assertThat(store.get(KEY)).isNull();
    }

    @Test
    void shouldStoreOnlyHmacWhenCodeIsIssued() throws IOException {
        final String code = requestAndReadCode("login");
        final KeyValueStore<String, UserState> store = driver.getKeyValueStore(OtpTopology.USER_STATE_STORE);

        final String stored = new String(Json.mapper().writeValueAsBytes(store.get(KEY)), StandardCharsets.UTF_8);

        assertThat(stored).doesNotContain(code).doesNotContain(EMAIL).contains("codeMac");
    }

    @Test
    void shouldRouteReplyToNamedPartitionWhenHeaderIsPresent() {
        final OtpRequested command = requestCommand("login");
        final RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.REPLY_PARTITION_HEADER, "3".getBytes(StandardCharsets.UTF_8));
        commands.pipeInput(new TestRecord<>(KEY, serialize(command), headers, START));

        final TestRecord<String, OtpReply> reply = replies.readRecord();

        assertThat(reply.key()).isEqualTo(command.commandId());
        assertThat(reply.headers().toArray()).isEmpty();
    }

    @Test
    void shouldSendToDeadLetterTopicWhenCommandIsMalformed() {
        commands.pipeInput(KEY, "{\"type\":\"otp.requested\",\"bogus\":1}".getBytes(StandardCharsets.UTF_8));

        final TestRecord<String, byte[]> dead = deadLetters.readRecord();

        assertThat(new String(dead.headers().lastHeader(Topics.ERROR_HEADER).value(), StandardCharsets.UTF_8))
                .startsWith("malformed");
        assertThat(replies.isEmpty()).isTrue();
    }

    @Test
    void shouldSendToDeadLetterTopicWhenKeyNamesAnotherTenant() {
        commands.pipeInput("other-tenant:" + USER, serialize(requestCommand("login")));

        assertThat(deadLetters.readRecord().headers().lastHeader(Topics.ERROR_HEADER)).isNotNull();
        assertThat(delivery.isEmpty()).isTrue();
    }

    @Test
    void shouldRejectWhenSealedFieldCannotBeOpened() {
        final OtpRequested foreign = new OtpRequested(id(), TENANT, USER, "login", Channel.EMAIL, null, null, START,
                new Aead(Keyring.generate("c1")).seal(EMAIL.getBytes(StandardCharsets.UTF_8), new byte[0]));

        final OtpReply reply = send(foreign, KEY);

        assertThat(reply.status()).isEqualTo(ReplyStatus.REJECTED);
        assertThat(deadLetters.isEmpty()).isFalse();
        assertThat(delivery.isEmpty()).isTrue();
    }

    private OtpReply request(final String purpose) {
        return send(requestCommand(purpose), KEY);
    }

    private OtpRequested requestCommand(final String purpose) {
        final String commandId = id();
        return new OtpRequested(commandId, TENANT, USER, purpose, Channel.EMAIL, "en",
                new ClientInfo("203.0.113.7", "test-agent"), START,
                commandAead.seal(EMAIL.getBytes(StandardCharsets.UTF_8), commandId.getBytes(StandardCharsets.UTF_8)));
    }

    private OtpIssued requestAndReadIssued(final String purpose) {
        request(purpose);
        return delivery.readValue();
    }

    private String requestAndReadCode(final String purpose) throws IOException {
        return openSecret(requestAndReadIssued(purpose)).code();
    }

    private OtpReply verify(final String purpose, final String code) {
        return verify(purpose, null, code);
    }

    private OtpReply verify(final String purpose, final String otpId, final String code) {
        final String commandId = id();
        return send(new OtpVerifyAttempted(commandId, TENANT, USER, purpose, otpId, null, START,
                commandAead.seal(code.getBytes(StandardCharsets.UTF_8), commandId.getBytes(StandardCharsets.UTF_8))),
                KEY);
    }

    private OtpReply send(final OtpCommand command, final String key) {
        commands.pipeInput(key, serialize(command));
        final OtpReply reply = replies.readValue();
        assertThat(reply.commandId()).isEqualTo(command.commandId());
        return reply;
    }

    private static byte[] serialize(final OtpCommand command) {
        return Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(), command);
    }

    private DeliverySecret openSecret(final OtpIssued issued) throws IOException {
        return Json.mapper().readValue(deliveryAead.open(issued.secret(),
                issued.otpId().getBytes(StandardCharsets.UTF_8)), DeliverySecret.class);
    }

    private String lastEventData(final String field) {
        final List<CloudEvent> all = events.readValuesToList();
        return all.get(all.size() - 1).data().path(field).asText();
    }

    private static String wrong(final String code) {
        return code.charAt(0) == '0' ? "1" + code.substring(1) : "0" + code.substring(1);
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
