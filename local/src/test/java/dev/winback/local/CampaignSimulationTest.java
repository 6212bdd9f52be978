package dev.winback.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.geo.CampaignMessageIds;
import dev.winback.core.policy.PolicyLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * D1–D8 in the simulator: traders' profiles build the directory, a {@code site_campaign} line is planned
 * and sent by the same code as CampaignFunction and CampaignSendFunction, the decisions are
 * {@code campaign:<id>}, channels follow verification (D5), and the traders' reads, clicks and deals
 * come back into the campaign's report (D7–D8).
 */
class CampaignSimulationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double SITE_LAT = 41.30;
    private static final double SITE_LON = 123.75;

    @Test
    void aSiteCampaignReachesNearbySuppliersByTheirChannelsAndCountsTheirAnswers(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        int n = 0;
        for (int i = 0; i < 40; i++) { // suppliers within ~20 km of the site, every other one verified
            lines.add(profile("p" + n++, "s-" + i, "supplier", i % 2 == 0, SITE_LAT + (i % 7 - 3) * 0.03,
                    SITE_LON + (i % 5 - 2) * 0.04, i));
        }
        for (int i = 0; i < 5; i++) { // buyers next door, and suppliers 300 km away: never targets of a purchase
            lines.add(profile("p" + n++, "b-" + i, "buyer", true, SITE_LAT, SITE_LON, i));
            lines.add(profile("p" + n++, "far-" + i, "supplier", true, SITE_LAT + 2.7, SITE_LON, i));
        }
        lines.add("{\"eventId\":\"c-1\",\"type\":\"site_campaign\",\"occurredAt\":\"2026-10-23T02:00:00Z\","
                + "\"campaignId\":\"c-1023\",\"kind\":\"purchase\",\"siteId\":\"site-bx\",\"siteName\":\"本溪溪湖中心基地\","
                + "\"lat\":41.30,\"lon\":123.75,\"radiusKm\":50,\"categories\":[\"废钢\"],"
                + "\"prices\":[{\"material\":\"重废一\",\"price\":3200,\"change\":-30},{\"material\":\"钢筋切粒\",\"price\":2830,\"change\":40}],"
                + "\"link\":\"https://example.com/c/1023\",\"priceDate\":\"2026-10-23\"}");
        Path trace = dir.resolve("trace.jsonl");
        Files.write(trace, lines);

        Map<String, JsonNode> first = campaignDecisions(run(trace, dir.resolve("first")));
        assertFalse(first.isEmpty(), "the campaign has targets");
        for (JsonNode d : first.values()) {
            String user = d.get("userId").asText();
            assertTrue(user.startsWith("s-"), "only nearby suppliers are targets: " + user);
            assertEquals("sent", d.get("outcome").asText());
            assertEquals(CampaignMessageIds.of("c-1023", user), d.get("decisionId").asText());
            int i = Integer.parseInt(user.substring(2));
            List<String> channels = new ArrayList<>();
            d.get("channels").forEach(c -> channels.add(c.asText()));
            assertEquals(i % 2 == 0 ? List.of("sms", "wechat", "inbox") : List.of("sms", "call"), channels, user);
        }
        List<String> sends = Files.readAllLines(dir.resolve("first/sends.jsonl"));
        assertTrue(sends.stream().anyMatch(s -> s.contains("10月23日本溪溪湖中心基地:重废一3200跌30、钢筋切粒2830涨40,详见:https://example.com/c/1023")),
                "the D6 message");

        // The same trace with answers from three of the targets: the plan is the same (the id seeds it).
        List<String> targets = new ArrayList<>(first.keySet());
        lines.add(feedback("f1", targets.get(0), "message_read", "2026-10-23T03:00:00Z", ""));
        lines.add(feedback("f2", targets.get(0), "message_clicked", "2026-10-23T03:01:00Z", ""));
        lines.add(feedback("f3", targets.get(0), "transaction", "2026-10-23T09:00:00Z", ",\"amount\":\"32000\",\"siteId\":\"site-bx\""));
        lines.add(feedback("f4", targets.get(1), "message_read", "2026-10-23T04:00:00Z", ""));
        lines.add(feedback("f5", targets.get(2), "message_clicked", "2026-10-23T05:00:00Z", ""));
        Files.write(trace, lines);
        Path out = run(trace, dir.resolve("second"));

        assertEquals(first.keySet(), campaignDecisions(out).keySet());
        JsonNode report = JSON.readTree(Files.readAllLines(out.resolve(SimulatedCampaigns.FILE)).getFirst());
        assertEquals("c-1023", report.get("campaignId").asText());
        assertEquals(first.size(), report.get("targets").asInt());
        assertEquals(first.size(), report.get("reached").asInt());
        assertEquals(3, report.get("read").asInt(), "a click counts as a read");
        assertEquals(2, report.get("clicked").asInt());
        assertEquals(1, report.get("transacted").asInt());
        assertEquals(3.0 / first.size(), report.get("potentialCustomerShare").asDouble(), 1e-9);
    }

    private static Path run(Path trace, Path out) throws Exception {
        new Simulation(PolicyLoader.defaults(), 100, Clock.systemUTC()).run(trace, out);
        return out;
    }

    private static Map<String, JsonNode> campaignDecisions(Path out) throws Exception {
        Map<String, JsonNode> byUser = new TreeMap<>();
        for (String text : Files.readAllLines(out.resolve("decisions.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode d = JSON.readTree(text);
            if (d.get("trigger").asText().equals("campaign:c-1023")) {
                byUser.put(d.get("userId").asText(), d);
            }
        }
        return byUser;
    }

    private static String profile(String eventId, String user, String role, boolean verified, double lat, double lon, int i) {
        ObjectNode e = JSON.createObjectNode();
        e.put("eventId", eventId).put("userId", user).put("type", "profile_updated")
                .put("occurredAt", Instant.parse("2026-10-22T02:00:00Z").plusSeconds(i).toString())
                .put("name", "Trader " + user).put("phone", "+861380000" + String.format("%04d", Math.abs(user.hashCode()) % 10000))
                .put("role", role).put("verified", verified).put("lat", lat).put("lon", lon)
                .put("timezone", "Asia/Shanghai");
        e.putArray("categories").add("废钢");
        e.putArray("materials").add("重废一");
        if (verified) {
            e.put("wechatOpenId", "o-" + user);
        }
        e.putObject("features").put("capacity", 10 + i % 9);
        return e.toString();
    }

    private static String feedback(String eventId, String user, String type, String at, String extra) {
        return "{\"eventId\":\"" + eventId + "\",\"userId\":\"" + user + "\",\"type\":\"" + type + "\",\"occurredAt\":\"" + at
                + "\",\"messageId\":\"" + CampaignMessageIds.of("c-1023", user) + "\"" + extra + "}";
    }
}
