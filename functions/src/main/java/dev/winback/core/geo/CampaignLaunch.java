package dev.winback.core.geo;

import dev.winback.core.policy.Policy;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A site's campaign from request to queue (D2–D5): the directory's placements near the site are read
 * ({@link Directory#candidates}, never the whole directory), {@link CampaignPlanner} preselects,
 * clusters and chooses the targets, the plan is recorded in the ledger, and the target list is put on
 * the send queue in tasks of {@value #TARGETS_PER_TASK} — so a list of any size is sent by many short
 * invocations, not one long one.
 *
 * <p><b>Launching twice is harmless.</b> The campaign id is the key: a launch whose fan-out completed
 * is answered from the record ({@link Result.AlreadyLaunched}); one that stopped half way plans again
 * with the first launch's time — the id seeds k-means, so the same directory gives the same targets —
 * and fans out again, which sends nobody twice because every send is claimed per (decision, channel).
 * An id reused for a different campaign (another fingerprint, {@link SiteCampaigns#fingerprint}) is
 * refused ({@link Result.Conflict}).
 */
public final class CampaignLaunch {

    /** Targets per send task: a task's sends fit easily in one invocation, and its SQS body in ~10 KB. */
    public static final int TARGETS_PER_TASK = 50;

    private final CampaignPlanner planner;
    private final Directory directory;
    private final CampaignLedger ledger;
    private final CampaignQueue queue;
    private final Clock clock;

    public CampaignLaunch(Policy policy, Directory directory, CampaignLedger ledger, CampaignQueue queue, Clock clock) {
        this.planner = new CampaignPlanner(policy.geo(), CampaignMessage.templates(policy.geo()));
        this.directory = directory;
        this.ledger = ledger;
        this.queue = queue;
        this.clock = clock;
    }

    /** What a launch did. */
    public sealed interface Result {
        CampaignPlanRecord record();

        /** Planned and fanned out now; {@code resumed} when an earlier launch had stopped before finishing. */
        record Launched(CampaignPlanRecord record, boolean resumed) implements Result {
        }

        /** The same campaign was launched and fanned out before: nothing was done. */
        record AlreadyLaunched(CampaignPlanRecord record) implements Result {
        }

        /** The id belongs to a different campaign: nothing was done. */
        record Conflict(CampaignPlanRecord record) implements Result {
        }
    }

    public Result launch(Campaign requested) {
        String fingerprint = SiteCampaigns.fingerprint(requested);
        Optional<CampaignPlanRecord> existing = ledger.plan(requested.campaignId());
        Campaign campaign = requested;
        if (existing.isPresent()) {
            Result settled = settled(existing.get(), fingerprint);
            if (settled != null) {
                return settled;
            }
            campaign = SiteCampaigns.launchedAt(requested, existing.get().launchedAt());
        }
        CampaignPlan plan = planner.plan(campaign, directory.candidates(campaign));
        List<CampaignSendTask> tasks = tasks(campaign, plan);
        CampaignPlanRecord record = CampaignPlanRecord.of(campaign, fingerprint, plan, tasks.size(), clock.instant());
        if (!ledger.savePlan(record)) {
            CampaignPlanRecord now = ledger.plan(campaign.campaignId()).orElseThrow(() ->
                    new IllegalStateException("campaign " + requested.campaignId() + ": plan refused but not found"));
            Result settled = settled(now, fingerprint);
            if (settled != null) {
                return settled;
            }
            throw new IllegalStateException("campaign " + requested.campaignId() + ": plan could not be recorded");
        }
        queue.send(tasks);
        ledger.fannedOut(campaign.campaignId(), clock.instant());
        return new Result.Launched(record.fannedOut(clock.instant()), existing.isPresent());
    }

    /** The answer when the stored record decides it (a conflict, or a complete launch), else null. */
    private static Result settled(CampaignPlanRecord stored, String fingerprint) {
        if (!stored.fingerprint().equals(fingerprint)) {
            return new Result.Conflict(stored);
        }
        return stored.fannedOutAt() != null ? new Result.AlreadyLaunched(stored) : null;
    }

    /** The target list in tasks of {@value #TARGETS_PER_TASK}, in the plan's order. */
    static List<CampaignSendTask> tasks(Campaign campaign, CampaignPlan plan) {
        List<CampaignTarget> targets = plan.targets();
        int count = (targets.size() + TARGETS_PER_TASK - 1) / TARGETS_PER_TASK;
        List<CampaignSendTask> tasks = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            List<CampaignSendTask.Target> slice = new ArrayList<>(TARGETS_PER_TASK);
            for (CampaignTarget t : targets.subList(i * TARGETS_PER_TASK, Math.min(targets.size(), (i + 1) * TARGETS_PER_TASK))) {
                slice.add(new CampaignSendTask.Target(t.userId(), t.distanceKm(), t.matchScore(), t.cluster()));
            }
            tasks.add(new CampaignSendTask(campaign.campaignId(), campaign.site().siteId(), campaign.site().name(),
                    campaign.priceDate(), campaign.launchedAt(), plan.message(), campaign.link(), i + 1, count, null, slice));
        }
        return tasks;
    }
}
