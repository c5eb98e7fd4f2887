package io.otppipeline.schemas.kafka;

import io.otppipeline.schemas.command.IpVerdict;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.delivery.OtpIssued;
import io.otppipeline.schemas.event.CloudEvent;
import io.otppipeline.schemas.gate.GateRecord;
import io.otppipeline.schemas.gate.GateSend;
import io.otppipeline.schemas.gate.GateVerified;
import io.otppipeline.schemas.reply.OtpReply;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;

/**
 * The typed registry of every topic the pipeline owns (docs/ARCHITECTURE.md section 4). Every module takes topic
 * names and serdes from here and nowhere else.
 *
 * <p>Retention values are milliseconds. {@code -1} means "kept forever".
 */
public final class Topics {

    /** Header naming the partition of {@link #REPLIES} the API instance that sent a command listens on. */
    public static final String REPLY_PARTITION_HEADER = "reply-partition";
    /** Header on dead-letter records: why the record could not be processed (no payload content). */
    public static final String ERROR_HEADER = "error";

    private static final long SEVEN_DAYS_MS = 7L * 24 * 3600 * 1000;
    private static final long ONE_DAY_MS = 24L * 3600 * 1000;
    private static final long ONE_HOUR_MS = 3600L * 1000;
    private static final int PARTITIONS = 6;

    /**
     * Header on a sweep tick: a record the processor's ticker writes to each partition of {@link #COMMANDS} with work due
     * (key {@link #TICK_KEY}, empty value) so that the expiry sweep runs at a position and time recorded in the
     * command log (docs/DESIGN-NOTES.md, "Deterministic decisions").
     */
    public static final String TICK_HEADER = "otp-tick";
    /** Key of sweep ticks on {@link #COMMANDS}; no user key looks like it (user keys hold a colon). */
    public static final String TICK_KEY = "~tick";

    /**
     * Commands keyed {@code tenantId:userId} (the API's only output) and sweep ticks. The broker stamps each
     * record with its append time ({@code message.timestamp.type=LogAppendTime}): that timestamp is the clock
     * of every decision.
     */
    public static final Topic<String, OtpCommand> COMMANDS = new Topic<>("otp.commands.v1",
            Serdes.String(), JsonSerde.internal(OtpCommand.class), PARTITIONS, Map.of("retention.ms",
            Long.toString(SEVEN_DAYS_MS), "cleanup.policy", "delete", "message.timestamp.type", "LogAppendTime"));

    /** One decision per command, keyed by command id, written to the partition the command named. */
    public static final Topic<String, OtpReply> REPLIES = new Topic<>("otp.replies.v1",
            Serdes.String(), JsonSerde.internal(OtpReply.class), PARTITIONS, retention(ONE_HOUR_MS));

    /** Issued codes, AES-GCM sealed for the notifier; keyed {@code tenantId:userId}. Restricted. */
    public static final Topic<String, OtpIssued> DELIVERY = new Topic<>("otp.delivery.v1",
            Serdes.String(), JsonSerde.internal(OtpIssued.class), PARTITIONS, retention(ONE_DAY_MS));

    /**
     * Issued codes on their way through the send gate ({@link GateSend}) and verified SMS codes for its
     * conversion breaker ({@link GateVerified}), keyed by {@link GateRecord#gateKey()}; sweep ticks (key
     * {@link #TICK_KEY}) clear the gate's expired per-destination windows. Internal to otp-processor; restricted
     * like {@link #DELIVERY} (codes sealed). docs/ARCHITECTURE.md section 5b.
     */
    public static final Topic<String, GateRecord> SEND_GATE = new Topic<>("otp.send-gate.v1",
            Serdes.String(), JsonSerde.internal(GateRecord.class), PARTITIONS, appendTime(ONE_DAY_MS));

