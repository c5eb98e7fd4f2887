package io.otppipeline.bench;

import io.otppipeline.processor.streams.Nodes;
import io.otppipeline.processor.domain.DecisionKeys;
import io.otppipeline.processor.domain.OtpDecisions;
import io.otppipeline.processor.domain.OtpRules;
import io.otppipeline.processor.gate.SendGate;
import io.otppipeline.processor.gate.SendGatePolicy;
import io.otppipeline.processor.guard.IpGuard;
import io.otppipeline.processor.guard.IpGuardRules;
import io.otppipeline.processor.streams.OtpTopology;
import io.otppipeline.processor.streams.Stages;
import io.otppipeline.schemas.Json;
import io.otppipeline.schemas.command.Channel;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.command.OtpRequested;
import io.otppipeline.schemas.command.OtpVerifyAttempted;
import io.otppipeline.schemas.crypto.Aead;
import io.otppipeline.schemas.crypto.Keyring;
import io.otppipeline.schemas.crypto.Mac;
import io.otppipeline.schemas.delivery.DeliverySecret;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.kafka.Topics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import io.otppipeline.processor.streams.UserStateSerde;
import io.otppipeline.processor.domain.UserState;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Bytes the processor keeps per user, measured on the real topology (TopologyTestDriver, shipped rules) with
 * the wall clock advanced instead of waited for: each user is sent one code and verifies once (the uniform mix
 * of right and wrong codes), then time passes the code lifetime (600 s), the send and failure windows (900 s)
 * and the lockout decay (86,400 s), with the expiry sweep running at each step. Bytes are key plus serialised
 * value, summed over the three stores; that is what each store's changelog holds per live key, before the
 * broker's own record overhead.
 */
final class StateSize {

    /**
     * Bytes at one moment.
     *
     * @param moment what had happened by then
     * @param atSeconds wall-clock seconds after the codes were issued
     * @param entries entries per store
     * @param bytes key plus value bytes per store
     * @param bytesPerUser all stores' bytes over the users measured
     * @param mibPerMillionUsers the same, scaled to 1,000,000 users, in MiB
     */
    record Point(String moment, long atSeconds, Map<String, Long> entries, Map<String, Long> bytes,
                 double bytesPerUser, double mibPerMillionUsers) {
    }

    private static final List<String> STORES = List.of(Nodes.USER_STATE_STORE, Nodes.IDEMPOTENCY_STORE,
            Nodes.EXPIRY_INDEX_STORE);
    private static final String TENANT = "bench";

    private StateSize() {
    }

