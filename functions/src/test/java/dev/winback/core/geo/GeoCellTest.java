package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The geo index's cells: a point's cell, and the covering of a campaign's disk. */
class GeoCellTest {

    @Test
    void aPointsCellIsAStableH3AddressAtTheIndexResolution() {
        GeoCell cell = GeoCell.of(41.33, 123.76);
        assertEquals(15, cell.address().length());
        assertEquals(cell, GeoCell.of(41.33, 123.76));
        assertEquals('6', cell.address().charAt(1), "H3 writes the resolution in the second hex digit");
        double[] centre = cell.centre();
        assertTrue(GeoDistance.km(41.33, 123.76, centre[0], centre[1]) < 5, "within a cell's size of the point");
        assertThrows(IllegalArgumentException.class, () -> GeoCell.of(91, 0));
        assertThrows(IllegalArgumentException.class, () -> GeoCell.of(Double.NaN, 0));
    }

    @Test
    void everyPointWithinTheRadiusIsInACoveringCell() {
        Random random = new Random(5);
        double[][] sites = {{41.33, 123.76}, {0.1, 179.95}, {-33.87, 151.21}, {69.65, 18.96}, {1.29, 103.85}};
        for (double[] site : sites) {
            for (double radius : new double[] {0.5, 5, 37, 120}) {
                Set<GeoCell> covering = new HashSet<>(GeoCell.covering(site[0], site[1], radius));
                for (int i = 0; i < 1500; i++) {
                    // Half the points near the rim, where a covering that is too small would fail.
                    double km = i % 2 == 0 ? radius * Math.sqrt(random.nextDouble()) : radius * (0.97 + 0.03 * random.nextDouble());
                    double[] p = Entries.offset(site[0], site[1], km, 360 * random.nextDouble());
                    assertTrue(covering.contains(GeoCell.of(p[0], p[1])), () -> "point " + p[0] + "," + p[1] + " at "
                            + km + " km of " + site[0] + "," + site[1] + " not covered for radius " + radius);
                }
            }
        }
    }

    @Test
    void theCoveringIsCloseToTheDiskNotItsBoundingHexagon() {
        double radius = 50;
        List<GeoCell> cells = GeoCell.covering(41.33, 123.76, radius);
        double disk = Math.PI * radius * radius;
        double covered = cells.stream().mapToDouble(GeoCell::areaKm2).sum();
        assertTrue(covered > disk, "the covering holds the disk");
        assertTrue(covered < 1.3 * disk, "read amplification " + covered / disk + " for " + cells.size() + " cells");
        List<GeoCell> sorted = cells.stream().sorted((a, b) -> a.address().compareTo(b.address())).toList();
        assertEquals(sorted, cells, "sorted, so reads come back in a repeatable order");
    }

    @Test
    void radiusBounds() {
        assertThrows(IllegalArgumentException.class, () -> GeoCell.covering(41, 123, 0));
        assertThrows(IllegalArgumentException.class, () -> GeoCell.covering(41, 123, GeoCell.MAX_RADIUS_KM + 1));
        assertTrue(GeoCell.covering(41, 123, 0.01).contains(GeoCell.of(41, 123)));
    }

    @Test
    void indexKeysPlaceAnEntryOncePerCategoryAndACampaignReadsEachCategoryCell() {
        DirectoryEntry entry = Entries.with(Entries.supplier("s1", 41.30, 123.70), Role.SUPPLIER,
                List.of("废钢", "废铜"), List.of(), true);
        String cell = GeoCell.of(41.30, 123.70).address();
        assertEquals(List.of("supplier#废钢#" + cell, "supplier#废铜#" + cell), DirectoryIndex.keysOf(entry));
        assertEquals(List.of(), DirectoryIndex.keysOf(DirectoryEntry.blank("x")), "not listable: not placed");

        Campaign campaign = Entries.purchase("c1", 20);
        List<String> keys = DirectoryIndex.keysFor(campaign);
        assertEquals(GeoCell.covering(41.33, 123.76, 20).size(), keys.size(), "one category: one key per cell");
        assertTrue(keys.contains("supplier#废钢#" + cell), "the entry 6 km away is read");
        assertTrue(keys.stream().allMatch(k -> k.startsWith("supplier#废钢#")));
    }
}
