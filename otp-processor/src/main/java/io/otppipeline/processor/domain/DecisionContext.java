package io.otppipeline.processor.domain;

import io.otppipeline.schemas.command.ClientInfo;
import io.otppipeline.schemas.command.OtpCommand;
import io.otppipeline.schemas.event.CloudEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What one decision about one user may read besides the user's state, and where its public events go: the
 * user, the command (absent for the expiry sweep), the decision time and the events emitted so far. Not
 * thread-safe; one per decision.
 *
 * <p>The decision time is the command record's broker timestamp ({@code LogAppendTime} on
 * {@code otp.commands.v1}), or a sweep tick's: never the wall clock (docs/DESIGN-NOTES.md, "Deterministic
 * decisions"). Event ids are derived, never drawn: a command's events from its command id and their position,
 * a fact of the user's state (a code expired, a lockout ran out) from the fact itself, so that the sweep and a
 * command that both notice it emit one event with one id.
 */
public final class DecisionContext {

    /** CloudEvents {@code source} of every event the processor emits. */
    public static final String SOURCE = "/otp-processor";

    private final String tenantId;
    private final String userId;
    private final String commandId;
    private final ClientInfo client;
    private final long nowMs;
    private final List<CloudEvent> events = new ArrayList<>(3);
    private int commandEvents;

    private DecisionContext(final String tenantId, final String userId, final String commandId,
                            final ClientInfo client, final long nowMs) {
        this.tenantId = tenantId;
        this.userId = userId;
        this.commandId = commandId;
        this.client = client;
        this.nowMs = nowMs;
    }

    /**
     * The context of {@code command}.
     *
     * @param nowMs the command record's timestamp, epoch milliseconds
     */
    public static DecisionContext of(final OtpCommand command, final long nowMs) {
        return new DecisionContext(command.tenantId(), command.userId(), command.commandId(), command.client(),
                nowMs);
    }

    /**
     * The context of the expiry sweep for one user.
     *
     * @param nowMs the sweep tick's timestamp, epoch milliseconds
     */
    public static DecisionContext sweep(final String tenantId, final String userId, final long nowMs) {
        return new DecisionContext(tenantId, userId, null, null, nowMs);
    }

    /** Decision time, epoch milliseconds. */
    public long nowMs() {
        return nowMs;
    }

    public String tenantId() {
        return tenantId;
    }

    public String userId() {
        return userId;
    }

    /** The command decided, or {@code null} in the sweep. */
    public String commandId() {
        return commandId;
    }

    /** The end user's client named by the command, or {@code null}. */
    public ClientInfo client() {
        return client;
    }

    /**
     * Emits an event of the command, stamped with the decision time; its id is (command id, position among the
     * command's own events), so facts reported in the same decision do not shift it.
     */
    void emit(final String type, final Object data) {
        add(derivedId(commandId + "#" + commandEvents++), type, Instant.ofEpochMilli(nowMs), data);
    }

    /**
     * Emits an event about a fact of the user's state that happened at {@code atMs} (epoch milliseconds) and
     * that whichever decision notices it first reports: the sweep or a command.
     *
     * @param fact names the fact uniquely for this user, for example {@code expired <otpId>}
     */
    void emitFact(final String type, final String fact, final long atMs, final Object data) {
        add(derivedId(tenantId + ":" + userId + "#" + fact), type, Instant.ofEpochMilli(atMs), data);
    }

    /** The events emitted so far, in order. */
    public List<CloudEvent> events() {
        return List.copyOf(events);
    }

    private void add(final String id, final String type, final Instant time, final Object data) {
        events.add(CloudEvent.of(id, SOURCE, type, tenantId, userId, time, data));
    }

    /** A name-based UUID (RFC 9562 version 3) of {@code name}: the same name always gives the same id. */
    private static String derivedId(final String name) {
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }
}
