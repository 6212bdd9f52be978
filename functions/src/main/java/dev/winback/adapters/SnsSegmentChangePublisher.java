package dev.winback.adapters;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.segments.SegmentChange;
import dev.winback.core.segments.SegmentChangePublisher;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/**
 * Segment changes to the SNS {@code segment-changes} topic, ten per PublishBatch:
 * {@code {"changeId":"…","userId":"u-1","tag":"high_value","change":"entered","at":"…"}} with message
 * attributes {@code eventType = segment_changed}, {@code tag} and {@code change}, so a subscriber's
 * filter policy can ask for, say, only users entering {@code high_value}. The user id is the only
 * identifier: no contact data leaves the stack through this topic.
 */
public final class SnsSegmentChangePublisher implements SegmentChangePublisher {

    static final String EVENT_TYPE = "segment_changed";
    private static final int MAX_BATCH = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SnsClient sns;
    private final String topicArn;

    public SnsSegmentChangePublisher(SnsClient sns, String topicArn) {
        this.sns = sns;
        this.topicArn = topicArn;
    }

    @Override
    public void publish(List<SegmentChange> changes) {
        for (int from = 0; from < changes.size(); from += MAX_BATCH) {
            List<SegmentChange> batch = changes.subList(from, Math.min(changes.size(), from + MAX_BATCH));
            List<PublishBatchRequestEntry> entries = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                entries.add(entry(Integer.toString(i), batch.get(i)));
            }
            PublishBatchResponse response;
            try {
                response = sns.publishBatch(b -> b.topicArn(topicArn).publishBatchRequestEntries(entries));
            } catch (SdkException e) {
                throw new IllegalStateException("the segment-changes topic refused " + batch.size() + " changes", e);
            }
            if (response.hasFailed() && !response.failed().isEmpty()) {
                throw new IllegalStateException("the segment-changes topic refused " + response.failed().size()
                        + " of " + batch.size() + " changes: " + response.failed().get(0).code());
            }
        }
    }

    private static PublishBatchRequestEntry entry(String id, SegmentChange change) {
        ObjectNode body = JSON.createObjectNode();
        body.put("changeId", change.changeId());
        body.put("userId", change.userId());
        body.put("tag", change.tag());
        body.put("change", change.kind().wireName());
        body.put("at", String.valueOf(change.at()));
        return PublishBatchRequestEntry.builder().id(id).message(body.toString())
                .messageAttributes(Map.of(
                        "eventType", text(EVENT_TYPE),
                        "tag", text(change.tag()),
                        "change", text(change.kind().wireName())))
                .build();
    }

    private static MessageAttributeValue text(String value) {
        return MessageAttributeValue.builder().dataType("String").stringValue(value).build();
    }
}
