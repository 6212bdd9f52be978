package dev.winback.core.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@link Subject#copy}: what the in-memory store hands out instead of decoding bytes, so it must equal
 * the codec's round trip exactly (bytes and the types of untyped profile values) and share nothing
 * that can change.
 */
class StateCopyTest {

    @Test
    void theFullFixtureSetsEveryField() throws IllegalAccessException {
        // A field added to a state but not to the fixture would escape the checks below.
        UserState user = full();
        assertEverySet(user, UserState.class);
        assertEverySet(user, Subject.class);
        assertEverySet(user.session, Session.class);
        OpsState ops = ops();
        assertEverySet(ops, OpsState.class);
    }

    @Test
    void aCopyEqualsWhatTheStoreGivesBack() {
        assertSameAsRoundTrip(full());
        assertSameAsRoundTrip(ops());
    }

    @Test
    void emptyTextsAndSubMillisecondTimesAreCopiedAsTheStoreKeepsThem() {
        UserState user = full();
        user.userId = "";
        user.session.lastPage = "";
        user.session.id = "";
        user.lastSeenAt = Instant.parse("2026-11-22T10:00:03.206999999Z");
        user.journeys.put("winback", new JourneyProgress(Instant.parse("2026-11-20T01:02:03.000000500Z"), "",
                Duration.ofNanos(1_500_000_123), null, ""));
        UserState copy = assertSameAsRoundTrip(user);
        assertEquals(null, copy.userId);
        assertEquals(Instant.parse("2026-11-22T10:00:03.206Z"), copy.lastSeenAt);
    }

    @Test
    void untypedProfileValuesComeBackWithTheTypesDecodingGives() {
        UserState user = full();
        user.profile.put("exactInFloat", 4.5);           // written as a float: decodes as Float
        user.profile.put("notExactInFloat", 31.2304);     // stays a Double
        user.profile.put("smallLong", 12L);              // decodes as Integer
        user.profile.put("bigLong", 1L << 40);
        user.profile.put("flag", true);
        user.profile.put("decimal", new BigDecimal("1.10"));
        user.profile.put("tags", List.of("a", "b"));
        assertSameAsRoundTrip(user);
    }

    @Test
    void nestedProfileValuesComeBackAsDecodingGivesThem() {
        UserState user = full();
        user.profile.put("features", new TreeMap<>(Map.of("monthlyTonnes", 82L, "tradeFrequency", 3.4, "ratio", 0.5)));
        user.profile.put("scores", java.util.Arrays.asList(1, 2.5, null, List.of("x"), Map.of("deep", 1.25)));
        assertSameAsRoundTrip(user);
    }

    @Test
    void profileValuesNotModelledTakeTheCodecsPath() {
        UserState user = full();
        user.profile.put("big", new java.math.BigInteger("123456789012345678901234567890"));
        user.profile.put("nested", Map.of("huge", new java.math.BigInteger("98765432109876543210")));
        assertSameAsRoundTrip(user);
        assertEquals(StoredForm.UNMODELLED, StoredForm.profileValue(user.profile.get("big")));
    }

    @Test
    void randomStatesCopyAsTheyRoundTrip() {
        Random random = new Random(7);
        for (int i = 0; i < 2_000; i++) {
            UserState user = full();
            user.lastActiveAt = Instant.ofEpochSecond(1_790_000_000L + random.nextInt(1_000_000), random.nextInt(1_000_000_000));
            user.session.watchedEnteredAt.put("p" + random.nextInt(5), Instant.ofEpochSecond(1_790_000_000L, random.nextInt(1_000_000_000)));
            double value = random.nextBoolean() ? random.nextInt(1000) / 8.0 : random.nextDouble() * 1000;
            user.profile.put("score", value);
            user.profile.put("count", random.nextBoolean() ? (Object) random.nextLong() : (Object) (long) random.nextInt());
            user.timeToOrder.put("checkout", new Tally(random.nextInt(100), value));
            assertSameAsRoundTrip(user);
        }
    }

    @Test
    void aCopySharesNothingThatChanges() {
        UserState user = full();
        byte[] before = StateCodec.toBytes(user);
        UserState copy = user.copy();

        copy.profile.put("phone", "+8613900000000");
        copy.consent.put("sms", false);
        copy.session.watchedEnteredAt.put("checkout", Instant.parse("2026-11-22T12:00:00Z"));
        copy.session.pagesViewed++;
        copy.cart.clear();
        copy.ordersByDay.clear();
        copy.timeToOrder.clear();
        copy.loginsByDay.clear();
        copy.tags.add("changed");
        copy.journeys.clear();
        copy.remember("another-event", 50);

        assertArrayEquals(before, StateCodec.toBytes(user));
        assertNotSame(user.session, copy.session);
        assertFalse(user.hasSeen("another-event"));
        assertTrue(copy.hasSeen("another-event"));
    }

