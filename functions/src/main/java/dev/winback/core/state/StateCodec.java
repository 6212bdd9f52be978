package dev.winback.core.state;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * Serializes subject state. Stored as compact CBOR (DynamoDB bills writes per KB, so a binary blob
 * with instants as epoch millis beats a tree of attributes); rendered as readable JSON for people.
 */
public final class StateCodec {

    private static final ObjectMapper CBOR = configure(new ObjectMapper(CBORFactory.builder()
            .enable(CBORGenerator.Feature.STRINGREF).enable(CBORGenerator.Feature.WRITE_MINIMAL_DOUBLES).build()))
            .enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DATE_TIMESTAMPS_AS_NANOSECONDS)
            .disable(DeserializationFeature.READ_DATE_TIMESTAMPS_AS_NANOSECONDS);

    private static final ObjectMapper JSON = configure(new ObjectMapper())
            .enable(com.fasterxml.jackson.core.JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .addMixIn(Subject.class, WithoutFingerprints.class);

    /** Event-id fingerprints are bookkeeping, not something a person reading the state needs. */
    @JsonIgnoreProperties("recent")
    private abstract static class WithoutFingerprints {
    }

    /** First byte of every stored body, so the format can change without a migration. */
    private static final byte FORMAT_DEFLATED_CBOR = 1;

    // zlib streams cost a 256 KB allocation each: pooled and reset between uses. A pool, not one per
    // thread, because states are encoded on the short-lived virtual threads that save them in parallel.
    private static final Queue<Deflater> DEFLATERS = new ConcurrentLinkedQueue<>();
    private static final Queue<Inflater> INFLATERS = new ConcurrentLinkedQueue<>();

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

    /** Deflated CBOR: field names repeat across cart lines and day buckets, so it shrinks by about half. */
    public static byte[] toBytes(Subject state) {
        try {
            byte[] cbor = CBOR.writeValueAsBytes(state);
            Deflater deflater = DEFLATERS.poll();
            if (deflater == null) {
                deflater = new Deflater(Deflater.BEST_SPEED, true);
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(cbor.length / 2 + 16);
            try {
                deflater.setInput(cbor);
                deflater.finish();
                out.write(FORMAT_DEFLATED_CBOR);
                byte[] buffer = new byte[512];
                while (!deflater.finished()) {
                    out.write(buffer, 0, deflater.deflate(buffer));
                }
            } finally {
                deflater.reset();
                DEFLATERS.offer(deflater);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static <T extends Subject> T fromBytes(byte[] bytes, Class<T> type) {
        if (bytes.length == 0 || bytes[0] != FORMAT_DEFLATED_CBOR) {
            throw new IllegalStateException("stored " + type.getSimpleName() + " has an unknown format");
        }
        Inflater inflater = INFLATERS.poll();
        if (inflater == null) {
            inflater = new Inflater(true);
        }
        inflater.setInput(bytes, 1, bytes.length - 1);
        try {
            // Inflated into one array first: Jackson parses an array faster than a stream.
            byte[] cbor = new byte[Math.max(64, bytes.length * 3)];
            int length = 0;
            while (!inflater.finished()) {
                if (length == cbor.length) {
                    cbor = java.util.Arrays.copyOf(cbor, cbor.length * 2);
                }
                int inflated = inflater.inflate(cbor, length, cbor.length - length);
                if (inflated == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IOException("truncated deflate stream");
                }
                length += inflated;
            }
            return CBOR.readValue(cbor, 0, length, type);
        } catch (IOException | java.util.zip.DataFormatException e) {
            throw new UncheckedIOException("stored state of type " + type.getSimpleName() + " is unreadable",
                    e instanceof IOException io ? io : new IOException(e));
        } finally {
            inflater.reset();
            INFLATERS.offer(inflater);
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
