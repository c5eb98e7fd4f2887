package io.otppipeline.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Finds the changes between two versions of a JSON Schema that break a consumer written against the older one
 * (the rules of docs/EVENTS.md, "Evolution"): a removed or renamed field, a changed type, a changed constant or
 * reference, a field that became required. Adding an optional field, a new event type or a looser constraint is
 * compatible.
 */
final class SchemaCompatibility {

    private SchemaCompatibility() {
    }

    /** Every breaking change from {@code before} to {@code after}, each naming its JSON path; empty when none. */
    static List<String> breakingChanges(final JsonNode before, final JsonNode after, final String where) {
        final List<String> changes = new ArrayList<>();
        compare(before, after, where, changes);
        return changes;
    }

    private static void compare(final JsonNode before, final JsonNode after, final String where,
                                final List<String> changes) {
        for (String keyword : List.of("type", "const", "$ref", "format")) {
            if (before.has(keyword) && !Objects.equals(before.get(keyword), after.get(keyword))) {
                changes.add(where + ": " + keyword + " changed from " + before.get(keyword) + " to "
                        + after.get(keyword));
            }
        }
        final Set<String> wasRequired = strings(before.path("required"));
        for (String field : strings(after.path("required"))) {
            if (!wasRequired.contains(field)) {
                changes.add(where + "." + field + ": became required");
            }
        }
        compareMembers(before.path("properties"), after.path("properties"), where, "field removed or renamed",
                changes);
        compareMembers(before.path("$defs"), after.path("$defs"), where + ".$defs", "definition removed", changes);
        compareIndexed(before.path("allOf"), after.path("allOf"), where + ".allOf", changes);
        if (before.has("items")) {
            compare(before.get("items"), after.path("items"), where + "[]", changes);
        }
    }

    /** Each member of {@code before} (properties or definitions) must still exist in {@code after}, compatibly. */
    private static void compareMembers(final JsonNode before, final JsonNode after, final String where,
                                       final String missing, final List<String> changes) {
        for (Iterator<Map.Entry<String, JsonNode>> it = before.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> member = it.next();
            if (!after.has(member.getKey())) {
                changes.add(where + "." + member.getKey() + ": " + missing);
            } else {
                compare(member.getValue(), after.get(member.getKey()), where + "." + member.getKey(), changes);
            }
        }
    }

    private static void compareIndexed(final JsonNode before, final JsonNode after, final String where,
                                       final List<String> changes) {
        for (int i = 0; i < before.size(); i++) {
            if (after.path(i).isMissingNode()) {
                changes.add(where + "[" + i + "]: removed");
            } else {
                compare(before.get(i), after.get(i), where + "[" + i + "]", changes);
            }
        }
    }

    private static Set<String> strings(final JsonNode array) {
        final Set<String> values = new HashSet<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
