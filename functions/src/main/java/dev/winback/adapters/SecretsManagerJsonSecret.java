package dev.winback.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * A JSON object kept as a Secrets Manager secret string, read once and kept for the life of the
 * Lambda container; {@link #refresh()} (called when the provider rejects what it holds, e.g. after a
 * rotation) makes the next use read it again. Errors name the secret id and the field, never the
 * secret string or a value from it (a JSON parser's message would quote the input, so it is left out).
 *
 * @param <T> what the JSON is read into
 */
final class SecretsManagerJsonSecret<T> {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the credentials out of the secret's JSON object. */
    @FunctionalInterface
    interface Reader<T> {
        T read(Fields fields);
    }

    /** How the owner reports an unreadable secret (its own exception type). */
    @FunctionalInterface
    interface Unavailable {
        RuntimeException of(String message, Throwable cause);
    }

    private final SecretsManagerClient secrets;
    private final String secretId;
    private final String what;
    private final String expected;
    private final Reader<T> reader;
    private final Unavailable unavailable;
    private final ReentrantLock reading = new ReentrantLock();
    private volatile T cached;

    /**
     * @param what the secret's owner in messages, e.g. {@code WeCom}
     * @param expected the fields it should hold, for messages, e.g. {@code corpId, corpSecret and agentId}
     */
    SecretsManagerJsonSecret(SecretsManagerClient secrets, String secretId, String what, String expected,
                             Reader<T> reader, Unavailable unavailable) {
        if (secretId == null || secretId.isBlank()) {
            throw new IllegalArgumentException("the " + what + " secret id is empty");
        }
        this.secrets = secrets;
        this.secretId = secretId;
        this.what = what;
        this.expected = expected;
        this.reader = reader;
        this.unavailable = unavailable;
    }

    T current() {
        T value = cached;
        if (value != null) {
            return value;
        }
        reading.lock();
        try {
            if (cached == null) {
                cached = read();
            }
            return cached;
        } finally {
            reading.unlock();
        }
    }

    void refresh() {
        cached = null;
    }

    private T read() {
        String secretString;
        try {
            secretString = secrets.getSecretValue(b -> b.secretId(secretId)).secretString();
        } catch (AwsServiceException e) {
            throw unavailable.of("cannot read the " + what + " secret " + secretId + ": "
                    + e.awsErrorDetails().errorCode() + " (HTTP " + e.statusCode() + ")", null);
        } catch (SdkException e) {
            throw unavailable.of("cannot reach Secrets Manager for the " + what + " secret " + secretId, e);
        }
        if (secretString == null || secretString.isBlank()) {
            throw unavailable.of("the " + what + " secret " + secretId + " has no secret string (expected JSON with "
                    + expected + ")", null);
        }
        JsonNode json;
        try {
            json = JSON.readTree(secretString);
        } catch (JsonProcessingException e) {
            // the parser's message quotes the input: leave it out
            throw unavailable.of("the " + what + " secret " + secretId + " is not JSON (expected " + expected + ")", null);
        }
        if (json == null || !json.isObject()) {
            throw unavailable.of("the " + what + " secret " + secretId + " is not a JSON object", null);
        }
        return reader.read(new Fields(json, "the " + what + " secret " + secretId, unavailable));
    }

    /** The secret's JSON object, with errors that name the secret and the field only. */
    static final class Fields {
        private final JsonNode json;
        private final String secret;
        private final Unavailable unavailable;

        private Fields(JsonNode json, String secret, Unavailable unavailable) {
            this.json = json;
            this.secret = secret;
            this.unavailable = unavailable;
        }

        /** A non-blank text field, stripped. */
        String text(String field) {
            JsonNode value = json.get(field);
            if (value == null || !value.isTextual() || value.asText().isBlank()) {
                throw unavailable.of(secret + " lacks " + field, null);
            }
            return value.asText().strip();
        }

        JsonNode get(String field) {
            return json.get(field);
        }

        /** The secret holds the fields but something in them is wrong ({@code detail} must not quote a value). */
        RuntimeException invalid(String detail) {
            return unavailable.of(secret + " " + detail, null);
        }
    }
}