    /**
     * The IP guard's input: one record per counted activity of an end user's address (a code request, a wrong
     * code), keyed {@code <tenantId>|<request or failure>|<address key>}, value empty; {@code LogAppendTime} (ticks and
     * records on one clock, the broker's);
     * sweep ticks (key {@link #TICK_KEY}) let the guard forget lapsed windows. Internal to otp-processor, written by
     * its aggregator over {@link #EVENTS}. docs/ARCHITECTURE.md section 5b.
     */
    public static final Topic<String, String> IP_ACTIVITY = new Topic<>("otp.ip-activity.v1",
            Serdes.String(), Serdes.String(), PARTITIONS, appendTime(ONE_DAY_MS));

    /**
     * The IP guard's verdicts ({@link IpVerdict}), keyed like {@link #IP_ACTIVITY}; compacted (the newest verdict
     * per key is what counts), a tombstone once a verdict lapsed. otp-api reads it whole and stamps the verdict
     * on each command. docs/ARCHITECTURE.md section 5b.
     */
    public static final Topic<String, IpVerdict> IP_VERDICTS = new Topic<>("otp.ip-verdicts.v1",
            Serdes.String(), JsonSerde.internal(IpVerdict.class), PARTITIONS, Map.of("cleanup.policy", "compact",
            "min.compaction.lag.ms", "0", "segment.ms", Long.toString(ONE_HOUR_MS)));

    /** Every public event as CloudEvents 1.0 structured JSON, keyed {@code tenantId:userId}; kept forever. */
    public static final Topic<String, CloudEvent> EVENTS = new Topic<>("otp.events.v1",
            Serdes.String(), JsonSerde.of(CloudEvent.class), PARTITIONS, retention(-1));

    /**
     * Commands the processor could not parse or open, and send-gate records it could not read, with an
     * {@link #ERROR_HEADER}; bytes kept as received (secrets still sealed).
     */
    public static final Topic<String, byte[]> COMMANDS_DLQ = new Topic<>("otp.commands.dlq.v1",
            Serdes.String(), Serdes.ByteArray(), 1, retention(SEVEN_DAYS_MS));

    /** Delivery records the notifier could not process for good; bytes kept as received (still sealed). */
    public static final Topic<String, byte[]> DELIVERY_DLQ = new Topic<>("otp.delivery.dlq.v1",
            Serdes.String(), Serdes.ByteArray(), 1, retention(SEVEN_DAYS_MS));

    /**
     * The notifier's delivery ledger: one outcome event per delivery record it finished, keyed by otpId and
     * written to the partition number of the delivery record, before the consumer offset is committed. A
     * notifier that takes over a partition reads it back to skip codes already sent. Internal.
     */
    public static final Topic<String, CloudEvent> DELIVERY_LEDGER = new Topic<>("otp.delivery.ledger.v1",
            Serdes.String(), JsonSerde.of(CloudEvent.class), PARTITIONS, retention(ONE_DAY_MS));

    private Topics() {
    }

    /** Every topic above, in creation order. */
    public static List<Topic<?, ?>> all() {
        return List.of(COMMANDS, REPLIES, SEND_GATE, DELIVERY, EVENTS, IP_ACTIVITY, IP_VERDICTS, COMMANDS_DLQ, DELIVERY_DLQ, DELIVERY_LEDGER);
    }

    /** The Kafka key of every per-user record: {@code tenantId:userId}. Tenant ids never hold a colon. */
    public static String userKey(final String tenantId, final String userId) {
        return tenantId + ":" + userId;
    }

    /** Retention and {@code message.timestamp.type=LogAppendTime}. */
    private static Map<String, String> appendTime(final long retentionMs) {
        return Map.of("retention.ms", Long.toString(retentionMs), "cleanup.policy", "delete",
                "message.timestamp.type", "LogAppendTime");
    }

    private static Map<String, String> retention(final long retentionMs) {
        return Map.of("retention.ms", Long.toString(retentionMs), "cleanup.policy", "delete");
    }
}
