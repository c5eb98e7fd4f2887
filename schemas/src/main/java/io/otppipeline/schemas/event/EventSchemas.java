package io.otppipeline.schemas.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates public events against their JSON Schemas (draft 2020-12, formats asserted), which ship in this
 * module under {@code schemas/<type>.json}. Consumers of {@code otp.events.v1} can use it as well.
 */
public final class EventSchemas {

    /** Base URI of every schema {@code $id}; resolved from the classpath, never fetched. */
    public static final String BASE_URI = "https://otp-pipeline.io/schemas/";

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            b -> b.schemaMappers(m -> m.mapPrefix(BASE_URI, "classpath:schemas/")));
    private static final SchemaValidatorsConfig CONFIG = SchemaValidatorsConfig.builder()
            .formatAssertionsEnabled(true).build();
    private static final Map<String, JsonSchema> CACHE = new ConcurrentHashMap<>();

    private EventSchemas() {
    }

    /**
     * Checks one event, given as JSON, against the schema of its {@code type}.
     *
     * @return the violations; empty when the event is valid
     * @throws IllegalArgumentException if the event has no known {@code type}
     */
    public static List<String> validate(final JsonNode event) {
        final String type = event.path("type").asText();
        if (!EventTypes.all().contains(type)) {
            throw new IllegalArgumentException("no JSON Schema for event type '" + type + "'");
        }
        final JsonSchema schema = CACHE.computeIfAbsent(type,
                t -> FACTORY.getSchema(SchemaLocation.of(BASE_URI + t + ".json"), CONFIG));
        return schema.validate(event).stream().map(ValidationMessage::getMessage).sorted().toList();
    }
}
