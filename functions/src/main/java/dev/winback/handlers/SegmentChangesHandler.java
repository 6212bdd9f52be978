package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.winback.core.segments.SegmentFeed;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * SegmentChangesFunction: the state table's stream → users entering and leaving segments on the
 * segment-changes SNS topic. A batch that cannot be published is reported from its first unpublished
 * record, so the stream delivers the rest again in order.
 */
public final class SegmentChangesHandler implements RequestHandler<DynamodbEvent, StreamsEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(SegmentChangesHandler.class);

    private final SegmentFeed feed;

    /** Lambda's entry: wired from the environment once per execution environment. */
    public SegmentChangesHandler() {
        this(Wiring.fromEnvironment().segmentFeed());
    }

    public SegmentChangesHandler(SegmentFeed feed) {
        this.feed = feed;
    }

    @Override
    public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            SegmentFeed.Result result = feed.publish(StateStreamRecords.of(event));
            List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
            result.failedPosition().ifPresent(position -> {
                LOG.warn("segment changes not published from record {}: {}", position, result.error());
                failures.add(StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(position).build());
            });
            LOG.info("batch records={} published={}", event.getRecords() == null ? 0 : event.getRecords().size(),
                    result.published());
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        });
    }
}
