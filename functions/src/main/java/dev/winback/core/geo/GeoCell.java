package dev.winback.core.geo;

import com.uber.h3core.H3Core;
import com.uber.h3core.util.LatLng;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A cell of the directory's geo index: an H3 hexagon at resolution {@value #RESOLUTION} (average edge
 * 3.2 km, average area 36 km²; cells vary with position, e.g. 24 km² around Benxi), written as H3's
 * 15-character hex address (e.g. {@code 865a1d0a7ffffff}). Every listable directory entry sits in
 * exactly one cell; a campaign reads the cells {@linkplain #covering covering} the disk around its
 * site, so its cost follows the users near the site, not the size of the directory. See {@code docs/geo-index.md} for the key design and read cost.
 *
 * <p>Hexagons rather than geohash rectangles: their size varies far less with latitude, and every
 * neighbour is at the same distance, so a ring of cells approximates a disk well (fewer users read and
 * thrown away). The resolution is fixed because it is part of every stored index key: changing it
 * means rewriting the index.
 */
public record GeoCell(String address) {

    /** The H3 resolution of index keys. */
    public static final int RESOLUTION = 6;

    /** The largest campaign radius the index serves: the covering grows with the radius squared. */
    public static final double MAX_RADIUS_KM = 200;

    public GeoCell {
        if (address == null || address.isBlank()) {
            throw new IllegalArgumentException("a geo cell needs an address");
        }
    }

    /** The cell holding a point (degrees). */
    public static GeoCell of(double lat, double lon) {
        if (!(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) {
            throw new IllegalArgumentException("not a location: " + lat + ", " + lon);
        }
        H3Core h3 = H3.CORE;
        return new GeoCell(h3.h3ToString(h3.latLngToCell(lat, lon, RESOLUTION)));
    }

    /**
     * Every cell that holds a point within {@code radiusKm} of (lat, lon), sorted by address (so reads and
     * therefore plans are repeatable). It may hold a few cells with no point in range (a cell is kept
     * when its nearest possible point could be in range); the preselection's exact distance check
     * removes the users of those.
     *
     * <p>How: the hexagon ring of radius k around the site's cell contains every cell whose centre is
     * within 1.5·k·r of the site's cell centre (r = a cell's circumradius), and a point within R of the
     * site lies in a cell whose centre is within R + 2r of the site's cell centre; k is chosen from
     * that with margins for H3's distortion, then each cell of the ring is kept only if
     * distance(site, cell centre) − its circumradius ≤ R.
     */
    public static List<GeoCell> covering(double lat, double lon, double radiusKm) {
        if (!(radiusKm > 0) || radiusKm > MAX_RADIUS_KM) {
            throw new IllegalArgumentException("radius must be within (0, " + (int) MAX_RADIUS_KM + "] km, got " + radiusKm);
        }
        if (!(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) {
            throw new IllegalArgumentException("not a location: " + lat + ", " + lon);
        }
        H3Core h3 = H3.CORE;
        long origin = h3.latLngToCell(lat, lon, RESOLUTION);
        double r = circumradiusKm(h3, origin);
        int k = (int) Math.ceil((radiusKm + 2 * 1.25 * r) / (1.5 * 0.8 * r));
        List<String> kept = new ArrayList<>();
        for (long cell : h3.gridDisk(origin, k)) {
            LatLng centre = h3.cellToLatLng(cell);
            double nearest = GeoDistance.km(lat, lon, centre.lat, centre.lng) - 1.02 * circumradiusKm(h3, cell);
            if (nearest <= radiusKm) {
                kept.add(h3.h3ToString(cell));
            }
        }
        kept.sort(null);
        List<GeoCell> cells = new ArrayList<>(kept.size());
        kept.forEach(address -> cells.add(new GeoCell(address)));
        return cells;
    }

    /** The cell's centre as {lat, lon} in degrees. */
    public double[] centre() {
        LatLng centre = H3.CORE.cellToLatLng(address);
        return new double[] {centre.lat, centre.lng};
    }

    /** The cell's area in km² (H3 cells of one resolution differ in size by up to about 2× across the globe). */
    public double areaKm2() {
        return H3.CORE.cellArea(address, com.uber.h3core.AreaUnit.km2);
    }

    private static double circumradiusKm(H3Core h3, long cell) {
        LatLng centre = h3.cellToLatLng(cell);
        double max = 0;
        for (LatLng vertex : h3.cellToBoundary(cell)) {
            max = Math.max(max, GeoDistance.km(centre.lat, centre.lng, vertex.lat, vertex.lng));
        }
        return max;
    }

    @Override
    public String toString() {
        return address;
    }

    /** H3's native library, loaded once per JVM on first use (before the SnapStart snapshot in AWS). */
    private static final class H3 {
        static final H3Core CORE = load();

        private static H3Core load() {
            try {
                return H3Core.newInstance();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the H3 native library", e);
            }
        }
    }
}
