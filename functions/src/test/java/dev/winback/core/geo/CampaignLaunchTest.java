package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.InMemoryCampaignLedger;
import dev.winback.adapters.InMemoryCampaignQueue;
import dev.winback.adapters.InMemoryDirectory;
import dev.winback.testing.Policies;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A campaign from request to queue: the index read, the plan recorded once, the target list fanned out in tasks. */
class CampaignLaunchTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-10-23T02:00:30Z"), ZoneOffset.UTC);

    private final InMemoryDirectory directory = new InMemoryDirectory();
    private final InMemoryCampaignLedger ledger = new InMemoryCampaignLedger(directory);
    private final InMemoryCampaignQueue queue = new InMemoryCampaignQueue();
    private final CampaignLaunch launch = new CampaignLaunch(Policies.DEFAULTS, directory, ledger, queue, CLOCK);

    /** 400 scrap-steel suppliers within 25 km of the Benxi depot, 40 farther out, 40 paper traders. */
    @BeforeEach
    void directory() {
        Random random = new Random(5);
        List<DirectoryEntry> entries = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            double[] p = Entries.offset(41.33, 123.76, 25 * random.nextDouble(), 360 * random.nextDouble());
            entries.add(Entries.withProfile(Entries.supplier("s-" + i, p[0], p[1]), 50 + 200 * random.nextDouble(),
                    10 * random.nextDouble(), random.nextDouble(), Entries.NOW.minusSeconds(86_400L * random.nextInt(200)),
                    0.4 * random.nextDouble()));
        }
        for (int i = 0; i < 40; i++) {
            double[] far = Entries.offset(41.33, 123.76, 80 + 40 * random.nextDouble(), 360 * random.nextDouble());
            entries.add(Entries.supplier("far-" + i, far[0], far[1]));
            entries.add(Entries.with(Entries.supplier("paper-" + i, 41.33, 123.76), Role.SUPPLIER, List.of("废纸"),
                    List.of(), true));
        }
        DirectoryImports.write(directory, entries, 4, null);
    }

    @Test
    void readsOnlyTheCoveringKeysAndFansTheTargetsOutInTasksOfFifty() {
        Campaign campaign = Entries.purchase("c-1023", 30);

        CampaignLaunch.Result result = launch.launch(campaign);

        CampaignLaunch.Result.Launched launched = assertInstanceOf(CampaignLaunch.Result.Launched.class, result);
        CampaignPlanRecord record = launched.record();
        assertEquals(DirectoryIndex.keysFor(campaign).size(), directory.keysRead(), "one read per (category, covering cell)");
        assertEquals(400, record.preselected());
        assertTrue(record.targets() > 0 && record.targets() < 400, "a share is chosen: " + record.targets());
        List<CampaignSendTask> tasks = queue.drain();
        assertEquals((record.targets() + 49) / 50, tasks.size());
        assertEquals(record.tasks(), tasks.size());
        List<String> targets = tasks.stream().flatMap(t -> t.targets().stream()).map(CampaignSendTask.Target::userId).toList();
        assertEquals(record.targets(), targets.size());
        assertEquals(targets.size(), Set.copyOf(targets).size(), "each target once");
        assertTrue(targets.stream().allMatch(id -> id.startsWith("s-")));
        assertTrue(tasks.stream().allMatch(t -> t.targets().size() <= 50 && t.text().equals(record.message())
                && t.launchedAt().equals(campaign.launchedAt()) && t.tasks() == tasks.size()));
        assertEquals(CLOCK.instant(), ledger.plan("c-1023").orElseThrow().fannedOutAt());
    }

    @Test
    void launchingTheSameCampaignAgainDoesNothing() {
        launch.launch(Entries.purchase("c-1023", 30));
        queue.drain();
        long reads = directory.keysRead();

        CampaignLaunch.Result again = launch.launch(Entries.purchase("c-1023", 30));

        assertInstanceOf(CampaignLaunch.Result.AlreadyLaunched.class, again);
        assertEquals(List.of(), queue.drain());
        assertEquals(reads, directory.keysRead(), "not even planned again");
    }

    @Test
    void anIdTakenByAnotherCampaignIsRefused() {
        launch.launch(Entries.purchase("c-1023", 30));
        queue.drain();
        CampaignPlanRecord first = ledger.plan("c-1023").orElseThrow();

        CampaignLaunch.Result other = launch.launch(Entries.purchase("c-1023", 20));

        assertInstanceOf(CampaignLaunch.Result.Conflict.class, other);
        assertEquals(List.of(), queue.drain());
        assertEquals(first, ledger.plan("c-1023").orElseThrow(), "the first campaign's record stands");
    }

    @Test
    void aLaunchThatStoppedHalfWayPlansTheSameTargetsAgainAtTheFirstLaunchTime() {
        CampaignQueue broken = new CampaignQueue() {
            @Override
            public void send(List<CampaignSendTask> tasks) {
                throw new IllegalStateException("SQS unavailable");
            }

            @Override
            public void defer(CampaignSendTask task, java.time.Duration delay) {
                throw new UnsupportedOperationException();
            }
        };
        Campaign first = Entries.purchase("c-1023", 30);
        assertThrows(IllegalStateException.class,
                () -> new CampaignLaunch(Policies.DEFAULTS, directory, ledger, broken, CLOCK).launch(first));
        assertNull(ledger.plan("c-1023").orElseThrow().fannedOutAt());

        Campaign retried = SiteCampaigns.launchedAt(first, first.launchedAt().plusSeconds(40)); // the retry's own time
        CampaignLaunch.Result.Launched resumed = assertInstanceOf(CampaignLaunch.Result.Launched.class, launch.launch(retried));

        assertTrue(resumed.resumed());
        List<CampaignSendTask> tasks = queue.drain();
        assertTrue(tasks.stream().allMatch(t -> t.launchedAt().equals(first.launchedAt())), "the first launch's time");
        CampaignPlan direct = new CampaignPlanner(Policies.DEFAULTS.geo()).plan(first, directory.candidates(first));
        assertEquals(direct.targets().stream().map(CampaignTarget::userId).collect(Collectors.toList()),
                tasks.stream().flatMap(t -> t.targets().stream()).map(CampaignSendTask.Target::userId).toList(),
                "the campaign id seeds k-means: the same targets in the same order");
    }

    @Test
    void aCampaignWithNobodyAroundIsRecordedWithNoTargetsAndQueuesNothing() {
        Campaign remote = new Campaign("c-remote", CampaignKind.PURCHASE, new Site("site-far", "远方基地", 30.0, 100.0),
                List.of("废钢"), List.of(), List.of(new PriceItem("重废一", "3200", "0")), null, 10,
                java.time.LocalDate.of(2026, 10, 23), Entries.NOW, null);

        CampaignPlanRecord record = assertInstanceOf(CampaignLaunch.Result.Launched.class, launch.launch(remote)).record();

        assertEquals(0, record.preselected());
        assertEquals(0, record.targets());
        assertEquals(0, record.tasks());
        assertEquals(List.of(), queue.drain());
        assertEquals(CLOCK.instant(), ledger.plan("c-remote").orElseThrow().fannedOutAt());
    }
}
