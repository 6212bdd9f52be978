package dev.winback.adapters;

import dev.winback.core.geo.CampaignQueue;
import dev.winback.core.geo.CampaignSendTask;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Campaign send tasks in memory, in the order they were queued (deferred ones with their delay), for the simulator and tests. */
public final class InMemoryCampaignQueue implements CampaignQueue {

    /** A task put back to wait out quiet hours. */
    public record Deferred(CampaignSendTask task, Duration delay) {
    }

    private final List<CampaignSendTask> tasks = new ArrayList<>();
    private final List<Deferred> deferred = new ArrayList<>();

    @Override
    public synchronized void send(List<CampaignSendTask> sent) {
        tasks.addAll(sent);
    }

    @Override
    public synchronized void defer(CampaignSendTask task, Duration delay) {
        deferred.add(new Deferred(task, delay));
    }

    /** Takes every queued task (not the deferred ones), oldest first. */
    public synchronized List<CampaignSendTask> drain() {
        List<CampaignSendTask> taken = List.copyOf(tasks);
        tasks.clear();
        return taken;
    }

    public synchronized List<Deferred> deferred() {
        return List.copyOf(deferred);
    }

    /** Takes the deferred tasks (the simulator runs them at their time). */
    public synchronized List<Deferred> deferredAndClear() {
        List<Deferred> taken = List.copyOf(deferred);
        deferred.clear();
        return taken;
    }
}
