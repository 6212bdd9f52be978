package dev.winback.core.geo;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Port: launched campaigns and their targets' engagements (the ledger table in AWS). */
public interface CampaignLedger {

    /** The campaign's record, if it was launched (strongly consistent). */
    Optional<CampaignPlanRecord> plan(String campaignId);

    /**
     * Keeps the record of a plan: stored when the campaign has none, or replaces one with the same
     * fingerprint whose fan-out is not complete (a retried launch).
     *
     * @return false when that does not hold (a different campaign with this id, or a concurrent launch
     *         completed first): nothing was written
     */
    boolean savePlan(CampaignPlanRecord record);

    /** Notes that every send task of the campaign is on the queue. */
    void fannedOut(String campaignId, Instant at);

    /** Every target's engagement recorded for the campaign (D8's report adds them up). */
    List<TargetEngagement> engagements(String campaignId);

    /** The campaign's report: its target list's size and its targets' engagements; empty when it was never launched. */
    default Optional<CampaignReport> report(String campaignId) {
        return plan(campaignId).map(plan -> CampaignReport.of(campaignId, plan.targets(), engagements(campaignId)));
    }
}
