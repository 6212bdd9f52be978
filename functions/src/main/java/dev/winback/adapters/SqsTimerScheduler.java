package dev.winback.adapters;

import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerMessage;
import dev.winback.core.recall.TimerScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Short deadlines as SQS message timers: each timer is a message whose {@code DelaySeconds} hides it
 * until its due time, so the deadline check consuming the queue sees it then, to the second
 * (EventBridge Scheduler fires only to about the minute). SQS allows at most 15 minutes of delay;
 * longer timers belong to {@link EventBridgeTimerScheduler} (see {@link DelayRoutedTimerScheduler}).
 */
public final class SqsTimerScheduler implements TimerScheduler {

    /** SQS's ceiling for {@code DelaySeconds}. */
    public static final Duration MAX_DELAY = Duration.ofMinutes(15);

    private static final int MAX_BATCH = 10;

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsTimerScheduler(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void schedule(List<Timer> timers, Instant now) {
        for (int from = 0; from < timers.size(); from += MAX_BATCH) {
            List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
            for (Timer timer : timers.subList(from, Math.min(timers.size(), from + MAX_BATCH))) {
                entries.add(SendMessageBatchRequestEntry.builder()
                        .id(Integer.toString(entries.size()))
                        .messageBody(TimerMessage.toJson(timer))
                        .delaySeconds(delaySeconds(timer.dueAt(), now))
                        .build());
            }
            send(entries);
        }
    }

    /**
     * Whole seconds, rounded to the nearest: a timer fires within half a second of its due time
     * (rounding up would make every timer up to a second late). Half a second early is immaterial:
     * ingest itself batches events for a second before the state reflects them.
     */
    static int delaySeconds(Instant dueAt, Instant now) {
        long millis = Duration.between(now, dueAt).toMillis();
        long seconds = Math.floorDiv(Math.max(0, millis) + 500, 1000L);
        return (int) Math.min(seconds, MAX_DELAY.toSeconds());
    }

    private void send(List<SendMessageBatchRequestEntry> entries) {
        List<SendMessageBatchRequestEntry> pending = entries;
        // One in-place retry of entries SQS failed on its side (not the sender's fault): cheaper than
        // making the caller redo the whole batch. Anything still failing goes back to the caller.
        for (int attempt = 0; ; attempt++) {
            SendMessageBatchResponse response;
            try {
                List<SendMessageBatchRequestEntry> request = pending;
                response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(request));
            } catch (SdkException e) {
                throw new TimerUnavailableException("SQS SendMessageBatch failed: " + e.getMessage(), e);
            }
            if (response.failed().isEmpty()) {
                return;
            }
            boolean retryable = response.failed().stream().noneMatch(BatchResultErrorEntry::senderFault);
            if (!retryable || attempt == 1) {
                BatchResultErrorEntry first = response.failed().get(0);
                throw new TimerUnavailableException("SQS refused " + response.failed().size() + " of "
                        + pending.size() + " timers (" + first.code() + ": " + first.message() + ")", null);
            }
            List<String> failedIds = response.failed().stream().map(BatchResultErrorEntry::id).toList();
            pending = pending.stream().filter(e -> failedIds.contains(e.id())).toList();
        }
    }
}
