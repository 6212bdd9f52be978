package dev.winback.handlers;

import dev.winback.core.ingest.IngestReport;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** Where a batch's counts go: CloudWatch EMF in Lambda, nowhere in local runs that print their own. */
@FunctionalInterface
public interface IngestMetrics {

    void record(IngestReport report);

    static IngestMetrics none() {
        return report -> { };
    }

    static IngestMetrics emf() {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        return report -> {
            try {
                metrics.addMetric("EventsReceived", report.received(), MetricUnit.COUNT);
                metrics.addMetric("EventsApplied", report.applied(), MetricUnit.COUNT);
                metrics.addMetric("DuplicateEvents", report.duplicates(), MetricUnit.COUNT);
                metrics.addMetric("QuarantinedRecords", report.quarantined(), MetricUnit.COUNT);
                metrics.addMetric("StateWrites", report.writes(), MetricUnit.COUNT);
                metrics.addMetric("WriteConflicts", report.conflicts(), MetricUnit.COUNT);
                metrics.addMetric("RetriedRecords", report.failedSequenceNumbers().size(), MetricUnit.COUNT);
                metrics.addMetric("SegmentChanges", report.segmentChanges().size(), MetricUnit.COUNT);
                metrics.addMetric("SegmentEvaluationFailures", report.segmentFailures(), MetricUnit.COUNT);
            } finally {
                metrics.flush();
            }
        };
    }
}
