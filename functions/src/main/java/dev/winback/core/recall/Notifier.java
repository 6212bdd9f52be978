package dev.winback.core.recall;

import java.util.Map;

/** Port: delivers a message on one channel (push, SMS, …). */
public interface Notifier {

    /**
     * @throws Unreachable when the channel cannot reach the user at that address at all
     * @throws DeliveryException when the provider refused the message for another reason (it was not sent)
     */
    void send(Message message);

    /**
     * @param address the channel's address: a push endpoint, an E.164 phone number, …
     * @param attributes channel specifics (SMS type, sender id, …); never logged
     */
    record Message(String decisionId, String userId, String channel, String address, String text,
                   Map<String, String> attributes, Attachment attachment) {

        public Message(String decisionId, String userId, String channel, String address, String text,
                       Map<String, String> attributes) {
            this(decisionId, userId, channel, address, text, attributes, null);
        }
    }

    /** A file sent with the message where the channel carries files (email); others get a link. */
    record Attachment(String fileName, String contentType, byte[] bytes) {
    }

    class DeliveryException extends RuntimeException {
        public DeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * A refusal that says the address cannot be reached on this channel at all — the user unfollowed
     * the WeChat official account, the id is unknown to the provider, … — rather than that this one
     * message failed. Like any refusal the message was not sent and the next channel may be tried;
     * unlike others, retrying the same address later is pointless until the user's contact changes.
     */
    class Unreachable extends DeliveryException {
        public Unreachable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
