package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** D3 preselection: role from the campaign kind, category and material overlap, distance. */
class PreselectionTest {

    private static final double LAT = Entries.BENXI.lat();
    private static final double LON = Entries.BENXI.lon();

    private static DirectoryEntry at(String id, double km) {
        double[] p = Entries.offset(LAT, LON, km, 45);
        return Entries.supplier(id, p[0], p[1]);
    }

    private static List<String> ids(List<Candidate> candidates) {
        return candidates.stream().map(c -> c.entry().userId()).toList();
    }

    @Test
    void purchaseTargetsSuppliersAndSaleTargetsBuyers() {
        DirectoryEntry supplier = at("s", 5);
        DirectoryEntry buyer = Entries.with(at("b", 5), Role.BUYER, List.of("废钢"), List.of(), true);
        Campaign purchase = Entries.purchase("c1", 30);
        Campaign sale = new Campaign("c2", CampaignKind.SALE, Entries.BENXI, List.of("废钢"), List.of(), List.of(),
                "https://x", 30, LocalDate.of(2026, 10, 23), Entries.NOW, null);

        assertEquals(List.of("s"), ids(new Preselection(purchase).select(List.of(supplier, buyer))));
        assertEquals(List.of("b"), ids(new Preselection(sale).select(List.of(supplier, buyer))));
        assertEquals(Role.SUPPLIER, CampaignKind.parse("purchase").targetRole());
        assertEquals(Role.BUYER, CampaignKind.parse(" SALE ").targetRole());
    }

    @Test
    void categoriesMustOverlapAndMaterialsMustOverlapWhenBothSidesNameThem() {
        Campaign campaign = new Campaign("c", CampaignKind.PURCHASE, Entries.BENXI, List.of("废钢", "废铁"),
                List.of("重废一"), List.of(), "https://x", 30, LocalDate.of(2026, 10, 23), Entries.NOW, null);
        DirectoryEntry otherCategory = Entries.with(at("paper", 3), Role.SUPPLIER, List.of("废纸"), List.of("重废一"), true);
        DirectoryEntry secondCategory = Entries.with(at("iron", 3), Role.SUPPLIER, List.of("废铁"), List.of("重废一"), true);
        DirectoryEntry otherMaterial = Entries.with(at("rebar", 3), Role.SUPPLIER, List.of("废钢"), List.of("钢筋切粒"), true);
        DirectoryEntry noMaterials = Entries.with(at("unsaid", 3), Role.SUPPLIER, List.of("废钢"), List.of(), true);
        DirectoryEntry both = Entries.with(at("both", 3), Role.SUPPLIER, List.of("废钢"), List.of("钢筋切粒", "重废一"), true);

        assertEquals(List.of("iron", "unsaid", "both"), ids(new Preselection(campaign)
                .select(List.of(otherCategory, secondCategory, otherMaterial, noMaterials, both))));
    }

    @Test
    void withinTheRadiusByGreatCircleDistance() {
        List<Candidate> selected = new Preselection(Entries.purchase("c", 30))
                .select(List.of(at("near", 1), at("inside", 29.9), at("outside", 30.1), at("far", 500),
                        at("antipode-ish", 19_000)));
        assertEquals(List.of("near", "inside"), ids(selected));
        assertEquals(29.9, selected.get(1).distanceKm(), 1e-6);
    }

    @Test
    void unlocatedEntriesAndRepeatsAreDropped() {
        DirectoryEntry unlocated = Entries.supplier("u", Double.NaN, Double.NaN);
        DirectoryEntry once = at("twice", 2);
        assertEquals(List.of("twice"), ids(new Preselection(Entries.purchase("c", 30))
                .select(List.of(unlocated, once, once))));
    }

    @Test
    void aSiteNearTheDateLineAndOneNearThePole() {
        Site fiji = new Site("fj", "Suva", -17.9, 179.99);
        Campaign campaign = new Campaign("c", CampaignKind.PURCHASE, fiji, List.of("废钢"), List.of(), List.of(),
                "l", 50, LocalDate.of(2026, 1, 1), Entries.NOW, null);
        DirectoryEntry across = Entries.supplier("across", -17.9, -179.9); // 12 km east, over the date line
        assertEquals(List.of("across"), ids(new Preselection(campaign).select(List.of(across))));

        Site north = new Site("n", "Longyearbyen", 89.8, 15);
        Campaign polar = new Campaign("p", CampaignKind.PURCHASE, north, List.of("废钢"), List.of(), List.of(), "l", 50,
                LocalDate.of(2026, 1, 1), Entries.NOW, null);
        DirectoryEntry otherSide = Entries.supplier("other-side", 89.8, -165); // ~44 km across the pole
        assertTrue(new Preselection(polar).select(List.of(otherSide)).size() == 1);
    }
}
