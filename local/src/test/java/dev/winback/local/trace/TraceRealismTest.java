package dev.winback.local.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two weeks of 1,000 consumers and 1,500 traders with 30 campaigns, read back the way an analyst
 * would: the behaviour the generator promises shows up in its output, and the output is consistent
 * with itself (carts add up to orders, coupons and completions refer to real orders, campaign
 * answers come from users a campaign could have reached).
 */
class TraceRealismTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = TraceGeneratorTest.START;
    private static final int DAYS = 14;

    private static Stats stats;

    @BeforeAll
    static void readTrace() throws Exception {
        TraceGenerator generator = new TraceGenerator(TraceSettings.of(11, START, DAYS, 1000, 1500, 30, null, null));
        stats = new Stats();
        String line;
        while ((line = generator.nextLine()) != null) {
            stats.add(JSON.readTree(line));
        }
        stats.finish();
    }

    @Test
    void sessionsFollowTheDayInTheUsersOwnTimeZone() {
        double night = stats.share(stats.opensByLocalHour, 1, 6);
        double evening = stats.share(stats.opensByLocalHour, 18, 22);
        assertTrue(night < 0.05, "01:00-06:00 local is quiet: " + night);
        assertTrue(evening > 0.2, "18:00-22:00 local is the peak: " + evening);
        assertTrue(stats.timeZones.size() >= 3, "users in several time zones: " + stats.timeZones);
    }

    @Test
    void someUsersStopLoggingInForGood() {
        int early = 0;
        int lapsed = 0;
        for (Map.Entry<String, int[]> user : stats.loginDays.entrySet()) {
            int first = user.getValue()[0];
            int last = user.getValue()[1];
            if (first < 3) {
                early++;
                lapsed += last < DAYS / 2 ? 1 : 0;
            }
        }
        double share = lapsed / (double) early;
        assertTrue(share > 0.10 && share < 0.30, "about a sixth of the early users lapse: " + share);
    }

    @Test
    void newcomersRegisterAndSomeNeverOrder() {
        int registered = stats.registered.size();
        int withOrder = 0;
        for (String user : stats.registered) {
            withOrder += stats.ordersByUser.containsKey(user) ? 1 : 0;
        }
        assertTrue(registered > 80 && registered < 160, "about 12 % of 1,000 register: " + registered);
        assertTrue(withOrder > registered / 4 && registered - withOrder > registered / 4,
                "some order, some do not: " + withOrder + " of " + registered);
    }

    @Test
    void cartsAreAbandonedAndOrdersTakeAPlausibleTime() {
        double abandoned = stats.sessionsWithCartNoOrder / (double) stats.consumerSessions;
        double ordering = stats.sessionsWithOrder / (double) stats.consumerSessions;
        assertTrue(abandoned > 0.15, "sessions that leave a cart behind: " + abandoned);
        assertTrue(ordering > 0.10 && ordering < 0.35, "sessions that order: " + ordering);
        List<Long> times = new ArrayList<>(stats.secondsToOrder);
        times.sort(null);
        long median = times.get(times.size() / 2);
        double overTimer = times.stream().filter(s -> s > 45).count() / (double) times.size();
        assertTrue(median >= 20 && median <= 60, "median time from the order page to the order: " + median + " s");
        assertTrue(overTimer > 0.15 && overTimer < 0.5, "orders slower than the 45 s order-page timer: " + overTimer);
    }

    @Test
    void ordersAreConsistentWithCartsCouponsAndDeliveries() {
        assertTrue(stats.ordersChecked > 1000, "orders: " + stats.ordersChecked);
        assertEquals(List.of(), stats.inconsistencies, "orders equal the cart the events built");
        assertTrue(stats.couponsUsed > 50 && stats.completed > stats.ordersChecked * 9 / 10,
                stats.couponsUsed + " coupons, " + stats.completed + " completed");
        double optedOut = stats.optedOut.size() / 1000.0;
        assertTrue(optedOut > 0.015 && optedOut < 0.08, "a few users opt out of a channel: " + optedOut);
    }

    @Test
    void deliveryPressurePeaksAtDinnerAndMerchantsRunShort() {
        double dinner = stats.pressureDinner[0] / stats.pressureDinner[1];
        double night = stats.pressureNight[0] / stats.pressureNight[1];
        assertTrue(dinner > night + 0.2, "dinner " + dinner + " vs night " + night);
        assertTrue(stats.pressureAboveGate > 0, "some zones cross the 0.8 gate");
        assertTrue(stats.supply.getOrDefault("tight", 0) > 0 && stats.supply.getOrDefault("out", 0) > 0, stats.supply.toString());
    }

    @Test
    void campaignAnswersComeFromReachableUsersAndFallWithDistance() {
        assertEquals(30, stats.campaigns.size());
        assertEquals(Set.of(), stats.unreachableAnswers, "answers only from the campaign's role, category and radius");
        int[] near = stats.byDistance[0];
        int[] far = stats.byDistance[3];
        assertTrue(near[0] > 200 && far[0] > 200, "enough reachable users: " + near[0] + ", " + far[0]);
        double nearClicks = near[2] / (double) near[0];
        double farClicks = far[2] / (double) far[0];
        double nearDeals = near[3] / (double) near[0];
        double farDeals = far[3] / (double) far[0];
        assertTrue(nearClicks > farClicks * 1.2, "clicks fall with distance: " + nearClicks + " vs " + farClicks);
        assertTrue(nearDeals > farDeals * 2, "deals fall with distance: " + nearDeals + " vs " + farDeals);
        assertTrue(stats.campaignDealsAtTheSite > 20, "deals at the campaign's site: " + stats.campaignDealsAtTheSite);
    }

    /** Everything the tests look at, gathered in one pass over the trace. */
    private static final class Stats {
        final Map<String, String> timeZones = new HashMap<>();
        final int[] opensByLocalHour = new int[24];
        final Map<String, int[]> loginDays = new HashMap<>();
        final Set<String> registered = new HashSet<>();
        final Map<String, Integer> ordersByUser = new HashMap<>();
        final Map<String, Set<String>> sessionTypes = new HashMap<>();
        final Map<String, Instant> orderPageEntered = new HashMap<>();
        final List<Long> secondsToOrder = new ArrayList<>();
        final Map<String, Map<String, BigDecimal[]>> carts = new HashMap<>();
        final Map<String, Instant> placed = new HashMap<>();
        final Map<String, String> couponOfOrder = new HashMap<>();
        final List<String> inconsistencies = new ArrayList<>();
        final Set<String> optedOut = new HashSet<>();
        final Map<String, Integer> supply = new HashMap<>();
        final double[] pressureDinner = new double[2];
        final double[] pressureNight = new double[2];
        final Map<String, JsonNode> traders = new HashMap<>();
        final Map<String, JsonNode> campaigns = new HashMap<>();
        final Map<String, int[]> answers = new HashMap<>(); // messageId -> read, click, deal
        final Set<String> unreachableAnswers = new HashSet<>();
        final int[][] byDistance = new int[4][4]; // quarter of the radius -> reachable, read, click, deal
        int consumerSessions;
        int sessionsWithCartNoOrder;
        int sessionsWithOrder;
        int ordersChecked;
        int couponsUsed;
        int completed;
        int pressureAboveGate;
        int campaignDealsAtTheSite;

        void add(JsonNode e) {
            String type = e.get("type").asText();
            Instant at = Instant.parse(e.get("occurredAt").asText());
            String user = e.path("userId").asText(null);
            String session = e.path("sessionId").asText(null);
            if (user != null && user.startsWith("u-") && session != null) {
                sessionTypes.computeIfAbsent(session, s -> new HashSet<>()).add(type);
            }
            switch (type) {
                case "profile_updated" -> {
                    if (e.has("timezone")) {
                        timeZones.put(user, e.get("timezone").asText());
                    }
                    if (e.has("role")) {
                        traders.put(user, e);
                    }
                }
                case "app_open" -> {
                    if (user.startsWith("u-")) {
                        ZoneId zone = ZoneId.of(timeZones.getOrDefault(user, "Asia/Shanghai"));
                        opensByLocalHour[at.atZone(zone).getHour()]++;
                    }
                }
                case "login" -> {
                    if (user.startsWith("u-")) {
                        int day = (int) Duration.between(START, at).toDays();
                        loginDays.merge(user, new int[] {day, day}, (a, b) -> new int[] {Math.min(a[0], day), Math.max(a[1], day)});
                    }
                }
                case "register" -> registered.add(user);
                case "page_enter" -> {
                    if (e.get("page").asText().equals("order")) {
                        orderPageEntered.put(session, at);
                    }
                }
                case "cart_add" -> carts.computeIfAbsent(user, u -> new HashMap<>()).merge(e.get("itemId").asText(),
                        new BigDecimal[] {new BigDecimal(e.get("price").asText()), BigDecimal.valueOf(e.get("quantity").asInt())},
                        (a, b) -> new BigDecimal[] {a[0], a[1].add(b[1])});
                case "cart_remove" -> {
                    Map<String, BigDecimal[]> cart = carts.getOrDefault(user, Map.of());
                    BigDecimal[] line = cart.get(e.get("itemId").asText());
                    if (line == null) {
                        inconsistencies.add("removed an item not in the cart: " + e);
                    } else if (e.has("quantity") && line[1].intValue() > e.get("quantity").asInt()) {
                        line[1] = line[1].subtract(BigDecimal.valueOf(e.get("quantity").asInt()));
                    } else {
                        cart.remove(e.get("itemId").asText());
                    }
                }
                case "order_placed" -> {
                    ordersChecked++;
                    ordersByUser.merge(user, 1, Integer::sum);
                    BigDecimal value = BigDecimal.ZERO;
                    for (BigDecimal[] line : carts.getOrDefault(user, Map.of()).values()) {
                        value = value.add(line[0].multiply(line[1]));
                    }
                    if (value.compareTo(new BigDecimal(e.get("amount").asText())) != 0) {
                        inconsistencies.add("order of " + e.get("amount").asText() + " for a cart of " + value);
                    }
                    carts.remove(user);
                    String orderId = e.get("orderId").asText();
                    placed.put(orderId, at);
                    if (e.has("couponId")) {
                        couponOfOrder.put(orderId, e.get("couponId").asText());
                        if (new BigDecimal(e.get("discount").asText()).signum() <= 0) {
                            inconsistencies.add("a coupon without a discount: " + e);
                        }
                    }
                    if (orderPageEntered.containsKey(session)) {
                        secondsToOrder.add(Duration.between(orderPageEntered.get(session), at).toSeconds());
                    } else {
                        inconsistencies.add("an order without the order page: " + e);
                    }
                }
                case "coupon_used" -> {
                    couponsUsed++;
                    String orderId = e.get("orderId").asText();
                    if (!e.get("couponId").asText().equals(couponOfOrder.get(orderId))) {
                        inconsistencies.add("coupon_used for an order that did not use it: " + e);
                    }
                }
                case "order_completed" -> {
                    completed++;
                    Instant orderedAt = placed.get(e.get("orderId").asText());
                    long minutes = orderedAt == null ? -1 : Duration.between(orderedAt, at).toMinutes();
                    if (minutes < 12 || minutes > 180) {
                        inconsistencies.add("completed " + minutes + " min after the order: " + e);
                    }
                }
                case "consent_updated" -> {
                    if (!e.get("optedIn").asBoolean()) {
                        optedOut.add(user);
                    }
                }
                case "delivery_pressure" -> {
                    double value = e.get("value").asDouble();
                    int hour = at.atZone(ZoneId.of("Asia/Shanghai")).getHour();
                    double[] bucket = hour == 18 ? pressureDinner : hour >= 2 && hour < 5 ? pressureNight : null;
                    if (bucket != null) {
                        bucket[0] += value;
                        bucket[1]++;
                    }
                    pressureAboveGate += value >= 0.8 ? 1 : 0;
                }
                case "merchant_supply" -> supply.merge(e.get("status").asText(), 1, Integer::sum);
                case "site_campaign" -> campaigns.put(e.get("campaignId").asText(), e);
                case "message_read", "message_clicked" -> answer(e.get("messageId").asText(), type.equals("message_read") ? 0 : 1);
                case "transaction" -> {
                    if (e.has("messageId")) {
                        answer(e.get("messageId").asText(), 2);
                        String campaignId = dev.winback.core.geo.CampaignMessageIds.campaignOf(
                                e.get("messageId").asText(), e.get("userId").asText());
                        if (campaigns.get(campaignId).get("siteId").asText().equals(e.get("siteId").asText())) {
                            campaignDealsAtTheSite++;
                        }
                    }
                }
                default -> {
                }
            }
        }

        private void answer(String messageId, int step) {
            if (messageId.startsWith(dev.winback.core.geo.CampaignMessageIds.PREFIX)) {
                answers.computeIfAbsent(messageId, m -> new int[3])[step]++;
            }
        }

        void finish() {
            for (Set<String> types : sessionTypes.values()) {
                consumerSessions++;
                sessionsWithOrder += types.contains("order_placed") ? 1 : 0;
                sessionsWithCartNoOrder += types.contains("cart_add") && !types.contains("order_placed") ? 1 : 0;
            }
            for (JsonNode campaign : campaigns.values()) {
                String role = campaign.get("kind").asText().equals("purchase") ? "supplier" : "buyer";
                double radius = campaign.path("radiusKm").asDouble(50);
                Set<String> categories = new HashSet<>();
                campaign.get("categories").forEach(c -> categories.add(c.asText()));
                for (Map.Entry<String, JsonNode> trader : traders.entrySet()) {
                    JsonNode profile = trader.getValue();
                    String messageId = dev.winback.core.geo.CampaignMessageIds.of(campaign.get("campaignId").asText(), trader.getKey());
                    double km = City.distanceKm(profile.get("lat").asDouble(), profile.get("lon").asDouble(),
                            campaign.get("lat").asDouble(), campaign.get("lon").asDouble());
                    boolean sharesCategory = false;
                    for (JsonNode c : profile.get("categories")) {
                        sharesCategory |= categories.contains(c.asText());
                    }
                    boolean reachable = profile.get("role").asText().equals(role) && sharesCategory && km <= radius;
                    int[] answer = answers.get(messageId);
                    if (!reachable) {
                        if (answer != null) {
                            unreachableAnswers.add(messageId);
                        }
                        continue;
                    }
                    int[] bucket = byDistance[Math.min(3, (int) (4 * km / radius))];
                    bucket[0]++;
                    if (answer != null) {
                        bucket[1] += answer[0] > 0 ? 1 : 0;
                        bucket[2] += answer[1] > 0 ? 1 : 0;
                        bucket[3] += answer[2] > 0 ? 1 : 0;
                    }
                }
            }
        }

        double share(int[] byHour, int from, int to) {
            int total = 0;
            int in = 0;
            for (int h = 0; h < 24; h++) {
                total += byHour[h];
                in += h >= from && h < to ? byHour[h] : 0;
            }
            return in / (double) total;
        }
    }
}
