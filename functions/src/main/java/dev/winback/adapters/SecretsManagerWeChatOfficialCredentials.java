package dev.winback.adapters;

import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * The WeChat official account's credentials kept in AWS Secrets Manager as a JSON secret string:
 *
 * <pre>{"appId": "wx0123456789abcdef", "appSecret": "…"}</pre>
 *
 * Read once and kept for the life of the Lambda container; {@link #refresh()} (called when WeChat
 * rejects the AppID or AppSecret, e.g. after the secret was reset on the platform and the new one
 * stored) makes the next use read it again. Neither the secret nor its value ever appears in an
 * exception message: errors name the secret id and the field.
 */
public final class SecretsManagerWeChatOfficialCredentials implements WeChatOfficialCredentials {

    private final SecretsManagerJsonSecret<Credentials> secret;

    /** @param secretId the secret's name or ARN */
    public SecretsManagerWeChatOfficialCredentials(SecretsManagerClient secrets, String secretId) {
        this.secret = new SecretsManagerJsonSecret<>(secrets, secretId, "WeChat official account", "appId and appSecret",
                fields -> new Credentials(fields.text("appId"), fields.text("appSecret")), Unavailable::new);
    }

    @Override
    public Credentials current() {
        return secret.current();
    }

    @Override
    public void refresh() {
        secret.refresh();
    }
}
