package dev.winback.core.geo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The first cut of a campaign's audience (D3): the users who could deal with the site at all. An entry
 * is preselected when all of these hold:
 * <ol>
 *   <li>its role is the campaign's target role (purchase → suppliers, sale → buyers);</li>
 *   <li>it trades at least one of the campaign's categories;</li>
 *   <li>if the campaign names materials: it lists none (it has not told us, so it may trade them) or
 *       at least one of them;</li>
 *   <li>it has a location within the campaign's radius of the site (haversine).</li>
 * </ol>
 * Names match exactly after trimming. Entries come in the order the index read returns them; a user
 * seen twice (listed under two of the campaign's categories) is kept once, at its first place, so the
 * candidates' order, and with it the clustering, depends only on the input order.
 */
public final class Preselection {

    /** Kilometres per degree of latitude on the mean sphere. */
    private static final double KM_PER_DEGREE = Math.PI * GeoDistance.EARTH_RADIUS_KM / 180;

    private final Role role;
    private final Set<String> categories;
    private final Set<String> materials;
    private final double siteLat;
    private final double siteLon;
    private final double radiusKm;
    private final double maxDeltaLat;
    private final double maxDeltaLon;

    public Preselection(Campaign campaign) {
        role = campaign.targetRole();
        categories = trimmed(campaign.categories());
        materials = trimmed(campaign.materials());
        siteLat = campaign.site().lat();
        siteLon = campaign.site().lon();
        radiusKm = campaign.radiusKm();
        // A cheap box around the disk rejects far entries before the trigonometry.
        maxDeltaLat = radiusKm / KM_PER_DEGREE * 1.001;
        double farthestLat = Math.abs(siteLat) + maxDeltaLat;
        maxDeltaLon = farthestLat >= 89.9 ? 360 : maxDeltaLat / Math.cos(Math.toRadians(farthestLat));
    }

    /** The preselected candidates among {@code entries}, in input order, each user once. */
    public List<Candidate> select(Iterable<DirectoryEntry> entries) {
        List<Candidate> selected = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (DirectoryEntry entry : entries) {
            double distance = distanceIfMatching(entry);
            if (!Double.isNaN(distance) && seen.add(entry.userId())) {
                selected.add(new Candidate(entry, distance));
            }
        }
        return selected;
    }

    /** Whether role, category and materials fit (rules 1–3), regardless of distance. */
    public boolean trades(DirectoryEntry entry) {
        if (entry.role() != role || !anyIn(entry.categories(), categories)) {
            return false;
        }
        return materials.isEmpty() || entry.materials().isEmpty() || anyIn(entry.materials(), materials);
    }

    /** The entry's distance to the site when it is preselected, else NaN. */
    public double distanceIfMatching(DirectoryEntry entry) {
        if (!entry.hasLocation() || !trades(entry)) {
            return Double.NaN;
        }
        if (Math.abs(entry.lat() - siteLat) > maxDeltaLat) {
            return Double.NaN;
        }
        double deltaLon = Math.abs(entry.lon() - siteLon);
        if (Math.min(deltaLon, 360 - deltaLon) > maxDeltaLon) {
            return Double.NaN;
        }
        double distance = GeoDistance.km(siteLat, siteLon, entry.lat(), entry.lon());
        return distance <= radiusKm ? distance : Double.NaN;
    }

    private static boolean anyIn(List<String> names, Set<String> wanted) {
        for (String name : names) {
            if (wanted.contains(name)) {
                return true;
            }
        }
        return false;
    }

    private static Set<String> trimmed(List<String> names) {
        Set<String> set = new HashSet<>();
        names.forEach(name -> set.add(name.trim()));
        return set;
    }
}
