package io.otppipeline.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.otppipeline.schemas.event.EventSchemas;
import io.otppipeline.schemas.event.EventTypes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/EVENTS.md stays true: its examples match the shipped schemas and its catalog names every type. */
class EventsDocumentationTest {

    private static final Path DOC = Path.of("..", "docs", "EVENTS.md");
    private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

    @Test
    void shouldMatchShippedSchemasWhenExamplesAreValidated() throws IOException {
        final List<JsonNode> examples = new ArrayList<>();
        final Matcher m = JSON_BLOCK.matcher(Files.readString(DOC));
        while (m.find()) {
            examples.add(Json.mapper().readTree(m.group(1)));
        }

        assertThat(examples).hasSizeGreaterThanOrEqualTo(4);
        for (JsonNode example : examples) {
            assertThat(EventSchemas.validate(example)).as(example.path("type").asText()).isEmpty();
        }
    }

    @Test
    void shouldDescribeEveryEventTypeWhenCatalogIsRead() throws IOException {
        final String doc = Files.readString(DOC);

        for (String type : EventTypes.all()) {
            assertThat(doc).as(type).containsPattern("### .*`" + Pattern.quote(type) + "`");
        }
    }
}
