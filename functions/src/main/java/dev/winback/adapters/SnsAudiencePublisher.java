package dev.winback.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.recall.Notifier;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;

/**
 * The {@code ad_audience} channel (C3): instead of messaging the user, adds them to the paid-media
 * audience of the trigger that chose them, by publishing to the SNS audience topic
 * {@code {"audience":"scenario:new_no_order","userId":"u-1","decisionId":"…","addedAt":"…"}} with the
 * message attributes {@code eventType = audience_member_added} and {@code audience}. An ad-platform
 * sync service subscribes; it maps user ids to the platform's hashed identifiers, so no contact data
 * leaves the stack here. The audience is the message attribute {@value #AUDIENCE} (the trigger).
 */
public final class SnsAudiencePublisher implements Notifier {

    /** The message attribute naming the audience. */
    public static final String AUDIENCE = dev.winback.core.scenario.ScenarioRoutes.AUDIENCE_ATTRIBUTE;
    static final String EVENT_TYPE = "audience_member_added";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SnsClient sns;
    private final String topicArn;
    private final Clock clock;

    public SnsAudiencePublisher(SnsClient sns, String topicArn, Clock clock) {
        this.sns = sns;
        this.topicArn = topicArn;
        this.clock = clock;
    }

    @Override
    public void send(Message message) {
        String audience = message.attributes() == null ? null : message.attributes().get(AUDIENCE);
        if (audience == null || audience.isBlank()) {
            throw new IllegalArgumentException("an ad_audience message needs the '" + AUDIENCE + "' attribute (decision "
                    + message.decisionId() + ")");
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("audience", audience);
        body.put("userId", message.userId());
        body.put("decisionId", message.decisionId());
        body.put("addedAt", clock.instant().toString());
        try {
            sns.publish(b -> b.topicArn(topicArn).message(body.toString()).messageAttributes(Map.of(
                    "eventType", MessageAttributeValue.builder().dataType("String").stringValue(EVENT_TYPE).build(),
                    AUDIENCE, MessageAttributeValue.builder().dataType("String").stringValue(audience).build())));
        } catch (SdkException e) {
            throw new DeliveryException("the audience topic refused decision " + message.decisionId(), e);
        }
    }
}
