package io.otppipeline.schemas.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.otppipeline.schemas.Json;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates public events against their JSON Schemas (draft 2020-12, formats asserted), which ship in the schemas
 * module under {@code schemas/<type>.json}. A test helper (in the schemas module's test jar): no service validates
 * its own events at run time, so the validator is a test dependency only.
 */
public final class EventSchemas {

    /** Base URI of every schema {@code $id}; resolved from the classpath, never fetched. */
    public static final String BASE_URI = "https://otp-pipeline.io/schemas/";

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaIdResolvers(r -> r.mapPrefix(BASE_URI, "classpath:schemas/"))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private static final Map<String, Schema> CACHE = new ConcurrentHashMap<>();

    private EventSchemas() {
    }

    /**
     * Checks one event, given as JSON, against the schema of its {@code type}.
     *
     * @return the violations, sorted; empty when the event is valid
     * @throws IllegalArgumentException if the event has no known {@code type}
     */
    public static List<String> validate(final JsonNode event) {
        final String type = event.path("type").asText();
        if (!EventTypes.all().contains(type)) {
            throw new IllegalArgumentException("no JSON Schema for event type '" + type + "'");
        }
        final Schema schema = CACHE.computeIfAbsent(type,
                t -> REGISTRY.getSchema(SchemaLocation.of(BASE_URI + t + ".json")));
        final String json;
        try {
            json = Json.mapper().writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("event cannot be written as JSON", e);
        }
        return schema.validate(json, InputFormat.JSON).stream().map(Error::getMessage).sorted().toList();
    }
}
