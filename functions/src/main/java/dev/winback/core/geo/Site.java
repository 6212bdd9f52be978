package dev.winback.core.geo;

/** The collection depot or branch that launches a campaign (D2), with its location in degrees. */
public record Site(String siteId, String name, double lat, double lon) {

    public Site {
        if (siteId == null || siteId.isBlank()) {
            throw new IllegalArgumentException("a site needs an id");
        }
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("site " + siteId + " needs a name (it opens the message)");
        }
        if (!(Math.abs(lat) <= 90) || !(Math.abs(lon) <= 180)) {
            throw new IllegalArgumentException("site " + siteId + ": not a location: " + lat + ", " + lon);
        }
    }
}
