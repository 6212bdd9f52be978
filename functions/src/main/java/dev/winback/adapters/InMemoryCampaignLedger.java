package dev.winback.adapters;

import dev.winback.core.geo.CampaignLedger;
import dev.winback.core.geo.CampaignPlanRecord;
import dev.winback.core.geo.TargetEngagement;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Launched campaigns in memory; the engagements are the directory's (they are written with its entries). */
public final class InMemoryCampaignLedger implements CampaignLedger {

    private final InMemoryDirectory directory;
    private final Map<String, CampaignPlanRecord> plans = new HashMap<>();

    public InMemoryCampaignLedger(InMemoryDirectory directory) {
        this.directory = directory;
    }

    @Override
    public synchronized Optional<CampaignPlanRecord> plan(String campaignId) {
        return Optional.ofNullable(plans.get(campaignId));
    }

    @Override
    public synchronized boolean savePlan(CampaignPlanRecord record) {
        CampaignPlanRecord existing = plans.get(record.campaignId());
        if (existing != null && (!existing.fingerprint().equals(record.fingerprint()) || existing.fannedOutAt() != null)) {
            return false;
        }
        plans.put(record.campaignId(), record);
        return true;
    }

    @Override
    public synchronized void fannedOut(String campaignId, Instant at) {
        CampaignPlanRecord existing = plans.get(campaignId);
        if (existing != null) {
            plans.put(campaignId, existing.fannedOut(at));
        }
    }

    @Override
    public List<TargetEngagement> engagements(String campaignId) {
        return directory.engagementsOf(campaignId);
    }
}
