package dev.winback.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * WeCom credentials kept in AWS Secrets Manager as a JSON secret string:
 *
 * <pre>{"corpId": "ww0123456789abcdef", "corpSecret": "…", "agentId": 1000002}</pre>
 *
 * ({@code agentId} may also be a numeric string). The secret is read once and kept for the life of
 * the Lambda container; {@link #refresh()} (called when WeCom rejects the corp id or secret, e.g.
 * after a rotation) makes the next use read it again. Neither the secret nor its value ever appears
 * in an exception message: errors name the secret id and the field.
 */
public final class SecretsManagerWeComCredentials implements WeComCredentials {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecretsManagerClient secrets;
    private final String secretId;
    private final ReentrantLock reading = new ReentrantLock();
    private volatile Credentials cached;

    /** @param secretId the secret's name or ARN */
    public SecretsManagerWeComCredentials(SecretsManagerClient secrets, String secretId) {
        if (secretId == null || secretId.isBlank()) {
            throw new IllegalArgumentException("the WeCom secret id is empty");
        }
        this.secrets = secrets;
        this.secretId = secretId;
    }

    @Override
    public Credentials current() {
        Credentials credentials = cached;
        if (credentials != null) {
            return credentials;
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

    @Override
    public void refresh() {
        cached = null;
    }

    private Credentials read() {
        String secretString;
        try {
            secretString = secrets.getSecretValue(b -> b.secretId(secretId)).secretString();
        } catch (AwsServiceException e) {
            throw new Unavailable("cannot read the WeCom secret " + secretId + ": "
                    + e.awsErrorDetails().errorCode() + " (HTTP " + e.statusCode() + ")", null);
        } catch (SdkException e) {
            throw new Unavailable("cannot reach Secrets Manager for the WeCom secret " + secretId, e);
        }
        if (secretString == null || secretString.isBlank()) {
            throw new Unavailable("the WeCom secret " + secretId + " has no secret string (expected JSON with "
                    + "corpId, corpSecret and agentId)", null);
        }
        JsonNode json;
        try {
            json = JSON.readTree(secretString);
        } catch (JsonProcessingException e) {
            // the parser's message quotes the input: leave it out
            throw new Unavailable("the WeCom secret " + secretId + " is not JSON (expected corpId, corpSecret and agentId)", null);
        }
        if (json == null || !json.isObject()) {
            throw new Unavailable("the WeCom secret " + secretId + " is not a JSON object", null);
        }
        String corpId = text(json, "corpId");
        String corpSecret = text(json, "corpSecret");
        JsonNode agent = json.get("agentId");
        long agentId;
        if (agent != null && agent.canConvertToLong() && agent.isIntegralNumber()) {
            agentId = agent.longValue();
        } else if (agent != null && agent.isTextual() && agent.asText().strip().matches("\\d{1,18}")) {
            agentId = Long.parseLong(agent.asText().strip());
        } else {
            throw new Unavailable("the WeCom secret " + secretId + " lacks a numeric agentId", null);
        }
        try {
            return new Credentials(corpId, corpSecret, agentId);
        } catch (IllegalArgumentException e) {
            throw new Unavailable("the WeCom secret " + secretId + " is not valid: " + e.getMessage(), null);
        }
    }

    private String text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new Unavailable("the WeCom secret " + secretId + " lacks " + field, null);
        }
        return value.asText().strip();
    }
}
