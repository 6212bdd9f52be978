package dev.winback.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import dev.winback.core.ingest.StreamRecord;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds behavior events as JSON text, the way a producer would send them.
 *
 * <pre>{@code
 * EventJson.event("cart_add").user("u1").id("e1").at("2026-11-22T10:00:00Z")
 *         .with("itemId", "sku-1").with("price", "12.50").with("quantity", 2)
 * }</pre>
 */
public final class EventJson {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The decoder the tests use: the default size limit and future skew. */
    public static final EventDecoder DECODER = new EventDecoder(65_536, Duration.ofMinutes(5));
    public static final String DEFAULT_AT = "2026-11-22T10:00:00Z";

    private final Map<String, Object> fields = new LinkedHashMap<>();

    private EventJson(String type) {
        fields.put("eventId", "evt-" + type);
        fields.put("type", type);
        fields.put("occurredAt", DEFAULT_AT);
    }

    /** An event of {@code type} with a placeholder eventId, occurredAt {@link #DEFAULT_AT} and no userId. */
    public static EventJson event(String type) {
        return new EventJson(type);
    }

    /** A user event with userId {@code u1}. */
    public static EventJson userEvent(String type) {
        return event(type).user("u1");
    }

    public EventJson id(String eventId) {
        return with("eventId", eventId);
    }

    public EventJson user(String userId) {
        return with("userId", userId);
    }

    public EventJson at(String occurredAt) {
        return with("occurredAt", occurredAt);
    }

    public EventJson at(Instant occurredAt) {
        return with("occurredAt", occurredAt.toString());
    }

    public EventJson session(String sessionId) {
        return with("sessionId", sessionId);
    }

    /** Sets a field; a null value is sent as JSON null. */
    public EventJson with(String field, Object value) {
        fields.put(field, value);
        return this;
    }

    public EventJson without(String field) {
        fields.remove(field);
        return this;
    }

    public String json() {
        try {
            return JSON.writeValueAsString(fields);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] bytes() {
        return json().getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes with {@link #DECODER} (no future-timestamp check) and fails the test if rejected. */
    public BehaviorEvent decoded() {
        Decoded decoded = DECODER.decode(bytes(), null);
        if (decoded instanceof Decoded.Accepted accepted) {
            return accepted.event();
        }
        throw new AssertionError("test event rejected: " + decoded + " for " + json());
    }

    /** A stream record carrying this event, arrived at its own occurredAt. */
    public StreamRecord record(String sequenceNumber) {
        Instant arrivedAt;
        try {
            arrivedAt = Instant.parse(String.valueOf(fields.get("occurredAt")));
        } catch (RuntimeException e) {
            arrivedAt = Instant.parse(DEFAULT_AT); // a poison record with a broken timestamp
        }
        return new StreamRecord(sequenceNumber, String.valueOf(fields.get("userId")), arrivedAt, bytes(),
                "test:" + sequenceNumber);
    }

    @Override
    public String toString() {
        return json();
    }
}
