package dev.winback.core.ingest;

import dev.winback.core.event.BehaviorEvent;

/** The stored subject an event belongs to: a user, or for ops events a zone or a merchant. */
public final class SubjectKey {

    public static final String USER = "user#";
    public static final String ZONE = "zone#";
    public static final String MERCHANT = "merchant#";
    public static final String SITE = "site#";

    private SubjectKey() {
    }

    public static String of(BehaviorEvent event) {
        return switch (event) {
            case BehaviorEvent.DeliveryPressure d -> ZONE + d.zone();
            case BehaviorEvent.MerchantSupply m -> MERCHANT + m.merchantId();
            case BehaviorEvent.SiteCampaign c -> SITE + c.siteId();
            default -> USER + event.envelope().userId();
        };
    }

    public static String user(String userId) {
        return USER + userId;
    }

    public static boolean isUser(String key) {
        return key.startsWith(USER);
    }
}
