package dev.winback.local;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.winback.core.event.Timestamps;
import java.io.IOException;
import java.time.Instant;

/**
 * The few top-level fields of a trace line the replay itself needs (its clock, batch cuts, campaign
 * launches, order attribution), read with a streaming parser: a tree of every line, built beside the
 * ingest decoder's own, cost a tenth of a replay. Each field is the text of a JSON string, else null;
 * a line that is not a JSON object (the ingest handler quarantines it) has none.
 */
record TraceLine(String type, Instant occurredAt, String page, String userId, String orderId, String eventId) {

    private static final JsonFactory JSON = new JsonFactory();
    static final TraceLine UNREADABLE = new TraceLine(null, null, null, null, null, null);

    static TraceLine of(String line) {
        String type = null;
        String occurredAt = null;
        String page = null;
        String userId = null;
        String orderId = null;
        String eventId = null;
        try (JsonParser parser = JSON.createParser(line)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return UNREADABLE;
            }
            for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    parser.skipChildren(); // still tokenized: a malformed nested value fails the line, as a tree would
                }
                String text = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                switch (name) {
                    case "type" -> type = text;
                    case "occurredAt" -> occurredAt = text;
                    case "page" -> page = text;
                    case "userId" -> userId = text;
                    case "orderId" -> orderId = text;
                    case "eventId" -> eventId = text;
                    default -> { }
                }
            }
        } catch (IOException e) {
            return UNREADABLE; // the ingest handler quarantines it with the precise reason
        }
        return new TraceLine(type, instant(occurredAt), page, userId, orderId, eventId);
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Timestamps.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    boolean is(String eventType) {
        return eventType.equals(type);
    }
}
