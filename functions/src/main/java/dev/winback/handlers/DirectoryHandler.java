package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.winback.core.geo.DirectoryConsumer;
import dev.winback.core.geo.DirectoryReport;
import java.util.ArrayList;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * DirectoryFunction: the behavior stream's {@code profile_updated}, {@code message_read},
 * {@code message_clicked} and {@code transaction} records (its mapping's filter drops the rest) kept
 * in the B2B directory (D1) and the campaign feedback (D7). A user whose write failed is reported so
 * the stream delivers from there again; what was applied is skipped by the high-water mark.
 */
public final class DirectoryHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(DirectoryHandler.class);

    private final DirectoryConsumer consumer;
    private final GeoMetrics metrics;

    public DirectoryHandler() {
        this(Wiring.fromEnvironment().directoryConsumer(), GeoMetrics.emf());
    }

    public DirectoryHandler(DirectoryConsumer consumer, GeoMetrics metrics) {
        this.consumer = consumer;
        this.metrics = metrics;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            DirectoryReport report = consumer.consume(KinesisRecords.of(event));
            metrics.record(Map.of("DirectoryRecordsApplied", report.applied(),
                    "DirectoryRecordsRedelivered", report.redelivered(), "DirectoryRecordsIgnored", report.ignored(),
                    "DirectoryEntriesWritten", report.saved(), "DirectoryUsersRetried", report.failedSequenceNumbers().size()));
            LOG.info("batch received={} applied={} redelivered={} ignored={} skipped={} saved={} failedUsers={}",
                    report.received(), report.applied(), report.redelivered(), report.ignored(), report.skipped(),
                    report.saved(), report.failedSequenceNumbers().size());
            var failures = new ArrayList<StreamsEventResponse.BatchItemFailure>();
            report.failedSequenceNumbers().forEach(sequence -> failures.add(
                    StreamsEventResponse.BatchItemFailure.builder().withItemIdentifier(sequence).build()));
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        });
    }
}
