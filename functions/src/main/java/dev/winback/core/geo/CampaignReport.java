package dev.winback.core.geo;

import java.util.Collection;

/**
 * A campaign's outcome (D8).
 *
 * @param targets                the size of the target list
 * @param reached                targets whose message at least one channel accepted
 * @param read                   targets who read it (a click counts as a read)
 * @param clicked                targets who clicked it
 * @param transacted             targets with a transaction attributed to it
 * @param conversionRate         transacted / reached (0 when nobody was reached): the SPEC compares it with
 *                               ~20 % for untargeted pushes
 * @param potentialCustomerShare targets who turned out potential customers (read, clicked or transacted)
 *                               / targets (0 without targets): the SPEC compares it with ~60 % untargeted
 */
public record CampaignReport(String campaignId, int targets, int reached, int read, int clicked, int transacted,
                             double conversionRate, double potentialCustomerShare) {

    /**
     * Adds up the engagements of a campaign with {@code targets} targets; targets without an engagement
     * record count as not reached.
     */
    public static CampaignReport of(String campaignId, int targets, Collection<TargetEngagement> engagements) {
        int reached = 0;
        int read = 0;
        int clicked = 0;
        int transacted = 0;
        int engaged = 0;
        for (TargetEngagement e : engagements) {
            if (!campaignId.equals(e.campaignId())) {
                throw new IllegalArgumentException("engagement of campaign " + e.campaignId() + " in the report of " + campaignId);
            }
            reached += e.sentAt() != null ? 1 : 0;
            read += e.read() ? 1 : 0;
            clicked += e.clickedAt() != null ? 1 : 0;
            transacted += e.transactedAt() != null ? 1 : 0;
            engaged += e.engaged() ? 1 : 0;
        }
        if (engagements.size() > targets) {
            throw new IllegalArgumentException(engagements.size() + " engagements for " + targets + " targets");
        }
        return new CampaignReport(campaignId, targets, reached, read, clicked, transacted,
                reached == 0 ? 0 : transacted / (double) reached, targets == 0 ? 0 : engaged / (double) targets);
    }
}
