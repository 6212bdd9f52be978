package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.testing.Policies;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The whole pure pipeline: preselect, features, k-means, cluster choice, channels, message. */
class CampaignPlannerTest {

    private final CampaignPlanner planner = new CampaignPlanner(Policies.DEFAULTS.geo());

    /**
     * Around the Benxi depot: 300 strong suppliers (near, responsive, recent, converting, busy), 300 weak
     * ones (farther, unresponsive, no deals), and people no purchase of scrap steel within 30 km may reach.
     */
    private static List<DirectoryEntry> neighbourhood() {
        Random random = new Random(17);
        List<DirectoryEntry> entries = new ArrayList<>();
        Instant now = Entries.NOW;
        for (int i = 0; i < 300; i++) {
            double[] p = Entries.offset(41.33, 123.76, 12 * random.nextDouble(), 360 * random.nextDouble());
            DirectoryEntry e = Entries.supplier("strong-" + i, p[0], p[1]);
            entries.add(Entries.withProfile(e, 200 + 50 * random.nextDouble(), 8 + 4 * random.nextDouble(),
                    0.7 + 0.3 * random.nextDouble(), now.minusSeconds(86_400L * random.nextInt(20)),
                    0.3 + 0.2 * random.nextDouble()));
            p = Entries.offset(41.33, 123.76, 18 + 12 * random.nextDouble(), 360 * random.nextDouble());
            DirectoryEntry w = Entries.supplier("weak-" + i, p[0], p[1]);
            entries.add(Entries.withProfile(w, 20 + 30 * random.nextDouble(), random.nextDouble(),
                    0.3 * random.nextDouble(), random.nextBoolean() ? null : now.minusSeconds(86_400L * 300),
                    0.05 * random.nextDouble()));
        }
        entries.add(Entries.with(Entries.supplier("buyer", 41.33, 123.76), Role.BUYER, List.of("废钢"), List.of(), true));
        entries.add(Entries.with(Entries.supplier("paper", 41.33, 123.76), Role.SUPPLIER, List.of("废纸"), List.of(), true));
        double[] far = Entries.offset(41.33, 123.76, 31, 90);
        entries.add(Entries.supplier("far", far[0], far[1]));
        return entries;
    }

    @Test
    void targetsTheStrongNeighboursWithTheirChannelsAndTheMessage() {
        CampaignPlan plan = planner.plan(Entries.purchase("c-1023", 30), neighbourhood());

        assertEquals(600, plan.preselected(), "the buyer, the paper trader and the far one are not preselected");
        assertEquals(10, plan.clusters());
        assertTrue(plan.converged());
        Set<String> targets = plan.targets().stream().map(CampaignTarget::userId).collect(Collectors.toSet());
        long strong = targets.stream().filter(id -> id.startsWith("strong-")).count();
        long weak = targets.stream().filter(id -> id.startsWith("weak-")).count();
        assertTrue(strong >= 285, "strong targeted: " + strong);
        assertTrue(weak <= 15, "weak targeted: " + weak);
        for (CampaignTarget t : plan.targets()) {
            assertEquals(List.of(CampaignChannel.SMS, CampaignChannel.WECHAT_OFFICIAL_ACCOUNT, CampaignChannel.IN_APP),
                    t.channels());
            assertEquals("10月23日辽宁吉和源本溪溪湖中心基地:重废一3200跌30、钢筋切粒2830涨40,详见:https://example.com/p/1023",
                    t.message());
            assertTrue(t.distanceKm() <= 30);
        }
        double targetScore = plan.targets().stream().mapToDouble(CampaignTarget::matchScore).average().orElseThrow();
        assertTrue(targetScore > plan.populationScore());
        assertEquals(plan.targets().size(), plan.clusterScores().stream().filter(ClusterChoice.ClusterScore::chosen)
                .mapToInt(ClusterChoice.ClusterScore::size).sum());
        assertEquals(plan.targets().size() / 600.0, plan.targetShare());
    }

    @Test
    void planningAgainGivesTheSamePlan() {
        List<DirectoryEntry> entries = neighbourhood();
        CampaignPlan first = planner.plan(Entries.purchase("c-1023", 30), entries);
        CampaignPlan second = planner.plan(Entries.purchase("c-1023", 30), entries);
        assertEquals(first, second);
    }

    @Test
    void unverifiedTargetsGetACallTask() {
        DirectoryEntry unverified = Entries.with(Entries.supplier("u", 41.34, 123.75), Role.SUPPLIER, List.of("废钢"),
                List.of(), false);
        CampaignPlan plan = planner.plan(Entries.purchase("c", 30), List.of(unverified));
        assertEquals(1, plan.clusters(), "one user, one cluster");
        assertEquals(List.of(CampaignChannel.SMS, CampaignChannel.PHONE_CALL), plan.targets().getFirst().channels());
    }

    @Test
    void nobodyNearbyMeansNoTargets() {
        CampaignPlan plan = planner.plan(Entries.purchase("c", 5), List.of(Entries.supplier("far", 45, 126)));
        assertEquals(0, plan.preselected());
        assertEquals(List.of(), plan.targets());
        assertEquals(0, plan.targetShare());
        assertTrue(plan.message().startsWith("10月23日"));
    }
}
