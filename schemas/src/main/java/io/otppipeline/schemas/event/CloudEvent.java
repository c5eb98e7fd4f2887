package io.otppipeline.schemas.event;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * A public event in CloudEvents 1.0 structured JSON mode (the {@code otp.events.v1} record value).
 * The JSON Schema of each {@code type} is {@code schemas/<type>.json} on the classpath of this module.
 *
 * @param specversion always {@code "1.0"}
 * @param id unique event id (UUID); consumers deduplicate on it
 * @param source producing service as a URI reference, for example {@code /otp-processor}
 * @param type one of {@link EventTypes}
 * @param subject the tenant's user id
 * @param time when the event happened (RFC 3339, UTC)
 * @param datacontenttype always {@code "application/json"}
 * @param tenantid extension attribute: the tenant
 * @param data type-specific payload; never a code, a hash of a code, or a raw destination
 */
public record CloudEvent(String specversion, String id, String source, String type, String subject, Instant time,
                         String datacontenttype, String tenantid, JsonNode data) {

    /** CloudEvents specification version implemented. */
    public static final String SPEC_VERSION = "1.0";

    /**
     * A new event with a random id.
     *
     * @param source producing service, for example {@code /otp-processor}
     * @param type event type from {@link EventTypes}
     * @param tenantId tenant
     * @param userId subject
     * @param time event time, truncated to milliseconds
     * @param data payload record, converted to JSON
     */
    public static CloudEvent of(final String source, final String type, final String tenantId, final String userId,
                                final Instant time, final Object data) {
        return of(UUID.randomUUID().toString(), source, type, tenantId, userId, time, data);
    }

    /**
     * A new event with a given id: the processor derives ids from what caused the event (command id and
     * position, or the code that expired), so that a decision taken again after an aborted transaction emits
     * the same ids and consumers deduplicate them.
     *
     * @param id event id (a UUID string)
     * @param time event time, truncated to milliseconds
     */
    public static CloudEvent of(final String id, final String source, final String type, final String tenantId,
                                final String userId, final Instant time, final Object data) {
        return new CloudEvent(SPEC_VERSION, id, source, type, userId, time.truncatedTo(ChronoUnit.MILLIS),
                "application/json", tenantId, Json.mapper().valueToTree(data));
    }
}
