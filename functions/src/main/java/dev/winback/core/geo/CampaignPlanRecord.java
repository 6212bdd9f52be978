package dev.winback.core.geo;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * What is kept of a launched campaign (one item per campaign in the ledger): the request's essentials
 * and fingerprint, when it was launched, the message, the planning figures and the size of the target
 * list (the report's denominator), how many send tasks it was fanned out in, and when the fan-out was
 * complete (null while it is not: a retried launch plans and fans out again).
 */
public record CampaignPlanRecord(String campaignId, String fingerprint, String kind, String siteId, String siteName,
                                 Instant launchedAt, LocalDate priceDate, String link, String message, int preselected,
                                 int clusters, int iterations, boolean converged, double inertia,
                                 double populationScore, List<ClusterChoice.ClusterScore> clusterScores, int targets,
                                 int tasks, Instant plannedAt, Instant fannedOutAt) {

    public CampaignPlanRecord {
        clusterScores = clusterScores == null ? List.of() : List.copyOf(clusterScores);
    }

    /** The record of {@code plan} for {@code campaign}, fanned out in {@code tasks} tasks, not yet complete. */
    public static CampaignPlanRecord of(Campaign campaign, String fingerprint, CampaignPlan plan, int tasks,
                                        Instant plannedAt) {
        return new CampaignPlanRecord(campaign.campaignId(), fingerprint, campaign.kind().wireName(),
                campaign.site().siteId(), campaign.site().name(), campaign.launchedAt(), campaign.priceDate(),
                campaign.link(), plan.message(), plan.preselected(), plan.clusters(), plan.iterations(), plan.converged(),
                plan.inertia(), plan.populationScore(), plan.clusterScores(), plan.targets().size(), tasks, plannedAt, null);
    }

    public CampaignPlanRecord fannedOut(Instant at) {
        return new CampaignPlanRecord(campaignId, fingerprint, kind, siteId, siteName, launchedAt, priceDate, link,
                message, preselected, clusters, iterations, converged, inertia, populationScore, clusterScores, targets,
                tasks, plannedAt, at);
    }
}
