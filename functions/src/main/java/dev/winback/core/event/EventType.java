package dev.winback.core.event;

import java.util.HashMap;
import java.util.Map;

/** The behavior event types of the public input format (SPEC "Behavior events"). */
public enum EventType {
    REGISTER("register"),
    LOGIN("login"),
    LOGOUT("logout"),
    APP_OPEN("app_open"),
    APP_LEAVE("app_leave"),
    PAGE_ENTER("page_enter"),
    PAGE_LEAVE("page_leave"),
    CLICK("click"),
    CART_ADD("cart_add"),
    CART_REMOVE("cart_remove"),
    ORDER_PLACED("order_placed"),
    ORDER_COMPLETED("order_completed"),
    COUPON_USED("coupon_used"),
    PROFILE_UPDATED("profile_updated"),
    CONSENT_UPDATED("consent_updated"),
    MESSAGE_DELIVERED("message_delivered"),
    MESSAGE_READ("message_read"),
    MESSAGE_CLICKED("message_clicked"),
    TRANSACTION("transaction"),
    DELIVERY_PRESSURE("delivery_pressure"),
    MERCHANT_SUPPLY("merchant_supply"),
    /** D2: a site launches a geo-targeted campaign (not in SPEC's table; keyed by the site). */
    SITE_CAMPAIGN("site_campaign");

    private static final Map<String, EventType> BY_WIRE_NAME = new HashMap<>();

    static {
        for (EventType type : values()) {
            BY_WIRE_NAME.put(type.wireName, type);
        }
    }

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the JSON {@code type} field. */
    public String wireName() {
        return wireName;
    }

    /** Ops events describe a zone or a merchant, not a user; they carry no userId. */
    public boolean isOps() {
        return this == DELIVERY_PRESSURE || this == MERCHANT_SUPPLY || this == SITE_CAMPAIGN;
    }

    /** @return the type for a wire name, or null when unknown */
    public static EventType fromWireName(String name) {
        return BY_WIRE_NAME.get(name);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
