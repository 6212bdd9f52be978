package dev.winback.adapters;

import dev.winback.core.dormancy.ReminderMessage;
import dev.winback.core.dormancy.ShardTasks;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/** A run's shard tasks on the shard queue, ten per request; a refused entry fails the run (it is retried whole). */
public final class SqsShardTasks implements ShardTasks {

    private final SqsClient sqs;
    private final String queueUrl;

    public SqsShardTasks(SqsClient sqs, String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    @Override
    public void enqueue(LocalDate runDay, int shards) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>();
        for (int shard = 0; shard < shards; shard++) {
            entries.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(shard))
                    .messageBody(ReminderMessage.shardTask(runDay, shard)).build());
            if (entries.size() == 10 || shard == shards - 1) {
                List<SendMessageBatchRequestEntry> batch = List.copyOf(entries);
                SendMessageBatchResponse response = sqs.sendMessageBatch(b -> b.queueUrl(queueUrl).entries(batch));
                if (!response.failed().isEmpty()) {
                    throw new IllegalStateException("the shard queue refused " + response.failed().size()
                            + " tasks of the run on " + runDay + ": " + response.failed().getFirst().code());
                }
                entries.clear();
            }
        }
    }
}
