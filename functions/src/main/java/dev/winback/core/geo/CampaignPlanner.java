package dev.winback.core.geo;

import dev.winback.core.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The whole site-campaign pipeline (D3–D6), pure: directory entries near the site (read through
 * {@link DirectoryIndex#keysFor}) go through {@link Preselection}, {@link CampaignFeatures},
 * {@link KMeans} (K, ε and the iteration limit from the policy, seeded by the campaign id),
 * {@link ClusterChoice}, and come out as targets with their {@linkplain CampaignChannels channels} and
 * the {@linkplain CampaignMessage message}.
 *
 * <p>Planning is deterministic: the same campaign over the same entries in the same order gives the
 * same plan, so a retried invocation re-plans to the same targets and the send ledger's per-target keys
 * ({@code campaignId + userId + channel}) keep each send single.
 */
public final class CampaignPlanner {

    private final Policy.Geo geo;
    private final Map<String, CampaignTemplate> templates;

    public CampaignPlanner(Policy.Geo geo, Map<String, CampaignTemplate> templates) {
        this.geo = geo;
        this.templates = Map.copyOf(templates);
        CampaignMessage.template(this.templates, null); // fail now, not mid-campaign, without a default
    }

    /** A planner with the shipped message templates. */
    public CampaignPlanner(Policy.Geo geo) {
        this(geo, CampaignMessage.DEFAULT_TEMPLATES);
    }

    /** Plans {@code campaign} over the candidate {@code entries} (any number; the far and unfit are dropped). */
    public CampaignPlan plan(Campaign campaign, Iterable<DirectoryEntry> entries) {
        String message = CampaignMessage.render(templates, campaign);
        List<Candidate> candidates = new Preselection(campaign).select(entries);
        FeatureMatrix matrix = CampaignFeatures.of(campaign, candidates);
        Clustering clustering = KMeans.of(geo, campaign.seed()).cluster(matrix);
        ClusterChoice.Choice choice = ClusterChoice.choose(matrix, clustering);
        List<CampaignTarget> targets = new ArrayList<>(choice.chosenSize());
        int[] assignments = clustering.assignments();
        for (int i = 0; i < matrix.rows(); i++) {
            if (choice.isChosen(assignments[i])) {
                Candidate c = candidates.get(i);
                targets.add(new CampaignTarget(c.entry().userId(), c.distanceKm(), matrix.rowMean(i), assignments[i],
                        CampaignChannels.of(c.entry()), message));
            }
        }
        return new CampaignPlan(campaign.campaignId(), message, candidates.size(), clustering.k(),
                clustering.iterations(), clustering.converged(), clustering.inertia(), choice.populationScore(),
                choice.ranked(), List.copyOf(targets));
    }
}
