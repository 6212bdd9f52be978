package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.StreamIngest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * IngestFunction: Kinesis behavior events into DynamoDB user state. Bad records are quarantined,
 * transient failures are reported per record so only they are delivered again.
 */
public final class IngestHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(IngestHandler.class);

    private final StreamIngest ingest;
    private final IngestMetrics metrics;

    /** Lambda's entry: wired from the environment once per execution environment. */
    public IngestHandler() {
        this(Wiring.fromEnvironment().streamIngest(), IngestMetrics.emf());
    }

    public IngestHandler(StreamIngest ingest, IngestMetrics metrics) {
        this.ingest = ingest;
        this.metrics = metrics;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            IngestReport report = ingest.ingest(KinesisRecords.of(event));
            metrics.record(report);
            // WARN when records failed (they come back), so that LOG_LEVEL=WARN (the template's) still shows
            // it; quarantined records have their own queue and metric.
            boolean failed = !report.failedSequenceNumbers().isEmpty();
            LOG.atLevel(failed ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO).log(
                    "batch received={} applied={} duplicates={} quarantined={} writes={} failed={}",
                    report.received(), report.applied(), report.duplicates(), report.quarantined(), report.writes(),
                    report.failedSequenceNumbers().size());
            return KinesisRecords.response(report);
        });
    }
}
