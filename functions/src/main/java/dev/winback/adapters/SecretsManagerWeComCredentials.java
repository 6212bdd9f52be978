package dev.winback.adapters;

import com.fasterxml.jackson.databind.JsonNode;
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

    private final SecretsManagerJsonSecret<Credentials> secret;

    /** @param secretId the secret's name or ARN */
    public SecretsManagerWeComCredentials(SecretsManagerClient secrets, String secretId) {
        this.secret = new SecretsManagerJsonSecret<>(secrets, secretId, "WeCom", "corpId, corpSecret and agentId",
                SecretsManagerWeComCredentials::read, Unavailable::new);
    }

    @Override
    public Credentials current() {
        return secret.current();
    }

    @Override
    public void refresh() {
        secret.refresh();
    }

    private static Credentials read(SecretsManagerJsonSecret.Fields fields) {
        String corpId = fields.text("corpId");
        String corpSecret = fields.text("corpSecret");
        JsonNode agent = fields.get("agentId");
        long agentId;
        if (agent != null && agent.canConvertToLong() && agent.isIntegralNumber()) {
            agentId = agent.longValue();
        } else if (agent != null && agent.isTextual() && agent.asText().strip().matches("\\d{1,18}")) {
            agentId = Long.parseLong(agent.asText().strip());
        } else {
            throw fields.invalid("lacks a numeric agentId");
        }
        try {
            return new Credentials(corpId, corpSecret, agentId);
        } catch (IllegalArgumentException e) {
            throw fields.invalid("is not valid: " + e.getMessage());
        }
    }
}
