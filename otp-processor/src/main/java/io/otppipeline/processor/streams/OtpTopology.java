package io.otppipeline.processor.streams;

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
        topology.addSource(Nodes.SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.COMMANDS.name());
        topology.addProcessor(Nodes.PARSER, CommandParser::new, Nodes.SOURCE);
        topology.addProcessor(Nodes.DECISIONS, () -> new OtpCommandProcessor(decisions), Nodes.PARSER);
        topology.addProcessor(Nodes.SWEEP, () -> new ExpirySweep(decisions), Nodes.PARSER);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(Nodes.USER_STATE_STORE, inMemoryStores),
                Serdes.String(), new UserStateSerde()), Nodes.DECISIONS, Nodes.SWEEP);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(Nodes.IDEMPOTENCY_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.internal(IdempotencyRecord.class)), Nodes.DECISIONS, Nodes.SWEEP);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(Nodes.EXPIRY_INDEX_STORE, inMemoryStores),
                Serdes.String(), Serdes.String()), Nodes.DECISIONS, Nodes.SWEEP);

        topology.addSource(Nodes.GATE_SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.SEND_GATE.name());
        topology.addProcessor(Nodes.GATE, () -> new SendGateProcessor(stages.gate()), Nodes.GATE_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(Nodes.GATE_DESTINATIONS_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.of(DestinationWindow.class)), Nodes.GATE);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(Nodes.GATE_COUNTRIES_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.of(CountryWindow.class)), Nodes.GATE);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(Nodes.GATE_TENANTS_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.of(TenantWindow.class)), Nodes.GATE);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(Nodes.GATE_LAPSES_STORE, inMemoryStores),
                Serdes.String(), Serdes.String()), Nodes.GATE);

        topology.addSink(Nodes.REPLIES_SINK, Topics.REPLIES.name(), Serdes.String().serializer(), RoutedReply.SERIALIZER,
                RoutedReply.PARTITIONER, Nodes.DECISIONS);
        // the events topic is kept forever: a new deployment starts the aggregator an hour back, not at the beginning
        topology.addSource(AutoOffsetReset.byDuration(Duration.ofHours(1)), Nodes.EVENTS_SOURCE,
                Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), Topics.EVENTS.name());
        topology.addProcessor(Nodes.PARSE_EVENTS, EventParser::new, Nodes.EVENTS_SOURCE); // one parse for the three readers below
        topology.addProcessor(Nodes.IP_ACTIVITY, () -> new IpActivityProcessor(stages.ipGuard().rules().ipv6PrefixLength(),
                stages.ipGuard().rules().ipv6WidePrefixLength()), Nodes.PARSE_EVENTS);
        topology.addProcessor(Nodes.DELIVERY_REPORTS, DeliveryReportProcessor::new, Nodes.PARSE_EVENTS);
        topology.addProcessor(Nodes.EVENT_METRICS, () -> new MetricsProcessor(stages.meters()), Nodes.PARSE_EVENTS);
        topology.addSink(Nodes.COMMANDS_SINK, Topics.COMMANDS.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), Nodes.DELIVERY_REPORTS);
        topology.addSink(Nodes.IP_ACTIVITY_SINK, Topics.IP_ACTIVITY.name(), Topics.IP_ACTIVITY.keySerde().serializer(),
                Topics.IP_ACTIVITY.valueSerde().serializer(), Nodes.IP_ACTIVITY);
        topology.addSource(Nodes.IP_ACTIVITY_SOURCE, Topics.IP_ACTIVITY.keySerde().deserializer(),
                Topics.IP_ACTIVITY.valueSerde().deserializer(), Topics.IP_ACTIVITY.name());
        topology.addProcessor(Nodes.IP_GUARD, () -> new IpGuardProcessor(stages.ipGuard()), Nodes.IP_ACTIVITY_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(Nodes.IP_WINDOWS_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.of(IpWindow.class)), Nodes.IP_GUARD);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(Nodes.IP_LAPSES_STORE, inMemoryStores),
                Serdes.String(), Serdes.String()), Nodes.IP_GUARD);
        topology.addSink(Nodes.IP_VERDICTS_SINK, Topics.IP_VERDICTS.name(), Topics.IP_VERDICTS.keySerde().serializer(),
                Topics.IP_VERDICTS.valueSerde().serializer(), Nodes.IP_GUARD);

        topology.addSink(Nodes.GATE_SINK, Topics.SEND_GATE.name(), Topics.SEND_GATE.keySerde().serializer(),
                Topics.SEND_GATE.valueSerde().serializer(), Nodes.DECISIONS);
        topology.addSink(Nodes.DELIVERY_SINK, Topics.DELIVERY.name(), Topics.DELIVERY.keySerde().serializer(),
                Topics.DELIVERY.valueSerde().serializer(), Nodes.GATE);
        topology.addSink(Nodes.EVENTS_SINK, Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer(), Nodes.DECISIONS, Nodes.SWEEP, Nodes.GATE);
        topology.addSink(Nodes.COMMANDS_DLQ_SINK, Topics.COMMANDS_DLQ.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), Nodes.PARSER, Nodes.DECISIONS, Nodes.GATE);

        // added last, so that the sub-topologies above keep their numbers (and task state directories)
        topology.addSource(AutoOffsetReset.latest(), Nodes.DEAD_LETTERS_SOURCE, Serdes.String().deserializer(),
                Serdes.ByteArray().deserializer(), Topics.COMMANDS_DLQ.name(), Topics.DELIVERY_DLQ.name());
        topology.addProcessor(Nodes.DEAD_LETTER_METRICS, () -> new MetricsProcessor.DeadLetters(stages.meters()),
                Nodes.DEAD_LETTERS_SOURCE);
        return topology;
    }

    private static KeyValueBytesStoreSupplier store(final String name, final boolean inMemory) {
        return inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }
}
