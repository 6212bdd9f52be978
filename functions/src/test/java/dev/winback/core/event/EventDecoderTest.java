package dev.winback.core.event;

import static dev.winback.testing.EventJson.event;
import static dev.winback.testing.EventJson.userEvent;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.event.BehaviorEvent.Envelope;
import dev.winback.testing.EventJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class EventDecoderTest {

    private static final Instant RECEIVED = Instant.parse("2026-11-22T10:00:00Z");
    private static final EventDecoder DECODER = new EventDecoder(65_536, Duration.ofMinutes(5));

    // --- helpers ---------------------------------------------------------------------------------

    private static Decoded decode(String json) {
        return DECODER.decode(json.getBytes(StandardCharsets.UTF_8), RECEIVED);
    }

    private static BehaviorEvent accepted(EventJson event) {
        return accepted(event.json());
    }

    private static BehaviorEvent accepted(String json) {
        Decoded decoded = decode(json);
        Decoded.Accepted accepted = assertInstanceOf(Decoded.Accepted.class, decoded, () -> "expected " + json
                + " to be accepted, got " + decoded);
        return accepted.event();
    }

    private static Rejection rejected(String json) {
        Decoded decoded = decode(json);
        return assertInstanceOf(Decoded.Rejected.class, decoded, () -> "expected " + json
                + " to be rejected, got " + decoded).rejection();
    }

    /** Asserts the rejection code and field, and that the message names the field. */
    private static Rejection assertRejected(EventJson event, String code, String field) {
        return assertRejected(event.json(), code, field);
    }

    private static Rejection assertRejected(String json, String code, String field) {
        Rejection rejection = rejected(json);
        assertEquals(code, rejection.code(), () -> "code for " + json + ": " + rejection);
        assertEquals(field, rejection.field(), () -> "field for " + json + ": " + rejection);
        if (field != null) {
            assertTrue(rejection.message().contains(field),
                    () -> "message should name '" + field + "': " + rejection.message());
        }
        return rejection;
    }

    private static Envelope envelope(String eventId, String userId) {
        return new Envelope(eventId, userId, RECEIVED, null, Map.of());
    }

    private static Envelope envelope(String eventId, String userId, String sessionId) {
        return new Envelope(eventId, userId, RECEIVED, sessionId, Map.of());
    }

    private static String repeat(char c, int count) {
        char[] chars = new char[count];
        Arrays.fill(chars, c);
        return new String(chars);
    }

    // --- every event type -----------------------------------------------------------------------

    static Stream<Arguments> validExamples() {
        Instant at = RECEIVED;
        return Stream.of(
                Arguments.of("register",
                        userEvent("register").id("e1").with("channel", "appstore").session("s1"),
                        new BehaviorEvent.Register(envelope("e1", "u1", "s1"), "appstore")),
                Arguments.of("register without channel",
                        userEvent("register").id("e1"),
                        new BehaviorEvent.Register(envelope("e1", "u1"), null)),
                Arguments.of("login",
                        userEvent("login").id("e2"),
                        new BehaviorEvent.SessionSignal(envelope("e2", "u1"), EventType.LOGIN)),
                Arguments.of("logout",
                        userEvent("logout").id("e3"),
                        new BehaviorEvent.SessionSignal(envelope("e3", "u1"), EventType.LOGOUT)),
                Arguments.of("app_open",
                        userEvent("app_open").id("e4").session("s9"),
                        new BehaviorEvent.SessionSignal(envelope("e4", "u1", "s9"), EventType.APP_OPEN)),
                Arguments.of("app_leave",
                        userEvent("app_leave").id("e5"),
                        new BehaviorEvent.SessionSignal(envelope("e5", "u1"), EventType.APP_LEAVE)),
                Arguments.of("page_enter",
                        userEvent("page_enter").id("e6").with("page", "merchant").with("merchantId", "m1")
                                .with("itemId", "i1"),
                        new BehaviorEvent.PageView(envelope("e6", "u1"), EventType.PAGE_ENTER, "merchant", "m1", "i1")),
                Arguments.of("page_leave",
                        userEvent("page_leave").id("e7").with("page", "order"),
                        new BehaviorEvent.PageView(envelope("e7", "u1"), EventType.PAGE_LEAVE, "order", null, null)),
                Arguments.of("click",
                        userEvent("click").id("e8").with("target", "banner-3").with("merchantId", "m2"),
                        new BehaviorEvent.Click(envelope("e8", "u1"), "banner-3", "m2", null)),
                Arguments.of("cart_add",
                        userEvent("cart_add").id("e9").with("itemId", "sku-1").with("price", "12.50")
                                .with("quantity", 2).with("merchantId", "m1"),
                        new BehaviorEvent.CartAdd(envelope("e9", "u1"), "sku-1", new BigDecimal("12.50"), 2, "m1")),
                Arguments.of("cart_remove with quantity",
                        userEvent("cart_remove").id("e10").with("itemId", "sku-1").with("quantity", 1),
                        new BehaviorEvent.CartRemove(envelope("e10", "u1"), "sku-1", 1)),
                Arguments.of("cart_remove without quantity (all)",
                        userEvent("cart_remove").id("e11").with("itemId", "sku-1"),
                        new BehaviorEvent.CartRemove(envelope("e11", "u1"), "sku-1", null)),
                Arguments.of("order_placed",
                        userEvent("order_placed").id("e12").with("orderId", "o1").with("amount", "58.00")
                                .with("discount", "5.00").with("couponId", "c1").with("merchantId", "m1")
                                .with("address", "Room 1, Building 2"),
                        new BehaviorEvent.OrderPlaced(envelope("e12", "u1"), "o1", new BigDecimal("58.00"),
                                new BigDecimal("5.00"), "c1", "m1", "Room 1, Building 2")),
                Arguments.of("order_placed minimal",
                        userEvent("order_placed").id("e13").with("orderId", "o2").with("amount", "19.9"),
                        new BehaviorEvent.OrderPlaced(envelope("e13", "u1"), "o2", new BigDecimal("19.9"),
                                null, null, null, null)),
                Arguments.of("order_completed",
                        userEvent("order_completed").id("e14").with("orderId", "o1"),
                        new BehaviorEvent.OrderCompleted(envelope("e14", "u1"), "o1")),
                Arguments.of("coupon_used",
                        userEvent("coupon_used").id("e15").with("couponId", "c1").with("orderId", "o1"),
                        new BehaviorEvent.CouponUsed(envelope("e15", "u1"), "c1", "o1")),
                Arguments.of("profile_updated",
                        userEvent("profile_updated").id("e16").with("phone", "+8613800000000")
                                .with("verified", true).with("lat", 41.3).with("lon", 123.77)
                                .with("categories", List.of("steel", "copper")),
                        new BehaviorEvent.ProfileUpdated(envelope("e16", "u1"), orderedMap(
                                "phone", "+8613800000000", "verified", true, "lat", 41.3, "lon", 123.77,
                                "categories", List.of("steel", "copper")))),
                Arguments.of("consent_updated",
                        userEvent("consent_updated").id("e17").with("channel", "sms").with("optedIn", false),
                        new BehaviorEvent.ConsentUpdated(envelope("e17", "u1"), "sms", false)),
                Arguments.of("message_delivered",
                        userEvent("message_delivered").id("e18").with("messageId", "msg-1"),
                        new BehaviorEvent.MessageFeedback(envelope("e18", "u1"), EventType.MESSAGE_DELIVERED, "msg-1")),
                Arguments.of("message_read",
                        userEvent("message_read").id("e19").with("messageId", "msg-1"),
                        new BehaviorEvent.MessageFeedback(envelope("e19", "u1"), EventType.MESSAGE_READ, "msg-1")),
                Arguments.of("message_clicked",
                        userEvent("message_clicked").id("e20").with("messageId", "msg-1"),
                        new BehaviorEvent.MessageFeedback(envelope("e20", "u1"), EventType.MESSAGE_CLICKED, "msg-1")),
                Arguments.of("transaction",
                        userEvent("transaction").id("e21").with("amount", "3200.00").with("siteId", "site-7")
                                .with("messageId", "msg-1"),
                        new BehaviorEvent.Transaction(envelope("e21", "u1"), new BigDecimal("3200.00"), "site-7",
                                "msg-1")),
                Arguments.of("delivery_pressure (ops, no userId)",
                        event("delivery_pressure").id("e22").with("zone", "sh-pudong").with("value", 0.85),
                        new BehaviorEvent.DeliveryPressure(envelope("e22", null), "sh-pudong", 0.85)),
                Arguments.of("merchant_supply (ops, no userId)",
                        event("merchant_supply").id("e23").with("merchantId", "m1").with("status", "tight"),
                        new BehaviorEvent.MerchantSupply(envelope("e23", null), "m1", BehaviorEvent.Supply.TIGHT)),
                Arguments.of("site_campaign (ops, keyed by the site)",
                        siteCampaign().id("e24"),
                        new BehaviorEvent.SiteCampaign(envelope("e24", null), "c-1023", "purchase", "site-bx",
                                "辽宁吉和源本溪溪湖中心基地", 41.33, 123.76, 80.0, List.of("废钢"), List.of("重废一", "钢筋切粒"),
                                List.of(new BehaviorEvent.Price("重废一", new BigDecimal("3200"), new BigDecimal("-30")),
                                        new BehaviorEvent.Price("钢筋切粒", new BigDecimal("2830"), new BigDecimal("40"))),
                                "https://example.com/c/1023", java.time.LocalDate.parse("2026-10-23"), null)));
    }

    private static EventJson siteCampaign() {
        return event("site_campaign").with("campaignId", "c-1023").with("kind", "purchase").with("siteId", "site-bx")
                .with("siteName", "辽宁吉和源本溪溪湖中心基地").with("lat", 41.33).with("lon", 123.76).with("radiusKm", 80)
                .with("categories", List.of("废钢")).with("materials", List.of("重废一", "钢筋切粒"))
                .with("prices", List.of(Map.of("material", "重废一", "price", "3200", "change", -30),
                        Map.of("material", "钢筋切粒", "price", 2830, "change", "40")))
                .with("link", "https://example.com/c/1023").with("priceDate", "2026-10-23");
    }

    @Test
    void aSiteCampaignNamesTheFieldThatCannotBePlanned() {
        assertRejected(siteCampaign().with("kind", "rent"), Rejection.INVALID_FIELD, "kind");
        assertRejected(siteCampaign().with("lat", 91), Rejection.INVALID_FIELD, "lat");
        assertRejected(siteCampaign().without("lon"), Rejection.MISSING_FIELD, "lon");
        assertRejected(siteCampaign().with("radiusKm", 0), Rejection.INVALID_FIELD, "radiusKm");
        assertRejected(siteCampaign().with("radiusKm", 500), Rejection.INVALID_FIELD, "radiusKm");
        assertRejected(siteCampaign().with("categories", List.of()), Rejection.INVALID_FIELD, "categories");
        assertRejected(siteCampaign().without("categories"), Rejection.MISSING_FIELD, "categories");
        assertRejected(siteCampaign().with("prices", List.of(Map.of("material", "x"))), Rejection.MISSING_FIELD,
                "prices[0].price");
        assertRejected(siteCampaign().with("priceDate", "23.10."), Rejection.INVALID_FIELD, "priceDate");
        assertEquals(50.0, ((BehaviorEvent.SiteCampaign) accepted(siteCampaign().without("radiusKm"))).radiusKm());
        assertEquals(BigDecimal.ZERO, ((BehaviorEvent.SiteCampaign) accepted(siteCampaign()
                .with("prices", List.of(Map.of("material", "x", "price", 1))))).prices().getFirst().change());
    }

    private static Map<String, Object> orderedMap(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validExamples")
    void decodesEveryEventTypeIntoItsRecord(String name, EventJson input, BehaviorEvent expected) {
        BehaviorEvent event = accepted(input);
        assertEquals(expected, event);
        assertEquals(expected.type(), event.type());
    }

    @Test
    void everyEventTypeOfTheSpecHasAnExample() {
        List<EventType> covered = validExamples()
                .map(args -> ((BehaviorEvent) args.get()[2]).type())
                .distinct().toList();
        assertEquals(EventType.values().length, covered.size(), "covered: " + covered);
    }

    @Test
    void wireNamesRoundTripAndOnlyOpsEventsAreOps() {
        for (EventType type : EventType.values()) {
            assertEquals(type, EventType.fromWireName(type.wireName()));
        }
        assertNull(EventType.fromWireName("LOGIN"), "wire names are lower case");
        assertTrue(EventType.DELIVERY_PRESSURE.isOps() && EventType.MERCHANT_SUPPLY.isOps()
                && EventType.SITE_CAMPAIGN.isOps());
        assertEquals(3, Arrays.stream(EventType.values()).filter(EventType::isOps).count());
    }

    // --- whole-record rules ----------------------------------------------------------------------

    @Nested
    class RecordRules {

        /** A valid login event padded with an extra field to exactly {@code size} bytes. */
        private String loginOfSize(int size) {
            String head = userEvent("login").id("e1").with("pad", "").json();
            String padded = head.replace("\"pad\":\"\"", "\"pad\":\"" + repeat('x', size - head.length()) + "\"");
            assertEquals(size, padded.getBytes(StandardCharsets.UTF_8).length);
            return padded;
        }

        @Test
        void recordOfExactly64KiBIsAccepted() {
            accepted(loginOfSize(65_536));
        }

        @Test
        void recordOneByteOver64KiBIsTooLarge() {
            Rejection rejection = assertRejected(loginOfSize(65_537), Rejection.TOO_LARGE, null);
            assertTrue(rejection.message().contains("65537"), rejection.message());
        }

        @ParameterizedTest
        @ValueSource(strings = {"{not json", "{\"eventId\": }", "{\"eventId\":\"e1\"", "\u00ff\u00fe"})
        void malformedJsonIsInvalidJson(String text) {
            assertRejected(text, Rejection.INVALID_JSON, null);
        }

        @ParameterizedTest
        @ValueSource(strings = {"[]", "[{\"eventId\":\"e1\"}]", "\"login\"", "42", "true", "null"})
        void jsonThatIsNotAnObjectIsRejected(String text) {
            assertRejected(text, Rejection.NOT_AN_OBJECT, null);
        }

        @Test
        void trailingGarbageAfterTheObjectIsInvalidJson() {
            String valid = userEvent("login").id("e1").json();
            assertRejected(valid + " xx", Rejection.INVALID_JSON, null);
            assertRejected(valid + "{}", Rejection.INVALID_JSON, null);
        }

        @Test
        void emptyRecordIsInvalidJson() {
            assertRejected("", Rejection.INVALID_JSON, null);
            assertRejected("   ", Rejection.INVALID_JSON, null);
        }
    }

    // --- envelope rules --------------------------------------------------------------------------

    @Nested
    class EnvelopeRules {

        @ParameterizedTest
        @ValueSource(strings = {"eventId", "type", "occurredAt", "userId"})
        void missingRequiredEnvelopeFieldIsNamed(String field) {
            assertRejected(userEvent("login").without(field), Rejection.MISSING_FIELD, field);
        }

        @ParameterizedTest
        @ValueSource(strings = {"eventId", "type", "occurredAt", "userId"})
        void nullRequiredEnvelopeFieldCountsAsMissing(String field) {
            assertRejected(userEvent("login").with(field, null), Rejection.MISSING_FIELD, field);
        }

        @ParameterizedTest
        @ValueSource(strings = {"eventId", "type", "userId"})
        void nonStringOrBlankIdsAreInvalid(String field) {
            assertRejected(userEvent("login").with(field, 42), Rejection.INVALID_FIELD, field);
            assertRejected(userEvent("login").with(field, "  "), Rejection.INVALID_FIELD, field);
        }

        @ParameterizedTest
        @ValueSource(strings = {"delivery_pressure", "merchant_supply"})
        void opsEventsNeedNoUserId(String type) {
            EventJson ops = event(type).with("zone", "z1").with("value", 0.5).with("merchantId", "m1")
                    .with("status", "out");
            BehaviorEvent decoded = accepted(ops);
            assertNull(decoded.envelope().userId());
        }

        @ParameterizedTest
        @ValueSource(strings = {"eventId", "userId"})
        void idsOf128CharactersAreAcceptedAnd129Rejected(String field) {
            String ok = repeat('a', 128);
            BehaviorEvent event = accepted(userEvent("login").with(field, ok));
            assertEquals(ok, field.equals("eventId") ? event.eventId() : event.envelope().userId());

            Rejection rejection = assertRejected(userEvent("login").with(field, repeat('a', 129)),
                    Rejection.INVALID_FIELD, field);
            assertTrue(rejection.message().contains("129"), rejection.message());
        }

        @Test
        void userIdOf129CharactersOnOpsEventIsStillRejected() {
            assertRejected(event("delivery_pressure").with("zone", "z1").with("value", 0.1)
                    .user(repeat('u', 129)), Rejection.INVALID_FIELD, "userId");
        }

        @Test
        void unknownTypeIsRejectedNamingTheType() {
            Rejection rejection = assertRejected(userEvent("page_view"), Rejection.UNKNOWN_TYPE, "type");
            assertTrue(rejection.message().contains("page_view"), rejection.message());
            assertRejected(userEvent("LOGIN"), Rejection.UNKNOWN_TYPE, "type");
        }

        @ParameterizedTest
        @ValueSource(strings = {"2026-11-22 10:00:00", "yesterday", "2026-11-22T10:00:00", "2026-11-22",
                "1763805600", "2026-13-22T10:00:00Z", "22/11/2026 10:00", "-275760-09-13T00:00:00Z"})
        void occurredAtThatIsNotRfc3339IsRejected(String text) {
            Rejection rejection = assertRejected(userEvent("login").at(text), Rejection.INVALID_FIELD, "occurredAt");
            assertTrue(rejection.message().contains(text), rejection.message());
        }

        @Test
        void occurredAtAsNumberIsRejected() {
            assertRejected(userEvent("login").with("occurredAt", 1763805600), Rejection.INVALID_FIELD, "occurredAt");
        }

        @Test
        void occurredAtWithoutSecondsIsRejected() {
            assertRejected(userEvent("login").at("2026-11-22T10:00Z"), Rejection.INVALID_FIELD, "occurredAt");
        }

        @Test
        void offsetsAreAcceptedAndConvertedToTheInstant() {
            assertEquals(Instant.parse("2026-11-22T02:00:00Z"),
                    accepted(userEvent("login").at("2026-11-22T10:00:00+08:00")).occurredAt());
            assertEquals(Instant.parse("2026-11-22T09:30:00.250Z"),
                    accepted(userEvent("login").at("2026-11-22T04:30:00.25-05:00")).occurredAt());
            assertEquals(Instant.parse("2026-11-21T20:00:00Z"),
                    accepted(userEvent("login").at("2026-11-22t04:00:00+08:00")).occurredAt());
        }

        @Test
        void timestampMoreThanFiveMinutesAfterArrivalIsFromTheFuture() {
            assertRejected(userEvent("login").at("2026-11-22T10:05:00.001Z"), Rejection.FUTURE_TIMESTAMP,
                    "occurredAt");
            assertRejected(userEvent("login").at("2026-11-22T18:06:00+08:00"), Rejection.FUTURE_TIMESTAMP,
                    "occurredAt");
        }

        @Test
        void timestampExactlyFiveMinutesAfterArrivalOrInThePastIsAccepted() {
            accepted(userEvent("login").at("2026-11-22T10:05:00Z"));
            accepted(userEvent("login").at("2026-11-22T18:05:00+08:00"));
            accepted(userEvent("login").at("2020-01-01T00:00:00Z"));
        }

        @Test
        void withoutArrivalTimeTheFutureRuleIsNotApplied() {
            Decoded decoded = DECODER.decode(userEvent("login").at("2030-01-01T00:00:00Z").bytes(), null);
            assertInstanceOf(Decoded.Accepted.class, decoded);
        }

        @Test
        void sessionIdMustBeAStringWhenPresent() {
            assertRejected(userEvent("login").with("sessionId", 7), Rejection.INVALID_FIELD, "sessionId");
            assertEquals("s-1", accepted(userEvent("login").session("s-1")).envelope().sessionId());
        }
    }

    // --- type-specific rules ---------------------------------------------------------------------

    @Nested
    class FieldRules {

        private EventJson cartAdd() {
            return userEvent("cart_add").with("itemId", "sku-1").with("price", "9.90").with("quantity", 1);
        }

        static Stream<Arguments> requiredFieldPerType() {
            return Stream.of(
                    Arguments.of(userEvent("page_enter").with("page", "home"), "page"),
                    Arguments.of(userEvent("page_leave").with("page", "home"), "page"),
                    Arguments.of(userEvent("click").with("target", "t"), "target"),
                    Arguments.of(userEvent("cart_add").with("itemId", "i").with("price", 1).with("quantity", 1), "itemId"),
                    Arguments.of(userEvent("cart_add").with("itemId", "i").with("price", 1).with("quantity", 1), "price"),
                    Arguments.of(userEvent("cart_add").with("itemId", "i").with("price", 1).with("quantity", 1), "quantity"),
                    Arguments.of(userEvent("cart_remove").with("itemId", "i"), "itemId"),
                    Arguments.of(userEvent("order_placed").with("orderId", "o").with("amount", 1), "orderId"),
                    Arguments.of(userEvent("order_placed").with("orderId", "o").with("amount", 1), "amount"),
                    Arguments.of(userEvent("order_completed").with("orderId", "o"), "orderId"),
                    Arguments.of(userEvent("coupon_used").with("couponId", "c").with("orderId", "o"), "couponId"),
                    Arguments.of(userEvent("coupon_used").with("couponId", "c").with("orderId", "o"), "orderId"),
                    Arguments.of(userEvent("consent_updated").with("channel", "sms").with("optedIn", true), "channel"),
                    Arguments.of(userEvent("consent_updated").with("channel", "sms").with("optedIn", true), "optedIn"),
                    Arguments.of(userEvent("message_delivered").with("messageId", "m"), "messageId"),
                    Arguments.of(userEvent("message_read").with("messageId", "m"), "messageId"),
                    Arguments.of(userEvent("message_clicked").with("messageId", "m"), "messageId"),
                    Arguments.of(userEvent("transaction").with("amount", 1), "amount"),
                    Arguments.of(event("delivery_pressure").with("zone", "z").with("value", 0.2), "zone"),
                    Arguments.of(event("delivery_pressure").with("zone", "z").with("value", 0.2), "value"),
                    Arguments.of(event("merchant_supply").with("merchantId", "m").with("status", "out"), "merchantId"),
                    Arguments.of(event("merchant_supply").with("merchantId", "m").with("status", "out"), "status"));
        }

        @ParameterizedTest(name = "{0} without {1}")
        @MethodSource("requiredFieldPerType")
        void typeSpecificRequiredFieldIsNamedWhenMissing(EventJson complete, String field) {
            accepted(complete);
            assertRejected(complete.without(field), Rejection.MISSING_FIELD, field);
        }

        @Test
        void cartAddPriceMissingIsRejected() {
            assertRejected(cartAdd().without("price"), Rejection.MISSING_FIELD, "price");
        }

        @ParameterizedTest
        @ValueSource(strings = {"-0.01", "-5"})
        void cartAddNegativePriceIsRejected(String price) {
            assertRejected(cartAdd().with("price", new BigDecimal(price)), Rejection.INVALID_FIELD, "price");
            assertRejected(cartAdd().with("price", price), Rejection.INVALID_FIELD, "price");
        }

        @Test
        void cartAddNonNumericPriceIsRejected() {
            assertRejected(cartAdd().with("price", "twelve"), Rejection.INVALID_FIELD, "price");
            assertRejected(cartAdd().with("price", ""), Rejection.INVALID_FIELD, "price");
            assertRejected(cartAdd().with("price", true), Rejection.INVALID_FIELD, "price");
            assertRejected(cartAdd().with("price", List.of(1)), Rejection.INVALID_FIELD, "price");
        }

        @Test
        void cartAddPriceAsNumericStringIsAccepted() {
            BehaviorEvent.CartAdd add = (BehaviorEvent.CartAdd) accepted(cartAdd().with("price", "12.50"));
            assertEquals(new BigDecimal("12.50"), add.price());
            add = (BehaviorEvent.CartAdd) accepted(cartAdd().with("price", " 7 "));
            assertEquals(0, new BigDecimal("7").compareTo(add.price()));
            add = (BehaviorEvent.CartAdd) accepted(cartAdd().with("price", 0));
            assertEquals(0, BigDecimal.ZERO.compareTo(add.price()), "a free item is allowed");
        }

        @Test
        void moneyAsJsonNumberIsDecodedToItsValue() {
            BehaviorEvent.OrderPlaced order = (BehaviorEvent.OrderPlaced) accepted(
                    "{\"eventId\":\"e1\",\"userId\":\"u1\",\"type\":\"order_placed\","
                            + "\"occurredAt\":\"2026-11-22T10:00:00Z\",\"orderId\":\"o1\",\"amount\":58.00,"
                            + "\"discount\":0}");
            assertEquals(0, new BigDecimal("58.00").compareTo(order.amount()));
            assertEquals(0, BigDecimal.ZERO.compareTo(order.discount()));
        }

        @Test
        void moneyAsJsonNumberKeepsEveryDigit() {
            BehaviorEvent.Transaction deal = (BehaviorEvent.Transaction) accepted(
                    "{\"eventId\":\"e1\",\"userId\":\"u1\",\"type\":\"transaction\","
                            + "\"occurredAt\":\"2026-11-22T10:00:00Z\",\"amount\":1234567890123456.78}");
            assertEquals(new BigDecimal("1234567890123456.78"), deal.amount());
            BehaviorEvent.OrderPlaced order = (BehaviorEvent.OrderPlaced) accepted(
                    "{\"eventId\":\"e1\",\"userId\":\"u1\",\"type\":\"order_placed\","
                            + "\"occurredAt\":\"2026-11-22T10:00:00Z\",\"orderId\":\"o1\",\"amount\":58.00}");
            assertEquals(new BigDecimal("58.00"), order.amount());
        }

        @Test
        void cartAddPriceKeepsDecimalPrecision() {
            BehaviorEvent.CartAdd add = (BehaviorEvent.CartAdd) accepted(
                    "{\"eventId\":\"e1\",\"userId\":\"u1\",\"type\":\"cart_add\",\"occurredAt\":\"2026-11-22T10:00:00Z\","
                            + "\"itemId\":\"i\",\"price\":0.1,\"quantity\":3}");
            assertEquals(new BigDecimal("0.1"), add.price());
            assertEquals(new BigDecimal("0.3"), add.price().multiply(BigDecimal.valueOf(add.quantity())));
        }

        @ParameterizedTest
        @ValueSource(strings = {"0", "-1", "1.5", "\"2\"", "true", "3000000000"})
        void cartAddQuantityMustBeAnIntegerOfAtLeastOne(String quantity) {
            String json = cartAdd().json().replace("\"quantity\":1", "\"quantity\":" + quantity);
            assertRejected(json, Rejection.INVALID_FIELD, "quantity");
        }

        @Test
        void cartAddQuantityMissingIsRejected() {
            assertRejected(cartAdd().without("quantity"), Rejection.MISSING_FIELD, "quantity");
        }

        @Test
        void cartRemoveWithoutQuantityRemovesAllAndWithBadQuantityIsRejected() {
            BehaviorEvent.CartRemove remove = (BehaviorEvent.CartRemove) accepted(
                    userEvent("cart_remove").with("itemId", "sku-1"));
            assertNull(remove.quantity());
            remove = (BehaviorEvent.CartRemove) accepted(userEvent("cart_remove").with("itemId", "sku-1")
                    .with("quantity", null));
            assertNull(remove.quantity());
            assertRejected(userEvent("cart_remove").with("itemId", "sku-1").with("quantity", 0),
                    Rejection.INVALID_FIELD, "quantity");
        }

        @ParameterizedTest
        @ValueSource(doubles = {1.2, -0.1, 1.0000001})
        void deliveryPressureOutside0To1IsRejected(double value) {
            assertRejected(event("delivery_pressure").with("zone", "z1").with("value", value),
                    Rejection.INVALID_FIELD, "value");
        }

        @Test
        void deliveryPressureBoundsAreInclusiveAndStringsRejected() {
            assertEquals(0.0, ((BehaviorEvent.DeliveryPressure) accepted(
                    event("delivery_pressure").with("zone", "z1").with("value", 0))).value());
            assertEquals(1.0, ((BehaviorEvent.DeliveryPressure) accepted(
                    event("delivery_pressure").with("zone", "z1").with("value", 1))).value());
            assertRejected(event("delivery_pressure").with("zone", "z1").with("value", "0.5"),
                    Rejection.INVALID_FIELD, "value");
        }

        @Test
        void merchantSupplyStatusMustBeAKnownWord() {
            Rejection rejection = assertRejected(event("merchant_supply").with("merchantId", "m1")
                    .with("status", "plenty"), Rejection.INVALID_FIELD, "status");
            assertTrue(rejection.message().contains("plenty"), rejection.message());
            assertRejected(event("merchant_supply").with("merchantId", "m1").with("status", "SUFFICIENT"),
                    Rejection.INVALID_FIELD, "status");
            for (BehaviorEvent.Supply supply : BehaviorEvent.Supply.values()) {
                BehaviorEvent.MerchantSupply decoded = (BehaviorEvent.MerchantSupply) accepted(
                        event("merchant_supply").with("merchantId", "m1").with("status", supply.wireName()));
                assertEquals(supply, decoded.status());
            }
        }

        @Test
        void consentOptedInMustBeABoolean() {
            assertRejected(userEvent("consent_updated").with("channel", "sms").with("optedIn", "yes"),
                    Rejection.INVALID_FIELD, "optedIn");
            assertRejected(userEvent("consent_updated").with("channel", "sms").with("optedIn", 1),
                    Rejection.INVALID_FIELD, "optedIn");
            assertTrue(((BehaviorEvent.ConsentUpdated) accepted(userEvent("consent_updated")
                    .with("channel", "sms").with("optedIn", true))).optedIn());
        }

        @Test
        void profileLatitudeAndLongitudeMustBeInRange() {
            assertRejected(userEvent("profile_updated").with("lat", 91), Rejection.INVALID_FIELD, "lat");
            assertRejected(userEvent("profile_updated").with("lat", -90.5), Rejection.INVALID_FIELD, "lat");
            assertRejected(userEvent("profile_updated").with("lon", 180.01), Rejection.INVALID_FIELD, "lon");
            assertRejected(userEvent("profile_updated").with("lat", "41.3"), Rejection.INVALID_FIELD, "lat");
            BehaviorEvent.ProfileUpdated edge = (BehaviorEvent.ProfileUpdated) accepted(
                    userEvent("profile_updated").with("lat", -90).with("lon", 180));
            assertEquals(Map.of("lat", -90.0, "lon", 180.0), edge.fields());
        }

        @Test
        void profileCategoriesMustBeAnArrayOfStrings() {
            assertRejected(userEvent("profile_updated").with("categories", "steel"),
                    Rejection.INVALID_FIELD, "categories");
            assertRejected(userEvent("profile_updated").with("materials", List.of("copper", 3)),
                    Rejection.INVALID_FIELD, "materials");
            assertRejected(userEvent("profile_updated").with("materials", Map.of("a", "b")),
                    Rejection.INVALID_FIELD, "materials");
        }

        @Test
        void profileStringAndBooleanFieldsAreTypeChecked() {
            assertRejected(userEvent("profile_updated").with("phone", 13800000000L), Rejection.INVALID_FIELD,
                    "phone");
            assertRejected(userEvent("profile_updated").with("verified", "true"), Rejection.INVALID_FIELD,
                    "verified");
        }

        @Test
        void profileUpdatedWithNoProfileFieldIsRejected() {
            Rejection rejection = assertRejected(userEvent("profile_updated").session("s1"),
                    Rejection.MISSING_FIELD, null);
            assertTrue(rejection.message().contains("profile"), rejection.message());
        }

        @Test
        void profileExplicitNullIsKeptAsAClearingValue() {
            BehaviorEvent.ProfileUpdated update = (BehaviorEvent.ProfileUpdated) accepted(
                    userEvent("profile_updated").with("email", null).with("lat", null).with("categories", null));
            Map<String, Object> expected = new LinkedHashMap<>();
            expected.put("email", null);
            expected.put("lat", null);
            expected.put("categories", null);
            assertEquals(expected, update.fields());
        }
    }

    // --- unknown fields --------------------------------------------------------------------------

    @Nested
    class UnknownFields {

        @Test
        void unknownExtraFieldsAreKeptInTheEnvelope() {
            BehaviorEvent event = accepted(userEvent("cart_add").with("itemId", "sku-1").with("price", "1.00")
                    .with("quantity", 1).with("appVersion", "5.2.0").with("abBucket", 3)
                    .with("flags", List.of("a", "b")).with("device", Map.of("os", "ios")).with("beta", true));
            assertEquals(Map.of("appVersion", "5.2.0", "abBucket", 3, "flags", List.of("a", "b"),
                    "device", Map.of("os", "ios"), "beta", true), event.envelope().extras());
        }

        @Test
        void knownFieldsAreNotExtras() {
            BehaviorEvent event = accepted(userEvent("page_enter").session("s1").with("page", "home")
                    .with("merchantId", "m1").with("itemId", "i1"));
            assertEquals(Map.of(), event.envelope().extras());
        }

        @Test
        void fieldsOfAnotherTypeAreExtrasForThisOne() {
            BehaviorEvent event = accepted(userEvent("login").with("page", "home"));
            assertEquals(Map.of("page", "home"), event.envelope().extras());
        }

        @Test
        void unknownProfileFieldsAreKeptInFieldsNotExtras() {
            BehaviorEvent.ProfileUpdated update = (BehaviorEvent.ProfileUpdated) accepted(
                    userEvent("profile_updated").with("name", "Li Lei").with("tradeFrequency", 12)
                            .with("preferences", Map.of("quiet", true)));
            assertEquals(Map.of("name", "Li Lei", "tradeFrequency", 12, "preferences", Map.of("quiet", true)),
                    update.fields());
            assertEquals(Map.of(), update.envelope().extras());
        }

        @Test
        void opsEventsKeepExtrasToo() {
            BehaviorEvent event = accepted(event("delivery_pressure").with("zone", "z1").with("value", 0.3)
                    .with("riders", 42));
            assertEquals(Map.of("riders", 42), event.envelope().extras());
        }
    }
}
