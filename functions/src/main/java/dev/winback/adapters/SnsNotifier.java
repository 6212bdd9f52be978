package dev.winback.adapters;

import dev.winback.core.recall.Notifier;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishRequest;

/**
 * Push and SMS through SNS.
 *
 * <ul>
 *   <li>{@code push} to an SNS mobile platform endpoint ARN goes straight to that device
 *       ({@code TargetArn}); any other push address (a token the app's own push service knows) is
 *       published to the notifications topic with {@code userId}, {@code channel} and
 *       {@code decisionId} as message attributes, for the downstream push service to deliver (it
 *       knows the user's devices; the address itself is not repeated to every subscriber).</li>
 *   <li>{@code sms} is a direct {@code Publish} to the E.164 number, typed {@code Promotional}
 *       (marketing: cheapest route, and SNS applies the opt-out list and country rules for it), with
 *       the sender id when one is configured.</li>
 * </ul>
 *
 * Message attributes in the {@link Message} are passed on (for SMS, {@code AWS.SNS.SMS.*} ones
 * override the defaults). Addresses and texts are personal data: this class never logs them, and
 * a refusal's exception carries SNS's error code rather than its message, which can echo the number.
 */
public final class SnsNotifier implements Notifier {

    static final String PUSH = "push";
    static final String SMS = "sms";

    private static final Pattern PLATFORM_ENDPOINT = Pattern.compile("^arn:aws[a-z-]*:sns:[^:]+:\\d{12}:endpoint/.+");

    private final SnsClient sns;
    private final String notificationsTopicArn;
    private final String smsSenderId;

    /** @param smsSenderId alphanumeric sender id for SMS, or null where the country does not take one */
    public SnsNotifier(SnsClient sns, String notificationsTopicArn, String smsSenderId) {
        this.sns = sns;
        this.notificationsTopicArn = notificationsTopicArn;
        this.smsSenderId = smsSenderId == null || smsSenderId.isBlank() ? null : smsSenderId;
    }

    @Override
    public void send(Message message) {
        PublishRequest request = switch (message.channel()) {
            case PUSH -> push(message);
            case SMS -> sms(message);
            default -> throw new IllegalArgumentException("SNS does not deliver channel '" + message.channel() + "'");
        };
        try {
            sns.publish(request);
        } catch (AwsServiceException e) {
            throw new DeliveryException("SNS refused the " + message.channel() + " message of decision "
                    + message.decisionId() + ": " + e.awsErrorDetails().errorCode() + " (HTTP " + e.statusCode()
                    + ", request " + e.requestId() + ")", null);
        } catch (SdkException e) {
            throw new DeliveryException("SNS unreachable for the " + message.channel() + " message of decision "
                    + message.decisionId(), e);
        }
    }

    static boolean isPlatformEndpoint(String address) {
        return address != null && PLATFORM_ENDPOINT.matcher(address).matches();
    }

    private PublishRequest push(Message message) {
        Map<String, MessageAttributeValue> attributes = passedOn(message.attributes(), false);
        if (isPlatformEndpoint(message.address())) {
            return PublishRequest.builder().targetArn(message.address()).message(message.text())
                    .messageAttributes(attributes).build();
        }
        attributes.put("userId", string(message.userId()));
        attributes.put("channel", string(PUSH));
        attributes.put("decisionId", string(message.decisionId()));
        return PublishRequest.builder().topicArn(notificationsTopicArn).message(message.text())
                .messageAttributes(attributes).build();
    }

    private PublishRequest sms(Message message) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        attributes.put("AWS.SNS.SMS.SMSType", string("Promotional"));
        if (smsSenderId != null) {
            attributes.put("AWS.SNS.SMS.SenderID", string(smsSenderId));
        }
        attributes.putAll(passedOn(message.attributes(), true));
        return PublishRequest.builder().phoneNumber(message.address()).message(message.text())
                .messageAttributes(attributes).build();
    }

    /** The message's own attributes; SNS-reserved {@code AWS.*} names only where SNS reads them (SMS). */
    private static Map<String, MessageAttributeValue> passedOn(Map<String, String> given, boolean sms) {
        Map<String, MessageAttributeValue> attributes = new HashMap<>();
        if (given != null) {
            given.forEach((name, value) -> {
                boolean reserved = name.startsWith("AWS.");
                if (value != null && !value.isEmpty() && (!reserved || sms && name.startsWith("AWS.SNS.SMS."))) {
                    attributes.put(name, string(value));
                }
            });
        }
        return attributes;
    }

    private static MessageAttributeValue string(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