    /**
     * Runs the measurement for {@code users} users.
     *
     * @param stateDir an empty directory for RocksDB
     * @return one point after the verifications and one after each time step
     */
    static List<Point> measure(final int users, final double rightShare, final long seed, final Path stateDir)
            throws IOException {
        final Aead commandAead = new Aead(Keyring.generate("c1"));
        final Aead deliveryAead = new Aead(Keyring.generate("d1"));
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "otp-processor-state-size");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put("processing.exception.handler.global.enabled", "true");
        final Instant start = Instant.parse("2026-11-20T10:00:00Z");
        final Keyring pepper = Keyring.generate("p1");
        final Mac pepperMac = new Mac(pepper);
        final Stages stages = new Stages(new OtpDecisions(OtpRules.DEFAULTS, new DecisionKeys(commandAead,
                deliveryAead, pepperMac, new Mac(pepper.derive("otp-code-v1")), new Aead(Keyring.generate("f1")))),
                new SendGate(SendGatePolicy.DEFAULTS, pepperMac, OtpRules.DEFAULTS.mailboxes()),
                new IpGuard(IpGuardRules.DEFAULTS));
        try (TopologyTestDriver driver = new TopologyTestDriver(OtpTopology.build(stages), props, start)) {
            final TestInputTopic<String, OtpCommand> commands = driver.createInputTopic(Topics.COMMANDS.name(),
                    Serdes.String().serializer(), Topics.COMMANDS.valueSerde().serializer());
            final TestOutputTopic<String, OtpIssued> delivery = driver.createOutputTopic(Topics.DELIVERY.name(),
                    Serdes.String().deserializer(), Topics.DELIVERY.valueSerde().deserializer());
            final List<String> ids = Ops.users("s", users);
            for (String user : ids) {
                final String id = UUID.randomUUID().toString();
                commands.pipeInput(Topics.userKey(TENANT, user), new OtpRequested(id, TENANT, user, Ops.PURPOSE,
                        Channel.EMAIL, null, null, start, seal(commandAead, Ops.destination(user), id),
                        seal(commandAead, id.substring(0, 32), id), null), start);
            }
            final Map<String, String> codes = new HashMap<>();
            for (OtpIssued issued : delivery.readValuesToList()) {
                codes.put(issued.userId(), Json.mapper().readValue(deliveryAead.open(issued.secret(),
                        issued.otpId().getBytes(StandardCharsets.UTF_8)), DeliverySecret.class).code());
            }
            final List<Point> points = new java.util.ArrayList<>();
            points.add(point(driver, "issued (1 code per user)", 0, users));
            for (Ops.Verify op : Ops.verifications(ids, users, rightShare, seed)) {
                final String id = UUID.randomUUID().toString();
                commands.pipeInput(Topics.userKey(TENANT, op.userId()), new OtpVerifyAttempted(id, TENANT,
                        op.userId(), Ops.PURPOSE, null, null, start, seal(commandAead, op.code(codes), id), null), start);
            }
            points.add(point(driver, "active (after one verification each)", 0, users));
            long at = 0;
            for (long step : new long[] {601, 300, 86_400}) {
                at += step;
                final RecordHeaders tick = new RecordHeaders();
                tick.add(Topics.TICK_HEADER, new byte[] {'1'});
                commands.pipeInput(new TestRecord<>(Topics.TICK_KEY, null, tick, start.plusSeconds(at)));
                points.add(point(driver, moment(at), at, users));
            }
            return points;
        }
    }

    private static String moment(final long at) {
        if (at < 900) {
            return "codes expired and swept";
        }
        return at < 86_400 ? "send and failure windows passed" : "lockout decay passed (a day later)";
    }

    private static Point point(final TopologyTestDriver driver, final String moment, final long at, final int users)
            throws IOException {
        final Map<String, Long> entries = new LinkedHashMap<>();
        final Map<String, Long> bytes = new LinkedHashMap<>();
        for (String name : STORES) {
            final KeyValueStore<Object, Object> store = driver.getKeyValueStore(name);
            long n = 0;
            long b = 0;
            try (KeyValueIterator<Object, Object> all = store.all()) {
                while (all.hasNext()) {
                    final KeyValue<Object, Object> kv = all.next();
                    n++;
                    b += size(kv.key) + size(kv.value);
                }
            }
            entries.put(name, n);
            bytes.put(name, b);
        }
        final long total = bytes.values().stream().mapToLong(Long::longValue).sum();
        return new Point(moment, at, entries, bytes, Math.round(10.0 * total / users) / 10.0,
                Math.round(total * 1_000_000.0 / users / 1048576.0 * 10) / 10.0);
    }

    /**
     * Bytes of {@code value} in its store's own format (the binary user state; the idempotency records as internal
     * JSON, {@code Json.internalMapper()}).
     */
    private static long size(final Object value) throws IOException {
        if (value instanceof UserState state) {
            return USER_STATE_FORMAT.serialize(null, state).length;
        }
        return value instanceof String s ? s.getBytes(StandardCharsets.UTF_8).length
                : Json.internalMapper().writeValueAsBytes(value).length;
    }

    private static final UserStateSerde USER_STATE_FORMAT = new UserStateSerde();

    private static io.otppipeline.schemas.crypto.SealedBox seal(final Aead aead, final String secret, final String id) {
        return aead.seal(secret.getBytes(StandardCharsets.UTF_8), id.getBytes(StandardCharsets.UTF_8));
    }
}
