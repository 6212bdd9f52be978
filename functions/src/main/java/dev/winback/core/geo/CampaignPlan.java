package dev.winback.core.geo;

import java.util.List;

/**
 * The outcome of planning a campaign: the rendered message, how many users were preselected, what the
 * clustering did (clusters, iterations, convergence, inertia), every cluster's score and whether it was
 * chosen (the population's mean score is the threshold, {@link ClusterChoice}), and the targets in
 * preselection order.
 */
public record CampaignPlan(String campaignId, String message, int preselected, int clusters, int iterations,
                           boolean converged, double inertia, double populationScore,
                           List<ClusterChoice.ClusterScore> clusterScores, List<CampaignTarget> targets) {

    /** Targets / preselected: the share of the preselection the campaign contacts. */
    public double targetShare() {
        return preselected == 0 ? 0 : targets.size() / (double) preselected;
    }
}
