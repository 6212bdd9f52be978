package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** D8: counts, conversion rate over reached targets, potential-customer share over all targets. */
class CampaignReportTest {

    private static final Instant T = Instant.parse("2026-10-23T02:00:00Z");

    @Test
    void addsUpTheTargetsOutcomes() {
        List<TargetEngagement> engagements = List.of(
                new TargetEngagement("c", "a", T, null, null, null),          // reached, ignored
                new TargetEngagement("c", "b", T, T, null, null),             // read
                new TargetEngagement("c", "c", T, null, T, null),             // clicked (counts as read)
                new TargetEngagement("c", "d", T, T, T, T),                   // transacted
                new TargetEngagement("c", "e", T, null, null, T),             // transacted without a tracked read
                new TargetEngagement("c", "f", null, null, null, null));      // no channel accepted it
        CampaignReport report = CampaignReport.of("c", 8, engagements);      // 2 targets have no record at all

        assertEquals(8, report.targets());
        assertEquals(5, report.reached());
        assertEquals(3, report.read());
        assertEquals(2, report.clicked());
        assertEquals(2, report.transacted());
        assertEquals(2 / 5.0, report.conversionRate(), 1e-12);
        assertEquals(4 / 8.0, report.potentialCustomerShare(), 1e-12, "b, c, d, e");
    }

    @Test
    void emptyAndInconsistentInputs() {
        CampaignReport empty = CampaignReport.of("c", 0, List.of());
        assertEquals(0, empty.conversionRate());
        assertEquals(0, empty.potentialCustomerShare());
        assertThrows(IllegalArgumentException.class, () -> CampaignReport.of("c", 1,
                List.of(TargetEngagement.of("other", "a"))));
        assertThrows(IllegalArgumentException.class, () -> CampaignReport.of("c", 1,
                List.of(TargetEngagement.of("c", "a"), TargetEngagement.of("c", "b"))));
    }
}
