package dev.winback.adapters;

import dev.winback.core.recall.Notifier;
import java.util.Map;
import java.util.TreeSet;

/**
 * Routes each message to the notifier of its channel, e.g. {@code push} and {@code sms} to the
 * {@link SnsNotifier}, {@code wecom} to the {@link WeComNotifier}, {@code email} to the
 * {@link SesEmailNotifier}. A channel without a notifier is a wiring error, not a refusal: it throws
 * {@link IllegalArgumentException} naming the channel (and does not fall through to the next channel).
 */
public final class ChannelNotifier implements Notifier {

    private final Map<String, Notifier> byChannel;

    public ChannelNotifier(Map<String, ? extends Notifier> byChannel) {
        this.byChannel = Map.copyOf(byChannel);
    }

    @Override
    public void send(Message message) {
        Notifier notifier = message.channel() == null ? null : byChannel.get(message.channel());
        if (notifier == null) {
            throw new IllegalArgumentException("no notifier for channel '" + message.channel() + "' (configured: "
                    + String.join(", ", new TreeSet<>(byChannel.keySet())) + ")");
        }
        notifier.send(message);
    }
}
