package dev.winback.core.geo;

import java.time.Duration;
import java.util.List;

/** Port: where a campaign's send tasks wait for the sender (an SQS queue in AWS). */
public interface CampaignQueue {

    /** Puts every task on the queue (at least once each), or throws. */
    void send(List<CampaignSendTask> tasks);

    /** Puts a task back to be taken again after {@code delay} (its {@code notBefore} says when it is due). */
    void defer(CampaignSendTask task, Duration delay);
}
