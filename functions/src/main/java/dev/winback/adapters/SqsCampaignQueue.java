package dev.winback.adapters;

import dev.winback.core.geo.CampaignQueue;
import dev.winback.core.geo.CampaignSendTask;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * The campaign send queue: each {@link CampaignSendTask} is one SQS message (JSON body), sent ten at a
 * time with SendMessageBatch and kept under SQS's 256 KiB per batch. Entries SQS did not take are
 * sent again (3 rounds), then the fan-out fails and the launch is retried — tasks sent twice are
 * harmless, every send being claimed per decision and channel. Tasks waiting out quiet hours go back
 * with a delay of at most 15 minutes; the consumer hides a task that comes back early until it is due
 * ({@link #hide}, SQS keeps a message invisible for up to 12 hours).
 */
public final class SqsCampaignQueue implements CampaignQueue {

    static final int MAX_BATCH_ENTRIES = 10;
    static final int MAX_BATCH_BYTES = 240 * 1024;
    static final int MAX_ROUNDS = 3;
    /** SQS's longest visibility timeout, less a minute. */
    public static final Duration MAX_HIDE = Duration.ofHours(12).minusMinutes(1);

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsCampaignQueue(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void send(List<CampaignSendTask> tasks) {
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        int bytes = 0;
        for (CampaignSendTask task : tasks) {
            String body = task.toJson();
            int size = body.getBytes(StandardCharsets.UTF_8).length;
            if (!batch.isEmpty() && (batch.size() == MAX_BATCH_ENTRIES || bytes + size > MAX_BATCH_BYTES)) {
                sendBatch(batch);
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(batch.size())).messageBody(body).build());
            bytes += size;
        }
        if (!batch.isEmpty()) {
            sendBatch(batch);
        }
    }

    private void sendBatch(List<SendMessageBatchRequestEntry> entries) {
        List<SendMessageBatchRequestEntry> pending = entries;
        for (int round = 1; ; round++) {
            List<SendMessageBatchRequestEntry> asked = pending;
            SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(asked));
            if (response.failed().isEmpty()) {
                return;
            }
            List<String> failedIds = response.failed().stream().map(BatchResultErrorEntry::id).toList();
            if (round == MAX_ROUNDS) {
                throw new IllegalStateException("SQS did not take " + failedIds.size() + " campaign send tasks: "
                        + response.failed().get(0).code());
            }
            pending = asked.stream().filter(e -> failedIds.contains(e.id())).toList();
            LedgerRetry.backoff(round);
        }
    }

    @Override
    public void defer(CampaignSendTask task, Duration delay) {
        long seconds = Math.max(0, Math.min(900, delay.toSeconds()));
        sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(task.toJson()).delaySeconds((int) seconds));
    }

    /** Keeps a received task invisible for {@code wait} (at most {@link #MAX_HIDE}). */
    public void hide(String receiptHandle, Duration wait) {
        long seconds = Math.max(0, Math.min(MAX_HIDE.toSeconds(), wait.toSeconds()));
        sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(receiptHandle).visibilityTimeout((int) seconds));
    }
}
