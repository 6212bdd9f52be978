package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import dev.winback.core.recall.DeadlineCheck;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerMessage;
import dev.winback.core.scenario.JourneyCheck;
import dev.winback.core.scenario.JourneyTimers;
import dev.winback.core.scenario.ScenarioCheck;
import dev.winback.core.scenario.ScenarioTimers;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.lambda.powertools.logging.PowertoolsLogging;

/**
 * DeadlineCheckFunction: fired timers from the timer queue (SQS message timers and Scheduler
 * schedules both land there). Each timer is judged once; a failure retries only that message.
 */
public final class DeadlineCheckHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {

    private static final Logger LOG = LoggerFactory.getLogger(DeadlineCheckHandler.class);

    private final DeadlineCheck check;
    private final ScenarioCheck scenarios;
    private final JourneyCheck journeys;
    private final Clock clock;
    private final DecisionMetrics metrics;

    public DeadlineCheckHandler() {
        this(Wiring.fromEnvironment());
    }

    private DeadlineCheckHandler(Wiring wiring) {
        this(wiring.deadlineCheck(), wiring.scenarioCheck(), wiring.journeyCheck(), Clock.systemUTC(),
                DecisionMetrics.emf());
    }

    /**
     * @param scenarios the check for scenario timers (C3) that share the timer queue with deadlines
     * @param journeys  the check for journey step timers (C5), on the same queue
     */
    public DeadlineCheckHandler(DeadlineCheck check, ScenarioCheck scenarios, JourneyCheck journeys, Clock clock,
                                DecisionMetrics metrics) {
        this.check = check;
        this.scenarios = scenarios;
        this.journeys = journeys;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        return PowertoolsLogging.withLogging(context, () -> {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            List<Decision> decided = new ArrayList<>();
            for (SQSEvent.SQSMessage message : event.getRecords()) {
                try {
                    Timer timer = TimerMessage.fromJson(message.getBody());
                    Optional<Decision> decision = ScenarioTimers.isScenario(timer) ? scenarios.check(timer, clock.instant())
                            : JourneyTimers.isJourney(timer) ? journeys.check(timer, clock.instant())
                            : check.check(timer, clock.instant());
                    decision.ifPresent(decided::add);
                    if (LOG.isInfoEnabled()) { // the id is a hash: not worth computing for a line not written
                        LOG.info("timer {} for page {}: {}", timer.id(), timer.page(),
                                decision.map(d -> d.outcome().wireName() + " " + d.reasons()).orElse("no longer current"));
                    }
                } catch (IllegalArgumentException bad) {
                    // Retrying cannot fix it; failing it sends it to the timer DLQ after maxReceiveCount.
                    LOG.error("unreadable timer message {}: {}", message.getMessageId(), bad.getMessage());
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                } catch (RuntimeException transientFailure) {
                    LOG.warn("timer message {} will be retried: {}", message.getMessageId(), transientFailure.toString());
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                }
            }
            metrics.record(decided, failures.size());
            return new SQSBatchResponse(failures);
        });
    }
}
