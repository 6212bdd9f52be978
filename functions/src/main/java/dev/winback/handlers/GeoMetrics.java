package dev.winback.handlers;

import java.util.Map;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** Counts of the geo-campaign functions (directory, launch, send, import): CloudWatch EMF in Lambda, nowhere in tests. */
@FunctionalInterface
public interface GeoMetrics {

    /** Records each named count once. */
    void record(Map<String, Integer> counts);

    public static GeoMetrics none() {
        return counts -> { };
    }

    static GeoMetrics emf() {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        return counts -> {
            try {
                counts.forEach((name, value) -> metrics.addMetric(name, value, MetricUnit.COUNT));
            } finally {
                metrics.flush();
            }
        };
    }
}
