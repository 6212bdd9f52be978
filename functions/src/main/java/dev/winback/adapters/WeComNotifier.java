package dev.winback.adapters;

import dev.winback.core.recall.Notifier;

/**
 * The {@code wecom} channel: a WeCom (企业微信) application text message to the user's WeCom
 * UserID (the message's address), through {@link WeComClient}, which keeps the access token and
 * handles WeCom's retryable codes. Text only: an attachment is not carried (the content's link is in
 * the text). The address and the text are personal data and never appear in logs or exceptions; a
 * refusal's exception carries WeCom's errcode.
 */
public final class WeComNotifier implements Notifier {

    static final String WECOM = "wecom";

    private final WeComClient client;

    public WeComNotifier(WeComClient client) {
        this.client = client;
    }

    @Override
    public void send(Message message) {
        if (!WECOM.equals(message.channel())) {
            throw new IllegalArgumentException("WeCom does not deliver channel '" + message.channel() + "'");
        }
        if (message.address() == null || message.address().isBlank()) {
            throw new DeliveryException("no WeCom UserID for the message of decision " + message.decisionId(), null);
        }
        if (message.text() == null || message.text().isEmpty()) {
            throw new DeliveryException("no text for the WeCom message of decision " + message.decisionId(), null);
        }
        try {
            client.sendText(message.address(), message.text());
        } catch (WeComClient.WeComException e) {
            throw new DeliveryException("WeCom did not take the message of decision " + message.decisionId() + ": "
                    + e.getMessage(), e.getCause());
        } catch (WeComCredentials.Unavailable e) {
            throw new DeliveryException("WeCom credentials unavailable for the message of decision "
                    + message.decisionId() + ": " + e.getMessage(), e.getCause());
        }
    }
}
