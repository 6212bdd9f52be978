package dev.winback.local.trace;

/** A collection depot or branch that trades with the directory's users and launches campaigns (D2). */
record Site(String siteId, String name, City city, long latE6, long lonE6) {

    double lat() {
        return latE6 / 1e6;
    }

    double lon() {
        return lonE6 / 1e6;
    }
}
