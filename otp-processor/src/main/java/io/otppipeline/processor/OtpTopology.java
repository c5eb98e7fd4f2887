package io.otppipeline.processor;

import io.otppipeline.processor.domain.IdempotencyRecord;
import io.otppipeline.processor.domain.OtpDecisions;
import io.otppipeline.processor.domain.UserState;
import io.otppipeline.processor.gate.GateWindows.CountryWindow;
import io.otppipeline.processor.gate.GateWindows.DestinationWindow;
import io.otppipeline.processor.gate.GateWindows.TenantWindow;
import io.otppipeline.processor.guard.IpWindow;
import io.otppipeline.schemas.kafka.JsonSerde;
import io.otppipeline.schemas.kafka.Topics;
import java.time.Duration;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the processor topology as a pure function of its {@link OtpDecisions}:
 *
 * <pre>
 * otp.commands.v1 → parse-commands ─┬→ otp-decisions ──┬→ otp.replies.v1 (partition from header)
 *                                   │   [user-state,    ├→ otp.send-gate.v1 (keyed by gate key)
 *                                   │    idempotency,   ├→ otp.events.v1
 *                                   │    expiry-index]  │
 *                                   ├→ expiry-sweep ────┘  (sweep ticks; same three stores)
 *                                   └──────────────────────→ otp.commands.dlq.v1
 *
 * otp.send-gate.v1 → send-gate ──┬→ otp.delivery.v1 (admitted codes, keyed tenantId:userId)
 *   [gate-destinations, gate-countries, gate-tenants, gate-lapses]  └→ otp.events.v1 (otp.delivery.suppressed,
 *                                                                      otp.prefix.blocked)
 *
 * otp.events.v1 → ip-activity → otp.ip-activity.v1 (keyed tenant|kind|address) → ip-guard → otp.ip-verdicts.v1
 *                                                               [ip-windows, ip-lapses]      (compacted; read by otp-api)
 * </pre>
 *
 * <p>The user stage decides per user; the send gate (docs/ARCHITECTURE.md section 5b) per destination, calling
 * code and tenant, after the user stage's commit: it delays the message, never the HTTP answer. Every processor
 * reads time only from record timestamps (docs/DESIGN-NOTES.md, "Deterministic decisions").
 */
public final class OtpTopology {

    /** Per-user state: key {@code tenantId:userId}, value {@link UserState} (JSON), changelog-backed. */
    public static final String USER_STATE_STORE = "otp-user-state";

    /** Idempotency keys: key {@code tenantId:userId <key>}, value {@link IdempotencyRecord} (JSON). */
    public static final String IDEMPOTENCY_STORE = "otp-idempotency";

    /** Deadlines of user states and idempotency records, key format in {@link ExpiryIndex}, value empty. */
    public static final String EXPIRY_INDEX_STORE = "otp-expiry-index";

    /** Send gate: sends per destination, key {@code tenantId|destinationHash}, value {@code DestinationWindow}. */
    public static final String GATE_DESTINATIONS_STORE = "otp-gate-destinations";
    /** Send gate: SMS per calling code and the breaker, key {@code tenantId|+cc}, value {@code CountryWindow}. */
    public static final String GATE_COUNTRIES_STORE = "otp-gate-countries";
    /** Send gate: SMS per tenant, key {@code tenantId}, value {@code TenantWindow}. */
    public static final String GATE_TENANTS_STORE = "otp-gate-tenants";
    /** Send gate: when each destination window lapses, key {@code <13-digit epoch ms> <destination key>}. */
    public static final String GATE_LAPSES_STORE = "otp-gate-lapses";

    /** IP guard: activity per address, key {@code tenantId|kind|addressKey}, value {@code IpWindow}. */
    public static final String IP_WINDOWS_STORE = "otp-ip-windows";
    /** IP guard: when each window lapses, key {@code <13-digit epoch ms> <window key>}. */
    public static final String IP_LAPSES_STORE = "otp-ip-lapses";

    static final String SOURCE = "commands-source";
    static final String EVENTS_SOURCE = "events-source";
    static final String IP_ACTIVITY = "ip-activity";
    static final String PARSE_EVENTS = "parse-events";
    static final String DELIVERY_REPORTS = "delivery-reports";
    static final String EVENT_METRICS = "event-metrics";
    static final String DEAD_LETTERS_SOURCE = "dead-letters-source";
    static final String DEAD_LETTER_METRICS = "dead-letter-metrics";
    static final String COMMANDS_SINK = "delivery-reports-sink";
    static final String IP_ACTIVITY_SINK = "ip-activity-sink";
    static final String IP_ACTIVITY_SOURCE = "ip-activity-source";
    static final String IP_GUARD = "ip-guard";
    static final String IP_VERDICTS_SINK = "ip-verdicts-sink";
    static final String GATE_SOURCE = "send-gate-source";
    static final String GATE = "send-gate";
    static final String GATE_SINK = "send-gate-sink";
    static final String PARSER = "parse-commands";
    static final String DECISIONS = "otp-decisions";
    static final String SWEEP = "expiry-sweep";
    static final String REPLIES_SINK = "replies-sink";
    static final String DELIVERY_SINK = "delivery-sink";
    static final String EVENTS_SINK = "events-sink";
    static final String COMMANDS_DLQ_SINK = "commands-dlq-sink";

