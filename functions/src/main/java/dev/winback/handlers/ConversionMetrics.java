package dev.winback.handlers;

import dev.winback.core.conversion.ConversionReport;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** A conversion batch's counts: CloudWatch EMF in Lambda, nowhere in tests. */
@FunctionalInterface
public interface ConversionMetrics {

    void record(ConversionReport report);

    static ConversionMetrics none() {
        return report -> { };
    }

    static ConversionMetrics emf() {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        return report -> {
            try {
                metrics.addMetric("OrdersReceived", report.orders(), MetricUnit.COUNT);
                metrics.addMetric("OrdersAttributed", report.attributed(), MetricUnit.COUNT);
                metrics.addMetric("ConversionsRecorded", report.recorded(), MetricUnit.COUNT);
                metrics.addMetric("ConversionsRedelivered", report.redelivered(), MetricUnit.COUNT);
                metrics.addMetric("OrdersUnattributed", report.unattributed(), MetricUnit.COUNT);
                metrics.addMetric("RewardConversionsCounted", report.rewardsCounted(), MetricUnit.COUNT);
                metrics.addMetric("SkippedRecords", report.skipped() + report.notOrders(), MetricUnit.COUNT);
                metrics.addMetric("RetriedOrders", report.hasFailure() ? 1 : 0, MetricUnit.COUNT);
            } finally {
                metrics.flush();
            }
        };
    }
}
