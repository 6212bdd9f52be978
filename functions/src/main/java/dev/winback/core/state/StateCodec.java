package dev.winback.core.state;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Serializes subject state. Stored as compact CBOR (DynamoDB bills writes per KB, so a binary blob
 * with instants as epoch millis beats a tree of attributes); rendered as readable JSON for people.
 */
public final class StateCodec {

    private static final ObjectMapper CBOR = configure(new ObjectMapper(new CBORFactory()))
            .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS)
            .disable(DeserializationFeature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS);

    private static final ObjectMapper JSON = configure(new ObjectMapper())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addMixIn(Subject.class, WithoutFingerprints.class);

    /** Event-id fingerprints are bookkeeping, not something a person reading the state needs. */
    @JsonIgnoreProperties("recent")
    private abstract static class WithoutFingerprints {
    }

    private StateCodec() {
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        return mapper.registerModule(new JavaTimeModule())
                .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                .setSerializationInclusion(JsonInclude.Include.NON_EMPTY)
                // State written by a newer version must still load after a rollback.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    public static byte[] toBytes(Subject state) {
        try {
            return CBOR.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T extends Subject> T fromBytes(byte[] bytes, Class<T> type) {
        try {
            return CBOR.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException("stored state of type " + type.getSimpleName() + " is unreadable", e);
        }
    }

    /** One line of readable JSON, as written to users.jsonl. */
    public static String toJson(Object state) {
        try {
            return JSON.writeValueAsString(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
