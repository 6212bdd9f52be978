package dev.winback.core.recall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;

/**
 * The wire form of a timer, the same whichever service delivers it (an SQS message timer, or an
 * EventBridge Scheduler {@code at()} schedule targeting the same queue):
 * {@code {"kind":"deadline","timerId":"dl-…","userId":"u-1","page":"order",
 * "enteredAt":"2026-11-22T10:00:00Z","dueAt":"2026-11-22T10:00:45Z"}}.
 */
public final class TimerMessage {

    public static final String KIND_DEADLINE = "deadline";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TimerMessage() {
    }

    public static String toJson(Timer timer) {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", KIND_DEADLINE);
        node.put("timerId", timer.id());
        node.put("userId", timer.userId());
        node.put("page", timer.page());
        node.put("enteredAt", timer.enteredAt().toString());
        node.put("dueAt", timer.dueAt().toString());
        return node.toString();
    }

    /** @throws IllegalArgumentException naming what is wrong with the message */
    public static Timer fromJson(String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (IOException e) {
            throw new IllegalArgumentException("timer message is not JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject() || !KIND_DEADLINE.equals(node.path("kind").asText())) {
            throw new IllegalArgumentException("not a deadline timer message");
        }
        for (String field : new String[] {"userId", "page", "enteredAt", "dueAt"}) {
            if (!node.path(field).isTextual()) {
                throw new IllegalArgumentException("timer message lacks '" + field + "'");
            }
        }
        try {
            return new Timer(node.get("userId").asText(), node.get("page").asText(),
                    Instant.parse(node.get("enteredAt").asText()), Instant.parse(node.get("dueAt").asText()));
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("timer message has a bad instant: " + e.getParsedString(), e);
        }
    }
}
