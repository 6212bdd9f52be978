package dev.winback.core.recall;

import java.util.Map;

/** Port: delivers a message on one channel (push, SMS, …). */
public interface Notifier {

    /** @throws DeliveryException when the provider refused the message (it was not sent) */
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
}
