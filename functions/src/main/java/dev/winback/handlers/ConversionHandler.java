package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.winback.core.conversion.ConversionConsumer;
import dev.winback.core.conversion.ConversionReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * ConversionFunction: the behavior stream's {@code order_placed} records (the event source mapping's
 * filter drops every other type) attributed to the user's last touch (C7), recorded once per order, and
 * counted for the scenario reward that converted (C4). A failed order is reported so the stream
 * delivers it, and what follows it, again.
 */
public final class ConversionHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(ConversionHandler.class);

    private final ConversionConsumer consumer;
    private final ConversionMetrics metrics;

    /** Lambda's entry: wired from the environment once per execution environment. */
    public ConversionHandler() {
        this(Wiring.fromEnvironment().conversionConsumer(), ConversionMetrics.emf());
    }

    public ConversionHandler(ConversionConsumer consumer, ConversionMetrics metrics) {
        this.consumer = consumer;
        this.metrics = metrics;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            ConversionReport report = consumer.consume(KinesisRecords.of(event));
            metrics.record(report);
            LOG.info("batch received={} orders={} recorded={} redelivered={} unattributed={} rewardsCounted={} skipped={}",
                    report.received(), report.orders(), report.recorded(), report.redelivered(), report.unattributed(),
                    report.rewardsCounted(), report.skipped() + report.notOrders());
            if (report.hasFailure()) {
                LOG.warn("order record {} and the records after it will be delivered again: {}",
                        report.failedSequenceNumber(), report.failure());
            }
            return KinesisRecords.retryFrom(report.failedSequenceNumber());
        });
    }
}
