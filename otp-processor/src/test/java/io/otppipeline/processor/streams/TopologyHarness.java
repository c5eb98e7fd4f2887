package io.otppipeline.processor.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.otppipeline.processor.domain.DecisionKeys;
import io.otppipeline.processor.domain.OtpDecisions;
import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.processor.domain.UserState;
import io.otppipeline.processor.gate.SendGate;
import io.otppipeline.processor.gate.SendGatePolicy;
import io.otppipeline.processor.guard.IpGuard;
import io.otppipeline.processor.guard.IpGuardRules;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.CaptchaVerdict;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.FactorConfirmRequested;
import io.otppipeline.schemas.command.FactorDeleteRequested;
import io.otppipeline.schemas.command.FactorEnrolRequested;
import io.otppipeline.schemas.command.FactorType;
import io.otppipeline.schemas.command.FactorVerifyAttempted;
import io.otppipeline.schemas.command.IdempotencyKey;
import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpConsumeRequested;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.command.UserUnlockRequested;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.event.EventSchemas;
import io.otppipeline.schemas.kafka.Topics;
import io.otppipeline.schemas.reply.FactorCheckReply;
import io.otppipeline.schemas.reply.FactorDeletedReply;
import io.otppipeline.schemas.reply.IssuedReply;
import io.otppipeline.schemas.reply.OtpReply;
import io.otppipeline.schemas.reply.VerifyReply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.security.SecureRandom;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * A {@link TopologyTestDriver} around {@link OtpTopology} with one user and helpers that send commands and
 * read the decision. Every event read through {@link #events()} is checked against its JSON Schema.
 *
 * <p>The harness keeps the command log's clock: every command is piped with the harness time as its record
 * timestamp (what the broker's {@code LogAppendTime} stamps in production), and {@link #advance} moves that
 * time and pipes a sweep tick stamped with it, as the processor's ticker would.
 */
final class TopologyHarness implements AutoCloseable {

    static final String TENANT = "acme";
    static final String USER = "user-1";
    static final String KEY = Topics.userKey(TENANT, USER);
    static final String EMAIL = "alice.liddell@example.com";
    static final Instant START = Instant.parse("2026-11-20T10:00:00Z");
    static final ClientInfo CLIENT = new ClientInfo("203.0.113.7", "test-agent");

    /** A state directory of its own, so that concurrent builds on one machine do not share RocksDB files. */
    private final Path stateDir = createTempDirectory();
    final Aead commandAead = new Aead(Keyring.generate("c1"));
    final Aead deliveryAead = new Aead(Keyring.generate("d1"));
    final Aead factorAead = new Aead(Keyring.generate("f1"));
    private final SecureRandom random = new SecureRandom();
    private Instant now = START;
    final TopologyTestDriver driver;
    final TestInputTopic<String, byte[]> commands;
    final TestOutputTopic<String, OtpReply> replies;
    final TestOutputTopic<String, OtpIssued> delivery;
    final TestOutputTopic<String, byte[]> deadLetters;
    /** The pepper keyring's MAC: destination hashes of the send gate. */
    final Mac pepperMac;
    private final TestInputTopic<String, byte[]> gateInput;
    private final TestInputTopic<String, String> ipActivityInput;
    /** The IP guard's verdicts, keyed {@code tenant|kind|address}; {@code null} values are tombstones. */
    final TestOutputTopic<String, IpVerdict> verdicts;
    private final TestOutputTopic<String, CloudEvent> eventTopic;

    TopologyHarness(final OtpRules rules) {
        this(rules, SendGatePolicy.DEFAULTS);
    }

    /** A harness whose send gate applies {@code gatePolicy}. */
    TopologyHarness(final OtpRules rules, final SendGatePolicy gatePolicy) {
        this(rules, gatePolicy, IpGuardRules.DEFAULTS);
    }

    /** A harness whose send gate applies {@code gatePolicy} and whose IP guard {@code ipRules}. */
    TopologyHarness(final OtpRules rules, final SendGatePolicy gatePolicy, final IpGuardRules ipRules) {
        final Keyring pepper = Keyring.generate("p1");
        pepperMac = new Mac(pepper);
        final OtpDecisions decisions = new OtpDecisions(rules, new DecisionKeys(commandAead, deliveryAead,
                pepperMac, new Mac(pepper.derive("otp-code-v1")), factorAead));
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "otp-processor-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(OtpTopology.build(new Stages(decisions, new SendGate(gatePolicy, pepperMac,
                rules.mailboxes()), new IpGuard(ipRules))), props, START);
        ipActivityInput = driver.createInputTopic(Topics.IP_ACTIVITY.name(), Serdes.String().serializer(),
                Serdes.String().serializer());
        verdicts = driver.createOutputTopic(Topics.IP_VERDICTS.name(), Serdes.String().deserializer(),
                Topics.IP_VERDICTS.valueSerde().deserializer());
        gateInput = driver.createInputTopic(Topics.SEND_GATE.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        commands = driver.createInputTopic(Topics.COMMANDS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer());
        replies = driver.createOutputTopic(Topics.REPLIES.name(), Serdes.String().deserializer(),
                Topics.REPLIES.valueSerde().deserializer());
        delivery = driver.createOutputTopic(Topics.DELIVERY.name(), Serdes.String().deserializer(),
                Topics.DELIVERY.valueSerde().deserializer());
        eventTopic = driver.createOutputTopic(Topics.EVENTS.name(), Serdes.String().deserializer(),
                Topics.EVENTS.valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(Topics.COMMANDS_DLQ.name(), Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer());
    }

    /** Events emitted since the last call, each valid against its JSON Schema. */
    List<CloudEvent> events() {
        final List<CloudEvent> all = eventTopic.readValuesToList();
        for (CloudEvent e : all) {
            assertThat(EventSchemas.validate(Json.mapper().valueToTree(e))).as(e.type()).isEmpty();
        }
        return all;
    }

    List<String> eventTypes() {
        return events().stream().map(CloudEvent::type).toList();
    }

    /** Moves the log's clock by {@code duration} and pipes a sweep tick stamped with the new time. */
    void advance(final Duration duration) {
        now = now.plus(duration);
        tick();
    }

    /**
     * Moves the log's clock by {@code duration} without a sweep tick: the next record is decided before the ticker's
     * next tick arrived (ticks come about every second, on the ticker's own schedule).
     */
    void advanceWithoutTick(final Duration duration) {
        now = now.plus(duration);
    }

    /** Throws away what the output topics collected (a long run would otherwise keep it all in memory). */
    void drainOutputs() {
        delivery.readRecordsToList();
        eventTopic.readRecordsToList();
        verdicts.readRecordsToList();
    }

    /** Pipes raw {@code value} bytes onto the send gate's input, as a damaged record would arrive. */
    void pipeGateRecord(final String key, final byte[] value) {
        gateInput.pipeInput(new TestRecord<>(key, value, new RecordHeaders(), now));
    }

    /** Pipes a sweep tick stamped with the current harness time. */
    void tick() {
        final RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.TICK_HEADER, new byte[] {'1'});
        commands.pipeInput(new TestRecord<>(Topics.TICK_KEY, new byte[0], headers, now));
        gateInput.pipeInput(new TestRecord<>(Topics.TICK_KEY, new byte[0], headers, now));
        ipActivityInput.pipeInput(new TestRecord<>(Topics.TICK_KEY, "", headers, now));
    }

    /** The current time of the command log. */
    Instant now() {
        return now;
    }

    OtpReply request(final String purpose) {
        return send(requestCommand(purpose, null));
    }

    OtpRequested requestCommand(final String purpose, final IdempotencyKey idempotency) {
        final String commandId = id();
        final byte[] entropy = new byte[32];
        random.nextBytes(entropy);
        return new OtpRequested(commandId, TENANT, USER, purpose, Channel.EMAIL, "en", CLIENT, START,
                commandAead.seal(EMAIL.getBytes(StandardCharsets.UTF_8), commandId.getBytes(StandardCharsets.UTF_8)),
                commandAead.seal(entropy, commandId.getBytes(StandardCharsets.UTF_8)), idempotency);
    }

    /**
     * A {@code login} request of {@code tenant}'s {@code user} for a code sent by {@code channel} to
     * {@code destination} (already in normal form, as otp-api writes it).
     */
    OtpReply requestFor(final String tenant, final String user, final Channel channel, final String destination) {
        return requestFrom(tenant, user, channel, destination, CLIENT, null);
    }

    /** As {@link #requestFor}, from {@code client}, stamped with {@code verdict} (or none) as otp-api would. */
    OtpReply requestFrom(final String tenant, final String user, final Channel channel, final String destination,
                         final ClientInfo client, final IpVerdict verdict) {
        final String commandId = id();
        final byte[] entropy = new byte[32];
        random.nextBytes(entropy);
        return send(new OtpRequested(commandId, tenant, user, "login", channel, "en", client, START,
                commandAead.seal(destination.getBytes(StandardCharsets.UTF_8), commandId.getBytes(StandardCharsets.UTF_8)),
                commandAead.seal(entropy, commandId.getBytes(StandardCharsets.UTF_8)), null, verdict));
    }

    /** A {@code login} verification of {@code tenant}'s {@code user} with {@code code}. */
    VerifyReply verifyFor(final String tenant, final String user, final String code) {
        return verifyFrom(tenant, user, code, CLIENT, null);
    }

    /** As {@link #verifyFor}, from {@code client}, stamped with {@code verdict} (or none) as otp-api would. */
    VerifyReply verifyFrom(final String tenant, final String user, final String code, final ClientInfo client,
                           final IpVerdict verdict) {
        return verifyWithCaptcha(tenant, user, code, client, verdict, null);
    }

    /** As {@link #verifyFrom}, stamped with {@code captcha} (or none) as otp-api would. */
    VerifyReply verifyWithCaptcha(final String tenant, final String user, final String code, final ClientInfo client,
                                  final IpVerdict verdict, final CaptchaVerdict captcha) {
        final String commandId = id();
        return as(VerifyReply.class, send(new OtpVerifyAttempted(commandId, tenant, user, "login", null, client, START,
                commandAead.seal(code.getBytes(StandardCharsets.UTF_8), commandId.getBytes(StandardCharsets.UTF_8)),
                null, verdict, captcha)));
    }

    /** Enrols an authenticator factor of {@code type} for {@link #USER} with {@code secret} (20 bytes). */
    OtpReply enrol(final FactorType type, final byte[] secret) {
        final String commandId = id();
        return send(new FactorEnrolRequested(commandId, TENANT, USER, type, CLIENT, START,
                commandAead.seal(secret, commandId.getBytes(StandardCharsets.UTF_8)), null));
    }

    /** Confirms {@link #USER}'s factor {@code factorId} with {@code code}. */
    FactorCheckReply confirmFactor(final String factorId, final String code) {
        final String commandId = id();
        return as(FactorCheckReply.class, send(new FactorConfirmRequested(commandId, TENANT, USER, factorId, CLIENT,
                START, commandAead.seal(code.getBytes(StandardCharsets.UTF_8),
                commandId.getBytes(StandardCharsets.UTF_8)), null, null)));
    }

    /** Verifies {@code code} against {@link #USER}'s active factors. */
    FactorCheckReply verifyFactor(final String code) {
        final String commandId = id();
        return as(FactorCheckReply.class, send(new FactorVerifyAttempted(commandId, TENANT, USER, null, CLIENT,
                START, commandAead.seal(code.getBytes(StandardCharsets.UTF_8),
                commandId.getBytes(StandardCharsets.UTF_8)), null, null)));
    }

    /** Removes {@link #USER}'s factor {@code factorId}. */
    FactorDeletedReply deleteFactor(final String factorId) {
        return as(FactorDeletedReply.class, send(new FactorDeleteRequested(id(), TENANT, USER, factorId, CLIENT,
                START, null)));
    }

    OtpIssued requestAndReadIssued(final String purpose) {
        request(purpose);
        return delivery.readValue();
    }

    String requestAndReadCode(final String purpose) {
        return openSecret(requestAndReadIssued(purpose)).code();
    }

    /** A request that must be answered with a new code. */
    IssuedReply issue(final String purpose) {
        return as(IssuedReply.class, request(purpose));
    }

    VerifyReply verify(final String purpose, final String code) {
        return verify(purpose, null, code);
    }

    VerifyReply verify(final String purpose, final String otpId, final String code) {
        return as(VerifyReply.class, send(verifyCommand(purpose, otpId, code, null)));
    }

    /** {@code reply} as a {@code type}, failing the test when it is another kind of answer. */
    static <T extends OtpReply> T as(final Class<T> type, final OtpReply reply) {
        assertThat(reply).isInstanceOf(type);
        return type.cast(reply);
    }

    OtpVerifyAttempted verifyCommand(final String purpose, final String otpId, final String code,
                                     final IdempotencyKey idempotency) {
        final String commandId = id();
        return new OtpVerifyAttempted(commandId, TENANT, USER, purpose, otpId, CLIENT, START,
                commandAead.seal(code.getBytes(StandardCharsets.UTF_8), commandId.getBytes(StandardCharsets.UTF_8)),
                idempotency);
    }

    OtpReply consume(final String otpId) {
        return send(new OtpConsumeRequested(id(), TENANT, USER, otpId, CLIENT, START, null));
    }

    OtpReply unlock() {
        return send(new UserUnlockRequested(id(), TENANT, USER, "admin-1", null, START, null));
    }

    OtpReply send(final OtpCommand command) {
        commands.pipeInput(new TestRecord<>(Topics.userKey(command.tenantId(), command.userId()), serialize(command),
                now));
        final OtpReply reply = replies.readValue();
        assertThat(reply.commandId()).isEqualTo(command.commandId());
        return reply;
    }

    static byte[] serialize(final OtpCommand command) {
        return Topics.COMMANDS.valueSerde().serializer().serialize(Topics.COMMANDS.name(), command);
    }

    DeliverySecret openSecret(final OtpIssued issued) {
        try {
            return Json.mapper().readValue(deliveryAead.open(issued.secret(),
                    issued.otpId().getBytes(StandardCharsets.UTF_8)), DeliverySecret.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every key of a state store. */
    List<String> storeKeys(final String storeName) {
        final KeyValueStore<String, Object> store = driver.getKeyValueStore(storeName);
        final List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, Object> it = store.all()) {
            it.forEachRemaining((KeyValue<String, Object> kv) -> keys.add(kv.key));
        }
        return keys;
    }

    /**
     * Whether the time index {@code indexStore} holds an entry due at or before {@code at}: what the sweep ticker
     * asks before it ticks a partition.
     */
    boolean sweepDueAt(final String indexStore, final Instant at) {
        return CommandTicker.hasDue(driver.getKeyValueStore(indexStore), at.toEpochMilli());
    }

    UserState userState() {
        final KeyValueStore<String, UserState> store = driver.getKeyValueStore(Nodes.USER_STATE_STORE);
        return store.get(KEY);
    }

    static String wrong(final String code) {
        return code.charAt(0) == '0' ? "1" + code.substring(1) : "0" + code.substring(1);
    }

    static String id() {
        return UUID.randomUUID().toString();
    }

    private static Path createTempDirectory() {
        try {
            return Files.createTempDirectory("otp-topology-test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
