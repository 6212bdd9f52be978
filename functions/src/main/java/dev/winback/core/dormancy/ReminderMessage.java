package dev.winback.core.dormancy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * The wire forms of the dormant scan's work items on the shard and reminder queues:
 * {@code {"kind":"dormant_shard","runDay":"2026-11-29","shard":7}} and
 * {@code {"kind":"reminder","userId":"u-1","decisionId":"dm-…","cohortDay":"2026-11-29","reminder":0,"notBefore":"…"}}.
 */
public final class ReminderMessage {

    public static final String KIND_SHARD = "dormant_shard";
    public static final String KIND_REMINDER = "reminder";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReminderMessage() {
    }

    public record ShardTask(LocalDate runDay, int shard) {
    }

    public record Deferred(Reminder reminder, Instant notBefore) {
    }

    public static String shardTask(LocalDate runDay, int shard) {
        return JSON.createObjectNode().put("kind", KIND_SHARD).put("runDay", runDay.toString()).put("shard", shard).toString();
    }

    public static String deferred(Reminder reminder, Instant notBefore) {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", KIND_REMINDER);
        node.put("userId", reminder.userId());
        node.put("decisionId", reminder.decisionId());
        node.put("cohortDay", reminder.cohortDay().toString());
        node.put("reminder", reminder.number());
        node.put("notBefore", notBefore.toString());
        return node.toString();
    }

    /** @return a {@link ShardTask} or a {@link Deferred}; @throws IllegalArgumentException naming what is wrong */
    public static Object parse(String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("work item is not JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("work item is not a JSON object");
        }
        try {
            return switch (node.path("kind").asText()) {
                case KIND_SHARD -> new ShardTask(LocalDate.parse(text(node, "runDay")), number(node, "shard"));
                case KIND_REMINDER -> new Deferred(new Reminder(text(node, "userId"), LocalDate.parse(text(node, "cohortDay")),
                        number(node, "reminder")), Instant.parse(text(node, "notBefore")));
                default -> throw new IllegalArgumentException("unknown work item kind '" + node.path("kind").asText() + "'");
            };
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("work item has a bad date: " + e.getParsedString());
        }
    }

    private static String text(JsonNode node, String field) {
        if (!node.path(field).isTextual()) {
            throw new IllegalArgumentException("work item lacks '" + field + "'");
        }
        return node.get(field).asText();
    }

    /** A whole number ≥ 0: a wrong reminder number would be a different decision, sent again. */
    private static int number(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            throw new IllegalArgumentException("work item lacks '" + field + "' (a whole number >= 0)");
        }
        return value.intValue();
    }
}