    private OtpTopology() {
    }

    /** The topology with RocksDB stores. */
    public static Topology build(final Stages stages) {
        return build(stages, false);
    }

    /**
     * The topology of {@code stages}.
     *
     * @param inMemoryStores keep the three stores in the heap instead of RocksDB (both are changelog-backed;
     *     in memory, a restarted instance restores them from the changelogs: fine while the active users' state
     *     fits the heap, about 400 bytes per user active in the last 15 minutes, docs/BENCHMARKS.md)
     */
    public static Topology build(final Stages stages, final boolean inMemoryStores) {
        final OtpDecisions decisions = stages.decisions();
        final Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.COMMANDS.name());
        topology.addProcessor(PARSER, CommandParser::new, SOURCE);
        topology.addProcessor(DECISIONS, () -> new OtpCommandProcessor(decisions), PARSER);
        topology.addProcessor(SWEEP, () -> new ExpirySweep(decisions), PARSER);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(USER_STATE_STORE, inMemoryStores),
                Serdes.String(), new UserStateSerde()), DECISIONS, SWEEP);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(IDEMPOTENCY_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.internal(IdempotencyRecord.class)), DECISIONS, SWEEP);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(EXPIRY_INDEX_STORE, inMemoryStores),
                Serdes.String(), Serdes.String()), DECISIONS, SWEEP);

        topology.addSource(GATE_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.SEND_GATE.name());
        topology.addProcessor(GATE, () -> new SendGateProcessor(stages.gate()), GATE_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(GATE_DESTINATIONS_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.of(DestinationWindow.class)), GATE);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(GATE_COUNTRIES_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.of(CountryWindow.class)), GATE);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(GATE_TENANTS_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.of(TenantWindow.class)), GATE);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(GATE_LAPSES_STORE, inMemoryStores),
                Serdes.String(), Serdes.String()), GATE);

        topology.addSink(REPLIES_SINK, Topics.REPLIES.name(), Serdes.String().serializer(), RoutedReply.SERIALIZER,
                RoutedReply.PARTITIONER, DECISIONS);
        // the events topic is kept forever: a new deployment starts the aggregator an hour back, not at the beginning
        topology.addSource(AutoOffsetReset.byDuration(Duration.ofHours(1)), EVENTS_SOURCE,
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), Topics.EVENTS.name());
        topology.addProcessor(PARSE_EVENTS, EventParser::new, EVENTS_SOURCE); // one parse for the three readers below
        topology.addProcessor(IP_ACTIVITY, () -> new IpActivityProcessor(stages.ipGuard().rules().ipv6PrefixLength()),
                PARSE_EVENTS);
        topology.addProcessor(DELIVERY_REPORTS, DeliveryReportProcessor::new, PARSE_EVENTS);
        topology.addProcessor(EVENT_METRICS, () -> new MetricsProcessor(stages.meters()), PARSE_EVENTS);
        topology.addSink(COMMANDS_SINK, Topics.COMMANDS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), DELIVERY_REPORTS);
        topology.addSink(IP_ACTIVITY_SINK, Topics.IP_ACTIVITY.name(), Topics.IP_ACTIVITY.keySerde().serializer(),
                Topics.IP_ACTIVITY.valueSerde().serializer(), IP_ACTIVITY);
        topology.addSource(IP_ACTIVITY_SOURCE, Topics.IP_ACTIVITY.keySerde().deserializer(),
                Topics.IP_ACTIVITY.valueSerde().deserializer(), Topics.IP_ACTIVITY.name());
        topology.addProcessor(IP_GUARD, () -> new IpGuardProcessor(stages.ipGuard()), IP_ACTIVITY_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(IP_WINDOWS_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.of(IpWindow.class)), IP_GUARD);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(IP_LAPSES_STORE, inMemoryStores),
                Serdes.String(), Serdes.String()), IP_GUARD);
        topology.addSink(IP_VERDICTS_SINK, Topics.IP_VERDICTS.name(), Topics.IP_VERDICTS.keySerde().serializer(),
                Topics.IP_VERDICTS.valueSerde().serializer(), IP_GUARD);

        topology.addSink(GATE_SINK, Topics.SEND_GATE.name(), Topics.SEND_GATE.keySerde().serializer(),
                Topics.SEND_GATE.valueSerde().serializer(), DECISIONS);
        topology.addSink(DELIVERY_SINK, Topics.DELIVERY.name(), Topics.DELIVERY.keySerde().serializer(),
                Topics.DELIVERY.valueSerde().serializer(), GATE);
        topology.addSink(EVENTS_SINK, Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer(), DECISIONS, SWEEP, GATE);
        topology.addSink(COMMANDS_DLQ_SINK, Topics.COMMANDS_DLQ.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), PARSER, DECISIONS, GATE);

        // added last, so that the sub-topologies above keep their numbers (and task state directories)
        topology.addSource(AutoOffsetReset.latest(), DEAD_LETTERS_SOURCE, Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(), Topics.COMMANDS_DLQ.name(), Topics.DELIVERY_DLQ.name());
        topology.addProcessor(DEAD_LETTER_METRICS, () -> new MetricsProcessor.DeadLetters(stages.meters()),
                DEAD_LETTERS_SOURCE);
        return topology;
    }

    private static KeyValueBytesStoreSupplier store(final String name, final boolean inMemory) {
        return inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }
}
