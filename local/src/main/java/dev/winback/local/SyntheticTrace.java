package dev.winback.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A seeded, realistic behavior trace: app sessions with page flows, carts, orders and logins, the
 * shape production streams have. Used by benchmarks and tests; the same seed gives the same trace.
 *
 * <p>Kept as it is so the published benchmark figures stay comparable; for realistic traces of any
 * size (archetypes, time of day, ops, B2B campaigns, streamed) use
 * {@link dev.winback.local.trace.TraceGenerator} ({@code ./winback generate}).
 */
public final class SyntheticTrace {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] PAGES = {"home", "merchant", "product", "coupon", "search"};

    private final Random random;
    private final Instant start;
    private long eventCounter;

    public SyntheticTrace(long seed, Instant start) {
        this.random = new Random(seed);
        this.start = start;
    }

    /** Sessions of {@code users} users, interleaved the way a stream sees them, in time order. */
    public List<String> sessions(int users, int sessionsPerUser) {
        List<TimedLine> lines = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String userId = "u-" + (100_000 + u);
            Instant at = start.plusSeconds(random.nextInt(3600));
            lines.add(line(at, event(userId, "profile_updated", at).put("zone", "zone-" + random.nextInt(20))
                    .put("timezone", "Asia/Shanghai").put("phone", "+8613" + (100_000_000 + random.nextInt(899_999_999)))
                    .put("email", userId + "@example.com")));
            for (int s = 0; s < sessionsPerUser; s++) {
                at = session(lines, userId, "s-" + userId + "-" + s, at);
                at = at.plus(Duration.ofMinutes(40 + random.nextInt(600)));
            }
        }
        lines.sort((a, b) -> a.at.compareTo(b.at));
        return lines.stream().map(TimedLine::json).toList();
    }

    private Instant session(List<TimedLine> lines, String userId, String sessionId, Instant at) {
        lines.add(line(at, event(userId, "app_open", at).put("sessionId", sessionId)));
        at = at.plusSeconds(1);
        lines.add(line(at, event(userId, "login", at).put("sessionId", sessionId)));
        int pages = 2 + random.nextInt(6);
        String merchant = "m-" + random.nextInt(200);
        for (int p = 0; p < pages; p++) {
            at = at.plusSeconds(3 + random.nextInt(40));
            String page = PAGES[random.nextInt(PAGES.length)];
            lines.add(line(at, event(userId, "page_enter", at).put("sessionId", sessionId).put("page", page)
                    .put("merchantId", merchant)));
            if (page.equals("product") && random.nextInt(3) > 0) {
                at = at.plusSeconds(2 + random.nextInt(20));
                lines.add(line(at, event(userId, "cart_add", at).put("sessionId", sessionId)
                        .put("itemId", "i-" + random.nextInt(5000)).put("price", (500 + random.nextInt(4500)) / 100.0)
                        .put("quantity", 1 + random.nextInt(3)).put("merchantId", merchant)));
            }
        }
        at = at.plusSeconds(5 + random.nextInt(30));
        lines.add(line(at, event(userId, "page_enter", at).put("sessionId", sessionId).put("page", "order")));
        if (random.nextInt(10) < 4) {
            at = at.plusSeconds(10 + random.nextInt(60));
            lines.add(line(at, event(userId, "order_placed", at).put("sessionId", sessionId)
                    .put("orderId", "o-" + eventCounter).put("amount", (1500 + random.nextInt(10_000)) / 100.0)
                    .put("merchantId", merchant)));
        }
        at = at.plusSeconds(5 + random.nextInt(30));
        lines.add(line(at, event(userId, "app_leave", at).put("sessionId", sessionId)));
        return at;
    }

    private ObjectNode event(String userId, String type, Instant at) {
        ObjectNode node = JSON.createObjectNode();
        node.put("eventId", "ev-" + (eventCounter++));
        node.put("userId", userId);
        node.put("type", type);
        node.put("occurredAt", at.toString());
        return node;
    }

    private static TimedLine line(Instant at, ObjectNode node) {
        return new TimedLine(at, node.toString());
    }

    private record TimedLine(Instant at, String json) {
    }
}
