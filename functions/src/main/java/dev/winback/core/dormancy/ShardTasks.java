package dev.winback.core.dormancy;

import java.time.LocalDate;

/** Port: fans a scan run out into one work item per index shard (an SQS queue in AWS). */
public interface ShardTasks {

    void enqueue(LocalDate runDay, int shards);
}