    private static <T extends Subject> T assertSameAsRoundTrip(T state) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) state.getClass();
        T decoded = StateCodec.fromBytes(StateCodec.toBytes(state), type);
        @SuppressWarnings("unchecked")
        T copy = (T) state.copy();
        assertArrayEquals(StateCodec.toBytes(decoded), StateCodec.toBytes(copy));
        assertEquals(StateCodec.toJson(decoded), StateCodec.toJson(copy));
        if (decoded instanceof UserState read) {
            Map<String, Object> profile = ((UserState) copy).profile;
            read.profile.forEach((name, value) -> assertSameTypes(name, value, profile.get(name)));
        }
        return copy;
    }

    private static void assertSameTypes(String path, Object expected, Object actual) {
        assertEquals(expected == null ? null : expected.getClass(), actual == null ? null : actual.getClass(), path);
        if (expected instanceof Map<?, ?> map) {
            map.forEach((key, value) -> assertSameTypes(path + "." + key, value, ((Map<?, ?>) actual).get(key)));
        } else if (expected instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                assertSameTypes(path + "[" + i + "]", list.get(i), ((List<?>) actual).get(i));
            }
        }
    }

    private static UserState full() {
        UserState user = UserState.newUser("u-1");
        user.profile.put("phone", "+8613800000000");
        user.profile.put("lat", 31.2304);
        user.consent.put("push", true);
        user.registeredAt = Instant.parse("2026-10-01T08:00:00.123Z");
        user.lastLoginAt = Instant.parse("2026-11-22T08:00:00Z");
        user.lastLogoutAt = Instant.parse("2026-11-22T08:30:00Z");
        user.lastSeenAt = Instant.parse("2026-11-22T09:00:00Z");
        user.lastActiveAt = Instant.parse("2026-11-22T09:00:00.000250Z");
        Session session = Session.startingAt("s-1", Instant.parse("2026-11-22T08:55:00Z"));
        session.pagesViewed = 4;
        session.lastPage = "checkout";
        session.leftApp = true;
        session.leftAt = Instant.parse("2026-11-22T09:00:00Z");
        session.converted = true;
        session.watchedEnteredAt.put("checkout", Instant.parse("2026-11-22T08:58:00.5Z"));
        user.session = session;
        user.cart.add(new CartLine("sku-1", new BigDecimal("12.50"), 2, "m-1"));
        user.cart.add(new CartLine("sku-2", new BigDecimal("3.00"), 1, null));
        user.orders = 3;
        user.spend = new BigDecimal("120.40");
        user.firstOrderAt = Instant.parse("2026-10-02T08:00:00Z");
        user.lastOrderAt = Instant.parse("2026-11-20T08:00:00Z");
        user.ordersCompleted = 2;
        user.couponsUsed = 1;
        user.lastOrderAmount = new BigDecimal("40.00");
        user.discounts = new BigDecimal("5.00");
        user.clicks = 9;
        user.lastClickAt = Instant.parse("2026-11-22T08:59:00Z");
        user.ordersByDay.put(LocalDate.parse("2026-11-20"), new DayOrders(1, new BigDecimal("40.00")));
        user.timeToOrder.put("checkout", new Tally(2, 91_000.5));
        user.pagesPerConvertingSession = new Tally(3, 14);
        user.loginsByDay.put(LocalDate.parse("2026-11-22"), 2);
        user.messagesDelivered = 5;
        user.messagesRead = 4;
        user.messagesClicked = 1;
        user.lastMessageClickAt = Instant.parse("2026-11-21T08:00:00Z");
        user.transactions = 1;
        user.transactionAmount = new BigDecimal("999.99");
        user.lastDealAt = Instant.parse("2026-11-19T08:00:00Z");
        user.dormantFrom = LocalDate.parse("2026-12-22");
        user.tags.add("high_value");
        user.journeys.put("onboarding", new JourneyProgress(Instant.parse("2026-10-01T08:00:00Z"), "day7",
                Duration.ofDays(7), null, null));
        user.journeys.put("welcome", new JourneyProgress(Instant.parse("2026-10-01T08:00:00Z"), null, null,
                Instant.parse("2026-10-02T08:00:00Z"), JourneyProgress.COMPLETED));
        user.remember("e-1", 50);
        user.remember("e-2", 50);
        return user;
    }

    private static OpsState ops() {
        OpsState ops = new OpsState();
        ops.zone = "z-1";
        ops.deliveryPressure = 0.85;
        ops.merchantId = "m-1";
        ops.supply = "tight";
        ops.updatedAt = Instant.parse("2026-11-22T09:00:00.000001Z");
        ops.remember("e-9", 50);
        return ops;
    }

    private static void assertEverySet(Object state, Class<?> declaring) throws IllegalAccessException {
        List<String> unset = new ArrayList<>();
        for (Field field : declaring.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            field.setAccessible(true);
            Object value = field.get(state);
            boolean isDefault = value == null || Boolean.FALSE.equals(value)
                    || value instanceof Number number && number.doubleValue() == 0
                    || value instanceof Collection<?> collection && collection.isEmpty()
                    || value instanceof Map<?, ?> map && map.isEmpty()
                    || value instanceof byte[] bytes && bytes.length == 0
                    || value == Tally.EMPTY;
            if (isDefault) {
                unset.add(field.getName());
            }
        }
        assertEquals(List.of(), unset, "fields the fixture leaves at their default in " + declaring.getSimpleName());
    }
}
