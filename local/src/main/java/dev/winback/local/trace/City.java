package dev.winback.local.trace;

import java.util.List;

/**
 * Cities of Liaoning where the B2B directory's traders and the campaigning sites are: real city
 * centres (WGS 84) and districts, weighted by how much of the trade they hold. Traders scatter
 * around a centre (a normal spread of about 12 km), so a site's neighbours are mostly its city's
 * traders and, for the close pairs (Shenyang–Fushun 45 km, Shenyang–Benxi 60 km), some of the next
 * city's.
 */
enum City {
    SHENYANG("沈阳", "sy", 41.8057, 123.4315, 0.28, List.of("铁西", "大东", "于洪")),
    DALIAN("大连", "dl", 38.9140, 121.6147, 0.22, List.of("甘井子", "金州", "旅顺口")),
    ANSHAN("鞍山", "as", 41.1087, 122.9946, 0.14, List.of("铁东", "立山", "千山")),
    BENXI("本溪", "bx", 41.2942, 123.7665, 0.10, List.of("溪湖", "明山", "平山")),
    FUSHUN("抚顺", "fs", 41.8808, 123.9573, 0.10, List.of("望花", "顺城", "东洲")),
    YINGKOU("营口", "yk", 40.6674, 122.2352, 0.08, List.of("鲅鱼圈", "站前", "西市")),
    JINZHOU("锦州", "jz", 41.0951, 121.1270, 0.08, List.of("太和", "凌河", "古塔"));

    private static final double[] SHARES;

    static {
        double[] shares = new double[values().length];
        for (City city : values()) {
            shares[city.ordinal()] = city.share;
        }
        SHARES = Rng.cumulative(shares);
    }

    final String cityName;
    final String code;
    final double lat;
    final double lon;
    final double share;
    final List<String> districts;

    City(String cityName, String code, double lat, double lon, double share, List<String> districts) {
        this.cityName = cityName;
        this.code = code;
        this.lat = lat;
        this.lon = lon;
        this.share = share;
        this.districts = districts;
    }

    static City pick(Rng rng) {
        return values()[rng.pick(SHARES)];
    }

    /** A point around the centre, {@code spreadKm} standard deviation in each direction. */
    double[] around(Rng rng, double spreadKm) {
        double dLat = rng.gaussian() * spreadKm / 111.0;
        double dLon = rng.gaussian() * spreadKm / (111.0 * Math.cos(Math.toRadians(lat)));
        return new double[] {lat + dLat, lon + dLon};
    }

    /** Great-circle distance in km (haversine, mean Earth radius). */
    static double distanceKm(double lat1, double lon1, double lat2, double lon2) {
        double p1 = Math.toRadians(lat1);
        double p2 = Math.toRadians(lat2);
        double dp = p2 - p1;
        double dl = Math.toRadians(lon2 - lon1);
        double a = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(p1) * Math.cos(p2) * Math.sin(dl / 2) * Math.sin(dl / 2);
        return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(a)));
    }
}
