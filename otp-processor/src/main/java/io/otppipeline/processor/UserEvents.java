package io.otppipeline.processor;

import io.otppipeline.schemas.event.CloudEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects the public events of one decision about one user, all stamped with the decision's time.
 * Not thread-safe; one per decision.
 */
final class UserEvents {

    static final String SOURCE = "/otp-processor";

    private final String tenantId;
    private final String userId;
    private final Instant time;
    private final List<CloudEvent> events = new ArrayList<>(3);

    /**
     * @param nowMs decision time, epoch milliseconds
     */
    UserEvents(final String tenantId, final String userId, final long nowMs) {
        this.tenantId = tenantId;
        this.userId = userId;
        this.time = Instant.ofEpochMilli(nowMs);
    }

    /** Adds an event of {@code type} (one of {@link io.otppipeline.schemas.event.EventTypes}) with {@code data}. */
    UserEvents add(final String type, final Object data) {
        events.add(CloudEvent.of(SOURCE, type, tenantId, userId, time, data));
        return this;
    }

    /** The decision time, epoch milliseconds. */
    long timeMs() {
        return time.toEpochMilli();
    }

    List<CloudEvent> list() {
        return List.copyOf(events);
    }
}
