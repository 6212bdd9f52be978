package dev.winback.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * An event source mapping's FilterCriteria, applied as Lambda applies it before invoking: a record
 * passes when any filter's pattern matches it. A pattern names fields of the record (for Kinesis,
 * {@code data} is the record's payload parsed as JSON) and lists the values each may have; a value
 * is a literal or one of {@code {"prefix": s}}, {@code {"exists": b}}, {@code {"anything-but": v}}.
 * Other operators are refused when the mapping is read, never silently ignored.
 */
public final class EventFilter {

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final EventFilter NONE = new EventFilter(List.of());

    private final List<JsonNode> patterns;

    private EventFilter(List<JsonNode> patterns) {
        this.patterns = patterns;
    }

    /** The filters' patterns, as the mapping's FilterCriteria.Filters[].Pattern strings hold them. */
    public static EventFilter of(List<String> patterns) {
        List<JsonNode> parsed = new ArrayList<>();
        for (String pattern : patterns) {
            try {
                JsonNode node = JSON.readTree(pattern);
                check(node, pattern);
                parsed.add(node);
            } catch (IOException e) {
                throw new IllegalArgumentException("filter pattern " + pattern + " is not JSON: " + e.getMessage());
            }
        }
        return new EventFilter(List.copyOf(parsed));
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    /** True when no filter is set or any pattern matches the record's view. */
    public boolean matches(JsonNode record) {
        if (patterns.isEmpty()) {
            return true;
        }
        for (JsonNode pattern : patterns) {
            if (matchesObject(pattern, record)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesObject(JsonNode pattern, JsonNode record) {
        for (Iterator<Map.Entry<String, JsonNode>> it = pattern.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode value = record == null ? null : record.get(field.getKey());
            boolean ok = field.getValue().isObject()
                    ? value != null && value.isObject() && matchesObject(field.getValue(), value)
                    : matchesAny(field.getValue(), value);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The field matches one of the listed values; an array field matches when one of its elements does. */
    private static boolean matchesAny(JsonNode allowed, JsonNode value) {
        for (JsonNode rule : allowed) {
            if (rule.isObject() && rule.has("exists")) {
                if (rule.get("exists").asBoolean() == (value != null)) {
                    return true;
                }
                continue;
            }
            if (value == null) {
                continue;
            }
            if (value.isArray()) {
                for (JsonNode element : value) {
                    if (matchesValue(rule, element)) {
                        return true;
                    }
                }
            } else if (matchesValue(rule, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matchesValue(JsonNode rule, JsonNode value) {
        if (rule.isObject() && rule.has("prefix")) {
            return value.isTextual() && value.asText().startsWith(rule.get("prefix").asText());
        }
        if (rule.isObject() && rule.has("anything-but")) {
            JsonNode excluded = rule.get("anything-but");
            if (excluded.isArray()) {
                for (JsonNode each : excluded) {
                    if (literalEquals(each, value)) {
                        return false;
                    }
                }
                return true;
            }
            return !literalEquals(excluded, value);
        }
        return literalEquals(rule, value);
    }

    private static boolean literalEquals(JsonNode literal, JsonNode value) {
        if (literal.isNumber() && value.isNumber()) {
            return literal.decimalValue().compareTo(value.decimalValue()) == 0;
        }
        return literal.equals(value);
    }

    private static void check(JsonNode pattern, String text) {
        if (!pattern.isObject()) {
            throw new IllegalArgumentException("filter pattern " + text + " must be a JSON object");
        }
        pattern.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            if (value.isObject()) {
                check(value, text);
            } else if (!value.isArray()) {
                throw new IllegalArgumentException("filter pattern " + text + ": " + field.getKey() + " must list its values");
            } else {
                for (JsonNode rule : value) {
                    if (rule.isObject() && !(rule.size() == 1
                            && (rule.has("prefix") || rule.has("exists") || rule.has("anything-but")))) {
                        throw new IllegalArgumentException("filter pattern " + text + ": " + rule
                                + " is not supported by the local stack (only literals, prefix, exists, anything-but)");
                    }
                }
            }
        });
    }
}
