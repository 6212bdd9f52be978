package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The six normalized features: range [0, 1], higher = better, documented handling of edge cases. */
class CampaignFeaturesTest {

    private static final Instant NOW = Entries.NOW;

    private static Candidate candidate(String id, double km, double tons, double frequency, double sensitivity,
                                       Instant lastDeal, double rate) {
        DirectoryEntry e = Entries.withProfile(Entries.supplier(id, 41, 123), tons, frequency, sensitivity, lastDeal, rate);
        return new Candidate(e, km);
    }

    @Test
    void eachColumnIsMinMaxNormalizedWithHigherMeaningABetterMatch() {
        List<Candidate> candidates = List.of(
                candidate("best", 1, 300, 20, 0.9, NOW.minusSeconds(86_400), 0.6),
                candidate("worst", 41, 100, 0, 0.1, null, 0.0),
                candidate("middle", 21, 200, Math.expm1(Math.log1p(20) / 2), 0.5, NOW.minusSeconds(86_400L * 183), 0.3));
        FeatureMatrix m = CampaignFeatures.of(Entries.purchase("c", 50), candidates);

        assertEquals(CampaignFeatures.COLUMNS, m.columnNames());
        assertEquals(List.of("proximity", "business", "sensitivity", "recency", "conversion", "frequency"), m.columnNames());
        for (int j = 0; j < 6; j++) {
            assertEquals(1.0, m.get(0, j), 1e-12, "best on " + m.columnNames().get(j));
            assertEquals(0.0, m.get(1, j), 1e-12, "worst on " + m.columnNames().get(j));
            assertEquals(0.5, m.get(2, j), 1e-12, "middle on " + m.columnNames().get(j));
        }
        assertEquals(1.0, m.rowMean(0));
        assertEquals(0.5, m.rowMean(2), 1e-12);
    }

    @Test
    void recencyIsCappedAndNeverDealtIsTheCap() {
        assertEquals(365, CampaignFeatures.daysSince(null, NOW));
        assertEquals(365, CampaignFeatures.daysSince(NOW.minusSeconds(86_400L * 2000), NOW));
        assertEquals(0, CampaignFeatures.daysSince(NOW.plusSeconds(60), NOW), "a deal stamped just after launch");
        assertEquals(1.5, CampaignFeatures.daysSince(NOW.minusSeconds(129_600), NOW), 1e-9);
    }

    @Test
    void aConstantColumnIsNeutral() {
        List<Candidate> candidates = List.of(candidate("a", 5, 100, 4, 0.5, null, 0.2),
                candidate("b", 5, 100, 4, 0.5, null, 0.2));
        FeatureMatrix m = CampaignFeatures.of(Entries.purchase("c", 50), candidates);
        for (double v : m.values()) {
            assertEquals(0.5, v);
        }
    }

    @Test
    void businessScoreFollowsTheCampaignWeightsAndMissingFeaturesScoreZero() {
        DirectoryEntry base = new DirectoryEntry("x", null, null, null, 41, 123, null, Role.SUPPLIER, true,
                List.of("废钢"), List.of(), Map.of(), Map.of(), 0, 0.5, null, 0, 0, 0);
        DirectoryEntry small = withFeatures(base, "small", Map.of("monthlyTons", 10.0, "complaints", 0.0));
        DirectoryEntry large = withFeatures(base, "large", Map.of("monthlyTons", 110.0, "complaints", 4.0));
        DirectoryEntry unknown = withFeatures(base, "unknown", Map.of());
        List<Candidate> candidates = List.of(new Candidate(small, 1), new Candidate(large, 1), new Candidate(unknown, 1));

        Campaign weighted = new Campaign("c", CampaignKind.PURCHASE, Entries.BENXI, List.of("废钢"), List.of(),
                List.of(), "l", 50, LocalDate.of(2026, 10, 23), NOW, null, Map.of("monthlyTons", 3.0, "complaints", -1.0));
        FeatureMatrix m = CampaignFeatures.of(weighted, candidates);
        // raw scores: small (3*0 + 1*1)/4 = 0.25, large (3*1 + 1*0)/4 = 0.75, unknown 0; then min-max
        assertEquals(0.25 / 0.75, m.get(0, 1), 1e-12);
        assertEquals(1.0, m.get(1, 1), 1e-12);
        assertEquals(0.0, m.get(2, 1), 1e-12);

        FeatureMatrix equal = CampaignFeatures.of(Entries.purchase("c", 50), candidates);
        // no weights: every feature counts 1, higher = better, so complaints count for "large" too
        assertEquals(0.0, equal.get(0, 1), 1e-12);
        assertEquals(1.0, equal.get(1, 1), 1e-12);
        assertEquals(0.0, equal.get(2, 1), 1e-12);
    }

    private static DirectoryEntry withFeatures(DirectoryEntry e, String id, Map<String, Double> features) {
        return new DirectoryEntry(id, e.name(), e.phone(), e.wechatOpenId(), e.lat(), e.lon(), e.businessNature(),
                e.role(), e.verified(), e.categories(), e.materials(), features, e.preferences(), e.tradeFrequency(),
                e.messageSensitivity(), e.lastDealAt(), e.conversionRate(), 0, 0);
    }

    @Test
    void noCandidatesNoRows() {
        FeatureMatrix m = CampaignFeatures.of(Entries.purchase("c", 50), List.of());
        assertEquals(0, m.rows());
        assertEquals(0, m.values().length);
    }
}
