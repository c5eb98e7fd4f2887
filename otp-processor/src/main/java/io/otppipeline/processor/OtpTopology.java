package io.otppipeline.processor;

import io.otppipeline.processor.domain.IdempotencyRecord;
import io.otppipeline.processor.domain.OtpDecisions;
import io.otppipeline.processor.domain.UserState;
import io.otppipeline.schemas.kafka.JsonSerde;
import io.otppipeline.schemas.kafka.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;

/**
 * Builds the processor topology as a pure function of its {@link OtpDecisions}:
 *
 * <pre>
 * otp.commands.v1 → parse-commands ─┬→ otp-decisions ──┬→ otp.replies.v1 (partition from header)
 *                                   │   [user-state,    ├→ otp.delivery.v1
 *                                   │    idempotency,   ├→ otp.events.v1
 *                                   │    expiry-index]  │
 *                                   ├→ expiry-sweep ────┘  (sweep ticks; same three stores)
 *                                   └──────────────────────→ otp.commands.dlq.v1
 * </pre>
 *
 * <p>Both processors read time only from record timestamps (docs/DESIGN-NOTES.md, "Deterministic decisions").
 */
public final class OtpTopology {

    /** Per-user state: key {@code tenantId:userId}, value {@link UserState} (JSON), changelog-backed. */
    public static final String USER_STATE_STORE = "otp-user-state";

    /** Idempotency keys: key {@code tenantId:userId <key>}, value {@link IdempotencyRecord} (JSON). */
    public static final String IDEMPOTENCY_STORE = "otp-idempotency";

    /** Deadlines of user states and idempotency records, key format in {@link ExpiryIndex}, value empty. */
    public static final String EXPIRY_INDEX_STORE = "otp-expiry-index";

    static final String SOURCE = "commands-source";
    static final String PARSER = "parse-commands";
    static final String DECISIONS = "otp-decisions";
    static final String SWEEP = "expiry-sweep";
    static final String REPLIES_SINK = "replies-sink";
    static final String DELIVERY_SINK = "delivery-sink";
    static final String EVENTS_SINK = "events-sink";
    static final String COMMANDS_DLQ_SINK = "commands-dlq-sink";

    private OtpTopology() {
    }

    /** The topology with RocksDB stores; {@code decisions} holds the rules and keys. */
    public static Topology build(final OtpDecisions decisions) {
        return build(decisions, false);
    }

    /**
     * The topology; {@code decisions} holds the rules and keys.
     *
     * @param inMemoryStores keep the three stores in the heap instead of RocksDB (both are changelog-backed;
     *     in memory, a restarted instance restores them from the changelogs: fine while the active users' state
     *     fits the heap, about 400 bytes per user active in the last 15 minutes, docs/BENCHMARKS.md)
     */
    public static Topology build(final OtpDecisions decisions, final boolean inMemoryStores) {
        final Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.String().deserializer(), Serdes.ByteArray().deserializer(),
                Topics.COMMANDS.name());
        topology.addProcessor(PARSER, CommandParser::new, SOURCE);
        topology.addProcessor(DECISIONS, () -> new OtpCommandProcessor(decisions), PARSER);
        topology.addProcessor(SWEEP, () -> new ExpirySweep(decisions), PARSER);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(USER_STATE_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.of(UserState.class)), DECISIONS, SWEEP);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(IDEMPOTENCY_STORE, inMemoryStores),
                Serdes.String(), JsonSerde.of(IdempotencyRecord.class)), DECISIONS, SWEEP);
        topology.addStateStore(Stores.keyValueStoreBuilder(store(EXPIRY_INDEX_STORE, inMemoryStores),
                Serdes.String(), Serdes.String()), DECISIONS, SWEEP);

        topology.addSink(REPLIES_SINK, Topics.REPLIES.name(), Serdes.String().serializer(), RoutedReply.SERIALIZER,
                RoutedReply.PARTITIONER, DECISIONS);
        topology.addSink(DELIVERY_SINK, Topics.DELIVERY.name(), Topics.DELIVERY.keySerde().serializer(),
                Topics.DELIVERY.valueSerde().serializer(), DECISIONS);
        topology.addSink(EVENTS_SINK, Topics.EVENTS.name(), Topics.EVENTS.keySerde().serializer(),
                Topics.EVENTS.valueSerde().serializer(), DECISIONS, SWEEP);
        topology.addSink(COMMANDS_DLQ_SINK, Topics.COMMANDS_DLQ.name(), Serdes.String().serializer(),
                Serdes.ByteArray().serializer(), PARSER, DECISIONS);
        return topology;
    }

    private static KeyValueBytesStoreSupplier store(final String name, final boolean inMemory) {
        return inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
    }
}
