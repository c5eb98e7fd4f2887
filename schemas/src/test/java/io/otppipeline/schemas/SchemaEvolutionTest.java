package io.otppipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.otppipeline.schemas.event.EventTypes;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The v1 JSON Schemas as first published are kept under {@code schema-snapshots/v1}; what ships must stay readable by
 * a consumer written against them. A breaking change needs new {@code .v2} types and topic, not an edit.
 */
class SchemaEvolutionTest {

    private static final List<String> SHARED = List.of("cloudevent", "delivery-outcome-data");

    @Test
    void shouldKeepEveryV1ConsumerWorkingWhenSchemasChange() throws IOException {
        final List<String> changes = new ArrayList<>();
        assertThat(snapshotNames()).as("12 event types and 2 shared schemas were published as v1").hasSize(14);
        for (String name : snapshotNames()) {
            final JsonNode before = read("/schema-snapshots/v1/" + name + ".json");
            final JsonNode after = read("/schemas/" + name + ".json");
            if (after == null) {
                changes.add(name + ": schema removed");
            } else {
                changes.addAll(SchemaCompatibility.breakingChanges(before, after, name));
            }
        }

        assertThat(changes).isEmpty();
    }

    @Test
    void shouldReportRemovedRenamedRetypedAndNewlyRequiredFieldsWhenSchemaBreaks() throws IOException {
        final JsonNode before = read("/schema-snapshots/v1/otp.issued.json");
        final ObjectNode after = before.deepCopy();
        final ObjectNode data = (ObjectNode) after.path("properties").path("data");
        final ObjectNode fields = (ObjectNode) data.path("properties");
        fields.remove("purpose");
        fields.set("channelName", fields.remove("channel"));
        fields.set("expiresAt", Json.mapper().readTree("{\"type\": \"integer\"}"));
        ((ArrayNode) data.path("required")).add("client");
        fields.set("note", Json.mapper().readTree("{\"type\": \"string\"}"));

        assertThat(SchemaCompatibility.breakingChanges(before, after, "otp.issued")).containsExactlyInAnyOrder(
                "otp.issued.data.client: became required",
                "otp.issued.data.purpose: field removed or renamed",
                "otp.issued.data.channel: field removed or renamed",
                "otp.issued.data.expiresAt: type changed from \"string\" to \"integer\"",
                "otp.issued.data.expiresAt: format changed from \"date-time\" to null");
    }

    @Test
    void shouldAcceptNewOptionalFieldWhenSchemaGrows() throws IOException {
        final JsonNode before = read("/schema-snapshots/v1/otp.expired.json");
        final ObjectNode after = before.deepCopy();
        ((ObjectNode) after.path("properties").path("data").path("properties"))
                .set("reasonDetail", Json.mapper().readTree("{\"type\": \"string\"}"));

        assertThat(SchemaCompatibility.breakingChanges(before, after, "otp.expired")).isEmpty();
    }

    private static List<String> snapshotNames() {
        return Stream.concat(EventTypes.all().stream(), SHARED.stream()).filter(name ->
                SchemaEvolutionTest.class.getResource("/schema-snapshots/v1/" + name + ".json") != null).toList();
    }

    private static JsonNode read(final String resource) throws IOException {
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(resource)) {
            return in == null ? null : Json.mapper().readTree(in);
        }
    }
}
