package io.otppipeline.processor.streams;

import io.otppipeline.processor.domain.IdempotencyRecord;
import io.otppipeline.processor.domain.UserState;

/**
 * The names of the processor topology's state stores and nodes, in one place: {@link OtpTopology} wires them, the
 * processors look their stores up by them, and the service's interactive queries and the tests read stores by
 * them. A store's name is also its changelog's ({@code <application id>-<store>-changelog}) and its directory under
 * the state directory: renaming one abandons its state.
 */
public final class Nodes {

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
    /** Send gate: sends per tenant, key {@code tenantId} (SMS) or {@code tenantId|email}, value {@code TenantWindow}. */
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

    private Nodes() {
    }
}
