package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.winback.adapters.SqsCampaignQueue;
import dev.winback.core.geo.CampaignSendTask;
import dev.winback.core.geo.CampaignSender;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * CampaignSendFunction: send tasks of campaigns (D5), one slice of a target list per message. A task
 * that is not due yet (targets waiting out quiet hours) is hidden until it is and reported back; a task
 * with targets every channel refused for now is reported back and delivered again (sends already made
 * are claimed, so a retry only completes it); an unreadable one fails until it lands in the DLQ.
 */
public final class CampaignSendHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(CampaignSendHandler.class);

    private final CampaignSender sender;
    private final SqsCampaignQueue queue;
    private final Clock clock;
    private final GeoMetrics metrics;

    public CampaignSendHandler() {
        this(Wiring.fromEnvironment());
    }

    private CampaignSendHandler(Wiring wiring) {
        this(wiring.campaignSender(), wiring.campaignQueue(), Clock.systemUTC(), GeoMetrics.emf());
    }

    public CampaignSendHandler(CampaignSender sender, SqsCampaignQueue queue, Clock clock, GeoMetrics metrics) {
        this.sender = sender;
        this.queue = queue;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            Map<String, Integer> counts = new TreeMap<>();
            for (SQSEvent.SQSMessage message : event.getRecords()) {
                try {
                    CampaignSendTask task = CampaignSendTask.fromJson(message.getBody());
                    Instant now = clock.instant();
                    if (task.notBefore() != null && now.isBefore(task.notBefore())) {
                        queue.hide(message.getReceiptHandle(), Duration.between(now, task.notBefore()));
                        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                        LOG.info("campaign {} task {}/{}: {} targets wait until {}", task.campaignId(), task.task(),
                                task.tasks(), task.targets().size(), task.notBefore());
                        continue;
                    }
                    CampaignSender.Result result = sender.send(task, now);
                    counts.merge("CampaignTargetsSent", result.sent(), Integer::sum);
                    counts.merge("CampaignTargetsSuppressed", result.suppressed(), Integer::sum);
                    counts.merge("CampaignTargetsDeferred", result.deferred(), Integer::sum);
                    counts.merge("CampaignTargetsRetried", result.retry(), Integer::sum);
                    result.byChannel().forEach((channel, n) -> counts.merge("CampaignMessages." + channel, n, Integer::sum));
                    LOG.info("campaign {} task {}/{}: targets={} sent={} suppressed={} deferred={} retry={} messages={}",
                            task.campaignId(), task.task(), task.tasks(), result.targets(), result.sent(),
                            result.suppressed(), result.deferred(), result.retry(), result.byChannel());
                    if (result.retry() > 0) {
                        failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                    }
                } catch (IllegalArgumentException bad) {
                    LOG.error("unreadable campaign send task {}: {}", message.getMessageId(), bad.getMessage());
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                } catch (RuntimeException transientFailure) {
                    LOG.warn("campaign send task {} will be retried: {}", message.getMessageId(), transientFailure.toString());
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                }
            }
            metrics.record(counts);
            return new SQSBatchResponse(failures);
        });
    }
}
