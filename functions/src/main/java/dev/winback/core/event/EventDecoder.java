package dev.winback.core.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.event.BehaviorEvent.Envelope;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns the bytes of one record into a {@link BehaviorEvent}, or into a {@link Rejection} naming the
 * field and the rule it breaks. Never throws on bad input: a bad record must not stop a batch.
 */
public final class EventDecoder {

    public static final int MAX_ID_LENGTH = 128;
    /** D2: a campaign reaches users within this distance of its site unless it says otherwise. */
    public static final double DEFAULT_CAMPAIGN_RADIUS_KM = 50;
    /** The geo index covers at most this radius (larger areas are several campaigns). */
    public static final double MAX_CAMPAIGN_RADIUS_KM = 200;

    private static final Set<String> ENVELOPE_FIELDS = Set.of("eventId", "userId", "type", "occurredAt", "sessionId");
    // Trailing tokens make "{...} junk" invalid; big decimals keep every digit of JSON-number money.
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);

    private final int maxRecordBytes;
    private final Duration maxFutureSkew;

    public EventDecoder(int maxRecordBytes, Duration maxFutureSkew) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxFutureSkew = maxFutureSkew;
    }

    /**
     * @param data       the record as received
     * @param receivedAt when the record reached the stream; an event stamped more than the allowed
     *                   skew after it is rejected as coming from the future
     */
    public Decoded decode(byte[] data, Instant receivedAt) {
        if (data.length > maxRecordBytes) {
            return reject(Rejection.TOO_LARGE, null,
                    "record is " + data.length + " bytes, the limit is " + maxRecordBytes);
        }
        JsonNode root;
        try {
            root = JSON.readTree(data);
        } catch (JsonProcessingException e) {
            return reject(Rejection.INVALID_JSON, null, "not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            return reject(Rejection.INVALID_JSON, null, "not valid JSON: " + e.getMessage());
        }
        if (root == null || root.isMissingNode()) {
            return reject(Rejection.INVALID_JSON, null, "empty record");
        }
        if (!root.isObject()) {
            return reject(Rejection.NOT_AN_OBJECT, null, "an event must be a JSON object");
        }
        try {
            return new Decoded.Accepted(toEvent((ObjectNode) root, receivedAt));
        } catch (InvalidEvent e) {
            return new Decoded.Rejected(e.rejection);
        }
    }

    private BehaviorEvent toEvent(ObjectNode node, Instant receivedAt) {
        String eventId = requiredId(node, "eventId");
        String typeName = requiredText(node, "type");
        EventType type = EventType.fromWireName(typeName);
        if (type == null) {
            throw new InvalidEvent(Rejection.UNKNOWN_TYPE, "type", "unknown event type '" + clip(typeName) + "'");
        }
        String userId = type.isOps() ? optionalId(node, "userId") : requiredId(node, "userId");
        Instant occurredAt = requiredInstant(node, "occurredAt");
        if (receivedAt != null && occurredAt.isAfter(receivedAt.plus(maxFutureSkew))) {
            throw new InvalidEvent(Rejection.FUTURE_TIMESTAMP, "occurredAt", "occurredAt " + occurredAt
                    + " is more than " + maxFutureSkew.toSeconds() + " s after the record arrived (" + receivedAt + ")");
        }
        String sessionId = optionalText(node, "sessionId");
        Envelope envelope = new Envelope(eventId, userId, occurredAt, sessionId, extras(node, type));

        return switch (type) {
            case REGISTER -> new BehaviorEvent.Register(envelope, optionalText(node, "channel"));
            case LOGIN, LOGOUT, APP_OPEN, APP_LEAVE -> new BehaviorEvent.SessionSignal(envelope, type);
            case PAGE_ENTER, PAGE_LEAVE -> new BehaviorEvent.PageView(envelope, type, requiredText(node, "page"),
                    optionalText(node, "merchantId"), optionalText(node, "itemId"));
            case CLICK -> new BehaviorEvent.Click(envelope, requiredText(node, "target"),
                    optionalText(node, "merchantId"), optionalText(node, "itemId"));
            case CART_ADD -> new BehaviorEvent.CartAdd(envelope, requiredText(node, "itemId"),
                    requiredMoney(node, "price"), positiveInt(node, "quantity"), optionalText(node, "merchantId"));
            case CART_REMOVE -> new BehaviorEvent.CartRemove(envelope, requiredText(node, "itemId"),
                    node.hasNonNull("quantity") ? positiveInt(node, "quantity") : null);
            case ORDER_PLACED -> new BehaviorEvent.OrderPlaced(envelope, requiredText(node, "orderId"),
                    requiredMoney(node, "amount"), optionalMoney(node, "discount"), optionalText(node, "couponId"),
                    optionalText(node, "merchantId"), optionalText(node, "address"));
            case ORDER_COMPLETED -> new BehaviorEvent.OrderCompleted(envelope, requiredText(node, "orderId"));
            case COUPON_USED -> new BehaviorEvent.CouponUsed(envelope, requiredText(node, "couponId"),
                    requiredText(node, "orderId"));
            case PROFILE_UPDATED -> new BehaviorEvent.ProfileUpdated(envelope, profileFields(node));
            case CONSENT_UPDATED -> new BehaviorEvent.ConsentUpdated(envelope, requiredText(node, "channel"),
                    requiredBoolean(node, "optedIn"));
            case MESSAGE_DELIVERED, MESSAGE_READ, MESSAGE_CLICKED ->
                    new BehaviorEvent.MessageFeedback(envelope, type, requiredText(node, "messageId"));
            case TRANSACTION -> new BehaviorEvent.Transaction(envelope, requiredMoney(node, "amount"),
                    optionalText(node, "siteId"), optionalText(node, "messageId"));
            case DELIVERY_PRESSURE -> new BehaviorEvent.DeliveryPressure(envelope, requiredText(node, "zone"),
                    fraction(node, "value"));
            case MERCHANT_SUPPLY -> new BehaviorEvent.MerchantSupply(envelope, requiredText(node, "merchantId"),
                    supply(node, "status"));
            case SITE_CAMPAIGN -> siteCampaign(envelope, node);
        };
    }

    /** D2: the campaign's fields, each checked with the rule a campaign needs to be planned at all. */
    private static BehaviorEvent.SiteCampaign siteCampaign(Envelope envelope, ObjectNode node) {
        String kind = requiredText(node, "kind");
        if (!kind.equals("purchase") && !kind.equals("sale")) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, "kind", "'kind' must be purchase or sale; got '" + clip(kind) + "'");
        }
        double radius = node.hasNonNull("radiusKm") ? number(node, "radiusKm", 0, MAX_CAMPAIGN_RADIUS_KM)
                : DEFAULT_CAMPAIGN_RADIUS_KM;
        if (radius == 0) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, "radiusKm", "'radiusKm' must be more than 0");
        }
        List<String> categories = texts(node, "categories", true);
        List<BehaviorEvent.Price> prices = new ArrayList<>();
        JsonNode list = node.get("prices");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) {
                throw new InvalidEvent(Rejection.INVALID_FIELD, "prices", "'prices' must be a list of {material, price, change}");
            }
            for (int i = 0; i < list.size(); i++) {
                String field = "prices[" + i + "]";
                if (!list.get(i).isObject()) {
                    throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be {material, price, change}");
                }
                ObjectNode row = (ObjectNode) list.get(i);
                try {
                    prices.add(new BehaviorEvent.Price(requiredText(row, "material"), requiredMoney(row, "price"),
                            signedMoney(row, "change")));
                } catch (InvalidEvent e) {
                    throw new InvalidEvent(e.rejection.code(), field + "." + e.rejection.field(),
                            field + "." + e.rejection.field() + ": " + e.rejection.message());
                }
            }
        }
        String priceDate = optionalText(node, "priceDate");
        java.time.LocalDate date = null;
        if (priceDate != null) {
            try {
                date = java.time.LocalDate.parse(priceDate);
            } catch (DateTimeParseException e) {
                throw new InvalidEvent(Rejection.INVALID_FIELD, "priceDate", "'priceDate' must be a date such as 2026-10-23");
            }
        }
        return new BehaviorEvent.SiteCampaign(envelope, requiredId(node, "campaignId"), kind, requiredId(node, "siteId"),
                requiredText(node, "siteName"), number(node, "lat", -90, 90), number(node, "lon", -180, 180), radius,
                categories, texts(node, "materials", false), List.copyOf(prices), optionalText(node, "link"), date,
                optionalText(node, "locale"));
    }

    /** A required number within [min, max]. */
    private static double number(ObjectNode node, String field, double min, double max) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidEvent(Rejection.MISSING_FIELD, field, "'" + field + "' is required (a number)");
        }
        if (!value.isNumber() || !(value.doubleValue() >= min && value.doubleValue() <= max)) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be a number from " + min + " to " + max);
        }
        return value.doubleValue();
    }

    /** A price change: a decimal that may be negative; absent means unchanged. */
    private static BigDecimal signedMoney(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return BigDecimal.ZERO;
        }
        try {
            return value.isNumber() ? value.decimalValue() : new BigDecimal(value.textValue().trim());
        } catch (RuntimeException e) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be a signed decimal");
        }
    }

    /** A list of non-empty strings; {@code required}: present and not empty. */
    private static List<String> texts(ObjectNode node, String field, boolean required) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new InvalidEvent(Rejection.MISSING_FIELD, field, "'" + field + "' is required (a list of names)");
            }
            return List.of();
        }
        if (!value.isArray() || (required && value.isEmpty())) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be a"
                    + (required ? " non-empty" : "") + " list of names");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode name : value) {
            if (!name.isTextual() || name.textValue().isBlank()) {
                throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must hold non-empty strings");
            }
            names.add(name.textValue());
        }
        return List.copyOf(names);
    }

    // --- field rules -------------------------------------------------------------------------

    private static String requiredText(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidEvent(Rejection.MISSING_FIELD, field, "'" + field + "' is required");
        }
        if (!value.isTextual() || value.textValue().isBlank()) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be a non-empty string");
        }
        return value.textValue();
    }

    private static String optionalText(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be a string");
        }
        return value.textValue();
    }

    private static String requiredId(ObjectNode node, String field) {
        return checkIdLength(field, requiredText(node, field));
    }

    private static String optionalId(ObjectNode node, String field) {
        String id = optionalText(node, field);
        return id == null ? null : checkIdLength(field, id);
    }

    private static String checkIdLength(String field, String id) {
        if (id.length() > MAX_ID_LENGTH) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field,
                    "'" + field + "' is " + id.length() + " characters, at most " + MAX_ID_LENGTH + " allowed");
        }
        return id;
    }

    private static Instant requiredInstant(ObjectNode node, String field) {
        String text = requiredText(node, field);
        try {
            if (text.length() < 20 || text.charAt(16) != ':') {
                throw new DateTimeParseException("RFC 3339 requires seconds", text, 0); // Java alone accepts hh:mm
            }
            if (text.charAt(0) < '0' || text.charAt(0) > '9' || text.charAt(4) != '-') {
                // Java also takes signed years of up to 9 digits ("-275760-09-13T00:00:00Z"); RFC 3339 has four.
                throw new DateTimeParseException("RFC 3339 years have four digits", text, 0);
            }
            return Timestamps.parse(text);
        } catch (DateTimeParseException e) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field,
                    "'" + field + "' must be an RFC 3339 instant such as 2026-11-22T10:00:00Z, got '" + clip(text) + "'");
        }
    }

    /** Money may come as a JSON number or a numeric string (many payment systems send strings). */
    private static BigDecimal requiredMoney(ObjectNode node, String field) {
        BigDecimal money = optionalMoney(node, field);
        if (money == null) {
            throw new InvalidEvent(Rejection.MISSING_FIELD, field, "'" + field + "' is required (a decimal amount)");
        }
        return money;
    }

    private static BigDecimal optionalMoney(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        BigDecimal amount;
        if (value.isNumber()) {
            amount = value.decimalValue();
        } else if (value.isTextual()) {
            try {
                amount = new BigDecimal(value.textValue().trim());
            } catch (NumberFormatException e) {
                throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be a decimal amount");
            }
        } else {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be a decimal amount");
        }
        if (amount.signum() < 0) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must not be negative");
        }
        return amount;
    }

    private static int positiveInt(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidEvent(Rejection.MISSING_FIELD, field, "'" + field + "' is required (an integer >= 1)");
        }
        if (!value.canConvertToExactIntegral() || !value.canConvertToInt() || value.intValue() < 1) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be an integer >= 1");
        }
        return value.intValue();
    }

    private static boolean requiredBoolean(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidEvent(Rejection.MISSING_FIELD, field, "'" + field + "' is required (true or false)");
        }
        if (!value.isBoolean()) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be true or false");
        }
        return value.booleanValue();
    }

    private static double fraction(ObjectNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new InvalidEvent(Rejection.MISSING_FIELD, field, "'" + field + "' is required (a number 0..1)");
        }
        if (!value.isNumber() || value.doubleValue() < 0 || value.doubleValue() > 1) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be a number from 0 to 1");
        }
        return value.doubleValue();
    }

    private static BehaviorEvent.Supply supply(ObjectNode node, String field) {
        String text = requiredText(node, field);
        for (BehaviorEvent.Supply supply : BehaviorEvent.Supply.values()) {
            if (supply.wireName().equals(text)) {
                return supply;
            }
        }
        throw new InvalidEvent(Rejection.INVALID_FIELD, field,
                "'" + field + "' must be one of sufficient, tight, out; got '" + clip(text) + "'");
    }

    /** Known profile fields are type-checked; unknown ones are kept as sent. */
    private static Map<String, Object> profileFields(ObjectNode node) {
        Map<String, Object> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String name = entry.getKey();
            if (ENVELOPE_FIELDS.contains(name)) {
                continue;
            }
            JsonNode value = entry.getValue();
            if (BehaviorEvent.PROFILE_STRING_FIELDS.contains(name)) {
                fields.put(name, value.isNull() ? null : optionalText(node, name));
            } else if (name.equals("verified")) {
                fields.put(name, value.isNull() ? null : requiredBoolean(node, name));
            } else if (name.equals("lat") || name.equals("lon")) {
                double limit = name.equals("lat") ? 90 : 180;
                if (!value.isNull() && (!value.isNumber() || Math.abs(value.doubleValue()) > limit)) {
                    throw new InvalidEvent(Rejection.INVALID_FIELD, name,
                            "'" + name + "' must be a number from -" + (int) limit + " to " + (int) limit);
                }
                fields.put(name, value.isNull() ? null : value.doubleValue());
            } else if (name.equals("categories") || name.equals("materials")) {
                fields.put(name, value.isNull() ? null : stringList(name, value));
            } else {
                fields.put(name, JSON.convertValue(value, Object.class));
            }
        }
        if (fields.isEmpty()) {
            throw new InvalidEvent(Rejection.MISSING_FIELD, null, "profile_updated carries no profile field");
        }
        return fields;
    }

    private static List<String> stringList(String field, JsonNode value) {
        if (!value.isArray()) {
            throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be an array of strings");
        }
        List<String> items = new ArrayList<>(value.size());
        for (JsonNode item : value) {
            if (!item.isTextual()) {
                throw new InvalidEvent(Rejection.INVALID_FIELD, field, "'" + field + "' must be an array of strings");
            }
            items.add(item.textValue());
        }
        return items;
    }

    /** Fields the format does not define for this type; profile fields are not extras. */
    private static Map<String, Object> extras(ObjectNode node, EventType type) {
        if (type == EventType.PROFILE_UPDATED) {
            return Map.of();
        }
        Set<String> known = KnownFields.of(type);
        Map<String, Object> extras = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (!ENVELOPE_FIELDS.contains(entry.getKey()) && !known.contains(entry.getKey())) {
                if (extras == null) {
                    extras = new LinkedHashMap<>();
                }
                extras.put(entry.getKey(), JSON.convertValue(entry.getValue(), Object.class));
            }
        }
        return extras == null ? Map.of() : extras;
    }

    private static String clip(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }

    private static Decoded reject(String code, String field, String message) {
        return new Decoded.Rejected(new Rejection(code, field, message));
    }

    /** Internal control flow for the first broken rule; never escapes {@link #decode}. */
    private static final class InvalidEvent extends RuntimeException {
        final Rejection rejection;

        InvalidEvent(String code, String field, String message) {
            super(message, null, false, false);
            this.rejection = new Rejection(code, field, message);
        }
    }

    /** The fields each type defines, beyond the envelope. */
    private static final class KnownFields {
        static Set<String> of(EventType type) {
            return switch (type) {
                case REGISTER -> Set.of("channel");
                case PAGE_ENTER, PAGE_LEAVE -> Set.of("page", "merchantId", "itemId");
                case CLICK -> Set.of("target", "merchantId", "itemId");
                case CART_ADD -> Set.of("itemId", "price", "quantity", "merchantId");
                case CART_REMOVE -> Set.of("itemId", "quantity");
                case ORDER_PLACED -> Set.of("orderId", "amount", "discount", "couponId", "merchantId", "address");
                case ORDER_COMPLETED -> Set.of("orderId");
                case COUPON_USED -> Set.of("couponId", "orderId");
                case CONSENT_UPDATED -> Set.of("channel", "optedIn");
                case MESSAGE_DELIVERED, MESSAGE_READ, MESSAGE_CLICKED -> Set.of("messageId");
                case TRANSACTION -> Set.of("amount", "siteId", "messageId");
                case DELIVERY_PRESSURE -> Set.of("zone", "value");
                case MERCHANT_SUPPLY -> Set.of("merchantId", "status");
                case SITE_CAMPAIGN -> Set.of("campaignId", "kind", "siteId", "siteName", "lat", "lon", "radiusKm",
                        "categories", "materials", "prices", "link", "priceDate", "locale");
                default -> Set.of();
            };
        }
    }
}
