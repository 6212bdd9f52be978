package dev.winback.core.event;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One decoded, validated behavior event. Each type of the public format is a record carrying its
 * own fields; the fields every event shares live in {@link Envelope}.
 */
public sealed interface BehaviorEvent {

    Envelope envelope();

    EventType type();

    default String eventId() {
        return envelope().eventId();
    }

    default Instant occurredAt() {
        return envelope().occurredAt();
    }

    /**
     * Common fields. {@code extras} keeps the fields the format does not define, as plain JSON values
     * (String, Number, Boolean, List, Map), so producers can send more than we know about.
     */
    record Envelope(String eventId, String userId, Instant occurredAt, String sessionId,
                    Map<String, Object> extras) {
    }

    /** register */
    record Register(Envelope envelope, String channel) implements BehaviorEvent {
        public EventType type() {
            return EventType.REGISTER;
        }
    }

    /** login, logout, app_open, app_leave: signals without fields of their own. */
    record SessionSignal(Envelope envelope, EventType type) implements BehaviorEvent {
    }

    /** page_enter, page_leave */
    record PageView(Envelope envelope, EventType type, String page, String merchantId, String itemId)
            implements BehaviorEvent {
    }

    record Click(Envelope envelope, String target, String merchantId, String itemId) implements BehaviorEvent {
        public EventType type() {
            return EventType.CLICK;
        }
    }

    record CartAdd(Envelope envelope, String itemId, BigDecimal price, int quantity, String merchantId)
            implements BehaviorEvent {
        public EventType type() {
            return EventType.CART_ADD;
        }
    }

    /** cart_remove; {@code quantity} is null when the whole line goes. */
    record CartRemove(Envelope envelope, String itemId, Integer quantity) implements BehaviorEvent {
        public EventType type() {
            return EventType.CART_REMOVE;
        }
    }

    record OrderPlaced(Envelope envelope, String orderId, BigDecimal amount, BigDecimal discount,
                       String couponId, String merchantId, String address) implements BehaviorEvent {
        public EventType type() {
            return EventType.ORDER_PLACED;
        }
    }

    record OrderCompleted(Envelope envelope, String orderId) implements BehaviorEvent {
        public EventType type() {
            return EventType.ORDER_COMPLETED;
        }
    }

    record CouponUsed(Envelope envelope, String couponId, String orderId) implements BehaviorEvent {
        public EventType type() {
            return EventType.COUPON_USED;
        }
    }

    /** profile_updated: the profile fields sent, by wire name (known ones validated, others kept). */
    record ProfileUpdated(Envelope envelope, Map<String, Object> fields) implements BehaviorEvent {
        public EventType type() {
            return EventType.PROFILE_UPDATED;
        }
    }

    record ConsentUpdated(Envelope envelope, String channel, boolean optedIn) implements BehaviorEvent {
        public EventType type() {
            return EventType.CONSENT_UPDATED;
        }
    }

    /** message_delivered, message_read, message_clicked */
    record MessageFeedback(Envelope envelope, EventType type, String messageId) implements BehaviorEvent {
    }

    record Transaction(Envelope envelope, BigDecimal amount, String siteId, String messageId)
            implements BehaviorEvent {
        public EventType type() {
            return EventType.TRANSACTION;
        }
    }

    /** Ops: how loaded a delivery zone is, 0 (idle) .. 1 (saturated). */
    record DeliveryPressure(Envelope envelope, String zone, double value) implements BehaviorEvent {
        public EventType type() {
            return EventType.DELIVERY_PRESSURE;
        }
    }

    /** Ops: whether a merchant can take more orders. */
    record MerchantSupply(Envelope envelope, String merchantId, Supply status) implements BehaviorEvent {
        public EventType type() {
            return EventType.MERCHANT_SUPPLY;
        }
    }

    /**
     * D2: a site (depot, branch) launches a campaign: {@code kind} purchase (it buys: suppliers are
     * targeted) or sale (it sells: buyers are); the categories and materials it trades, the users within
     * {@code radiusKm} of the site, the price list for the message. {@code priceDate} defaults to the
     * launch day, {@code locale} to the policy's default template.
     */
    record SiteCampaign(Envelope envelope, String campaignId, String kind, String siteId, String siteName, double lat,
                        double lon, double radiusKm, List<String> categories, List<String> materials, List<Price> prices,
                        String link, java.time.LocalDate priceDate, String locale) implements BehaviorEvent {
        public EventType type() {
            return EventType.SITE_CAMPAIGN;
        }
    }

    /** One row of a campaign's price list: {@code change} is signed (negative: the price fell). */
    record Price(String material, BigDecimal price, BigDecimal change) {
    }

    enum Supply {
        SUFFICIENT, TIGHT, OUT;

        public String wireName() {
            return name().toLowerCase();
        }
    }

    /** Profile fields whose type the format fixes; any other profile field is kept as sent. */
    List<String> PROFILE_STRING_FIELDS = List.of("name", "phone", "email", "wecomId", "wechatOpenId",
            "pushEndpoint", "timezone", "locale", "zone", "role", "businessNature");
}
