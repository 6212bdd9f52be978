package dev.winback.core.geo;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** Directory entries and campaigns for the geo tests: a depot in Benxi and traders around it. */
final class Entries {

    /** 辽宁吉和源本溪溪湖中心基地, roughly where Xihu district of Benxi is. */
    static final Site BENXI = new Site("site-benxi", "辽宁吉和源本溪溪湖中心基地", 41.33, 123.76);
    static final Instant NOW = Instant.parse("2026-10-23T02:00:00Z");

    private Entries() {
    }

    /** A verified scrap-steel supplier at (lat, lon) with neutral history. */
    static DirectoryEntry supplier(String userId, double lat, double lon) {
        return new DirectoryEntry(userId, "name-" + userId, "+86138000" + Math.abs(userId.hashCode() % 100000),
                "openid-" + userId, lat, lon, "回收站", Role.SUPPLIER, true, List.of("废钢"), List.of("重废一"),
                Map.of("monthlyTons", 100.0), Map.of(), 4, 0.5, NOW.minusSeconds(86_400L * 30), 0.2, 0, 0);
    }

    /** The same entry with its history and business volume replaced. */
    static DirectoryEntry withProfile(DirectoryEntry e, double tons, double frequency, double sensitivity,
                                      Instant lastDeal, double rate) {
        return new DirectoryEntry(e.userId(), e.name(), e.phone(), e.wechatOpenId(), e.lat(), e.lon(),
                e.businessNature(), e.role(), e.verified(), e.categories(), e.materials(), Map.of("monthlyTons", tons),
                e.preferences(), frequency, sensitivity, lastDeal, rate, e.messagesReceived(), e.campaignTransactions());
    }

    static DirectoryEntry with(DirectoryEntry e, Role role, List<String> categories, List<String> materials,
                               boolean verified) {
        return new DirectoryEntry(e.userId(), e.name(), e.phone(), e.wechatOpenId(), e.lat(), e.lon(),
                e.businessNature(), role, verified, categories, materials, e.features(), e.preferences(),
                e.tradeFrequency(), e.messageSensitivity(), e.lastDealAt(), e.conversionRate(), e.messagesReceived(),
                e.campaignTransactions());
    }

    /** A purchase of scrap steel by the Benxi depot within {@code radiusKm}, priced as in the SPEC. */
    static Campaign purchase(String campaignId, double radiusKm) {
        return new Campaign(campaignId, CampaignKind.PURCHASE, BENXI, List.of("废钢"), List.of(),
                List.of(new PriceItem("重废一", "3200", "-30"), new PriceItem("钢筋切粒", "2830", "40")),
                "https://example.com/p/1023", radiusKm, LocalDate.of(2026, 10, 23), NOW, "zh-CN");
    }

    /** A point {@code km} kilometres from (lat, lon) towards {@code bearingDegrees}. */
    static double[] offset(double lat, double lon, double km, double bearingDegrees) {
        double delta = km / GeoDistance.EARTH_RADIUS_KM;
        double theta = Math.toRadians(bearingDegrees);
        double phi1 = Math.toRadians(lat);
        double lambda1 = Math.toRadians(lon);
        double phi2 = Math.asin(Math.sin(phi1) * Math.cos(delta) + Math.cos(phi1) * Math.sin(delta) * Math.cos(theta));
        double lambda2 = lambda1 + Math.atan2(Math.sin(theta) * Math.sin(delta) * Math.cos(phi1),
                Math.cos(delta) - Math.sin(phi1) * Math.sin(phi2));
        double lon2 = Math.toDegrees(lambda2);
        lon2 = ((lon2 + 540) % 360) - 180;
        return new double[] {Math.toDegrees(phi2), lon2};
    }
}
