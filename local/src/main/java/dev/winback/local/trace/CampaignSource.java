package dev.winback.local.trace;

/** The campaign calendar: one {@code site_campaign} event per planned campaign, at its launch time. */
final class CampaignSource extends Source {

    private final World world;
    private int next;

    CampaignSource(int order, World world, BufferGauge gauge) {
        super(order, null, gauge);
        this.world = world;
        nextActivityAt = world.campaigns.isEmpty() ? NEVER : world.campaigns.getFirst().at();
    }

    @Override
    protected void expandNextActivity() {
        SiteCampaign campaign = world.campaigns.get(next++);
        emit(campaign.at(), "site_campaign", null, campaign.fields());
        nextActivityAt = next < world.campaigns.size() ? world.campaigns.get(next).at() : NEVER;
    }
}
