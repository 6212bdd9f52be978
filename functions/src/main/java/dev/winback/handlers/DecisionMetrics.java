package dev.winback.handlers;

import dev.winback.core.recall.Decision;
import java.util.List;
import software.amazon.lambda.powertools.metrics.Metrics;
import software.amazon.lambda.powertools.metrics.MetricsFactory;
import software.amazon.lambda.powertools.metrics.model.MetricUnit;

/** Counts of decisions by outcome (and coupon spend) as CloudWatch EMF metrics. */
@FunctionalInterface
public interface DecisionMetrics {

    void record(List<Decision> decisions, int retried);

    static DecisionMetrics none() {
        return (decisions, retried) -> { };
    }

    static DecisionMetrics emf() {
        Metrics metrics = MetricsFactory.getMetricsInstance();
        return (decisions, retried) -> {
            try {
                for (Decision.Outcome outcome : Decision.Outcome.values()) {
                    long count = decisions.stream().filter(d -> d.outcome() == outcome).count();
                    metrics.addMetric("Decisions_" + outcome.wireName(), count, MetricUnit.COUNT);
                }
                double spend = decisions.stream().filter(d -> d.coupon() != null)
                        .mapToDouble(d -> d.coupon().amount().doubleValue()).sum();
                metrics.addMetric("CouponSpend", spend, MetricUnit.NONE);
                metrics.addMetric("RetriedTimers", retried, MetricUnit.COUNT);
            } finally {
                metrics.flush();
            }
        };
    }
}
