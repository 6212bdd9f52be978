package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.winback.adapters.ChannelNotifier;
import dev.winback.core.recall.Notifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Routing of messages to the notifier of their channel. */
class ChannelNotifierTest {

    private static final class Recording implements Notifier {
        final List<Message> sent = new ArrayList<>();

        @Override
        public void send(Message message) {
            sent.add(message);
        }
    }

    private static Notifier.Message on(String channel) {
        return new Notifier.Message("dl-" + channel, "u-1", channel, "address", "text", Map.of());
    }

    @Test
    void eachMessageGoesToTheNotifierOfItsChannel() {
        Recording sns = new Recording();
        Recording wecom = new Recording();
        Recording email = new Recording();
        Notifier notifier = new ChannelNotifier(Map.of("push", sns, "sms", sns, "wecom", wecom, "email", email));

        notifier.send(on("sms"));
        notifier.send(on("wecom"));
        notifier.send(on("email"));
        notifier.send(on("push"));

        assertThat(sns.sent).extracting(Notifier.Message::channel).containsExactly("sms", "push");
        assertThat(wecom.sent).extracting(Notifier.Message::channel).containsExactly("wecom");
        assertThat(email.sent).extracting(Notifier.Message::channel).containsExactly("email");
    }

    @Test
    void aRefusalPassesThroughUnchanged() {
        Notifier refusing = message -> {
            throw new Notifier.DeliveryException("refused " + message.decisionId(), null);
        };
        Notifier notifier = new ChannelNotifier(Map.of("wecom", refusing));

        assertThatThrownBy(() -> notifier.send(on("wecom")))
                .isInstanceOf(Notifier.DeliveryException.class).hasMessage("refused dl-wecom");
    }

    @Test
    void anUnknownChannelIsAnIllegalArgumentNamingIt() {
        Notifier notifier = new ChannelNotifier(Map.of("sms", new Recording(), "email", new Recording()));

        assertThatThrownBy(() -> notifier.send(on("carrier-pigeon")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("carrier-pigeon").hasMessageContaining("email, sms");
        assertThatThrownBy(() -> notifier.send(on(null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("null");
    }
}
