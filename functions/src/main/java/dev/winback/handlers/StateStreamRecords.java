package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.segments.SegmentFeed;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Translates the state table's stream records (NEW_AND_OLD_IMAGES) into the tags each write stored. */
final class StateStreamRecords {

    private static final String TAGS = "tags";

    private StateStreamRecords() {
    }

    static List<SegmentFeed.TagsWritten> of(DynamodbEvent event) {
        List<DynamodbEvent.DynamodbStreamRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        List<SegmentFeed.TagsWritten> writes = new ArrayList<>(records.size());
        for (DynamodbEvent.DynamodbStreamRecord record : records) {
            StreamRecord change = record.getDynamodb();
            AttributeValue pk = change.getKeys() == null ? null : change.getKeys().get("pk");
            String key = pk == null ? null : pk.getS();
            String userId = key != null && SubjectKey.isUser(key) ? key.substring(SubjectKey.USER.length()) : null;
            Instant at = change.getApproximateCreationDateTime() == null ? null
                    : change.getApproximateCreationDateTime().toInstant();
            writes.add(new SegmentFeed.TagsWritten(change.getSequenceNumber(), userId,
                    tags(change.getOldImage()), tags(change.getNewImage()), at));
        }
        return writes;
    }

    private static Set<String> tags(Map<String, AttributeValue> image) {
        AttributeValue tags = image == null ? null : image.get(TAGS);
        return tags == null || tags.getSS() == null ? null : Set.copyOf(tags.getSS());
    }
}
