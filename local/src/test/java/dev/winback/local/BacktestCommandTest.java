package dev.winback.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.winback.core.policy.PolicyLoader;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./winback backtest} on real files: a generated day through the default policy and the
 * generous variant, checked against what {@code report} and {@code simulate} say of each run.
 */
class BacktestCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Path trace;
    static Path out;
    static Cli.Run run;
    static JsonNode backtest;

    static Path defaultPolicy() {
        return Cli.repoFile("config/policy.yaml");
    }

    static Path variantPolicy() {
        return Cli.repoFile("config/policies/variant-generous.yaml");
    }

    @BeforeAll
    static void backtestAGeneratedDay() throws Exception {
        trace = Cli.generatedDay(dir, 300, 5);
        out = dir.resolve("backtest");
        run = Cli.winback("backtest", "--policy", defaultPolicy().toString(), "--policy", variantPolicy().toString(),
                "--events", trace.toString(), "--out", out.toString());
        assertEquals(0, run.exit(), run.err());
        backtest = JSON.readTree(out.resolve("backtest.json").toFile());
    }

    @Test
    void eachPolicysFiguresAreWhatReportComputesForItsRun() throws Exception {
        JsonNode policies = backtest.path("policies");
        assertEquals(List.of("policy", "variant-generous"), List.of(policies.get(0).path("name").asText(),
                policies.get(1).path("name").asText()));
        for (JsonNode policy : policies) {
            Path runDir = out.resolve(policy.path("name").asText());
            Cli.Run report = Cli.winback("report", "--out", runDir.toString(), "--json");
            assertEquals(0, report.exit(), report.err());
            ObjectNode expected = (ObjectNode) JSON.readTree(report.out());
            expected.remove("campaigns"); // the site campaigns' own report (D8) is not part of the comparison
            assertEquals(expected, policy.path("report"), policy.path("name").asText());

            assertTrue(expected.path("total").path("sends").asLong() > 0, "a day of 300 users gets messages");
            assertEquals(expected.path("total").path("sends"), policy.path("funnel").path("sends"));
            assertEquals(expected.path("total").path("conversions"), policy.path("funnel").path("conversions"));
            List<String> decisions = Files.readAllLines(runDir.resolve("decisions.jsonl"));
            assertEquals(decisions.size(), policy.path("funnel").path("decisions").asInt());
            assertEquals(decisions.size(), policy.path("decisions").path("total").asInt());
            assertEquals(decisions.stream().filter(l -> l.contains("\"outcome\":\"sent\"")).count(),
                    policy.path("decisions").path("sent").asLong());
            List<String> coupons = Files.readAllLines(runDir.resolve("coupons.jsonl"));
            assertEquals(coupons.size(), policy.path("coupons").path("issued").asInt());
            BigDecimal value = BigDecimal.ZERO;
            for (String line : coupons) {
                value = value.add(JSON.readTree(line).path("amount").decimalValue());
            }
            assertEquals(0, value.compareTo(policy.path("coupons").path("value").decimalValue()));

            // The timeline's hours are the document's hours, and its columns sum to the funnel.
            JsonNode timeline = policy.path("timeline");
            assertEquals(backtest.path("hours").size(), timeline.size());
            long sends = 0;
            long conversions = 0;
            for (int i = 0; i < timeline.size(); i++) {
                assertEquals(backtest.path("hours").get(i).asText(), timeline.get(i).path("hour").asText());
                sends += timeline.get(i).path("sends").asLong();
                conversions += timeline.get(i).path("conversions").asLong();
            }
            assertEquals(policy.path("funnel").path("sends").asLong(), sends);
            assertEquals(policy.path("funnel").path("conversions").asLong(), conversions);
        }
    }

    @Test
    void eachRunIsWhatSimulateWritesForThatPolicyAlone() throws Exception {
        // The runs go in parallel: they must share nothing, so each equals a run of its own.
        Path alone = dir.resolve("alone");
        Cli.Run simulated = Cli.winback("simulate", "--events", trace.toString(), "--out", alone.toString(),
                "--policy", variantPolicy().toString());
        assertEquals(0, simulated.exit(), simulated.err());
        for (String file : List.of("decisions.jsonl", "sends.jsonl", "coupons.jsonl", "conversions.jsonl", "users.jsonl")) {
            assertArrayEquals(Files.readAllBytes(alone.resolve(file)),
                    Files.readAllBytes(out.resolve("variant-generous").resolve(file)), file);
        }
    }

    @Test
    void theVariantIsMoreGenerousAndPrefersSms() {
        JsonNode base = backtest.path("policies").get(0);
        JsonNode generous = backtest.path("policies").get(1);
        assertTrue(averageCoupon(generous).compareTo(averageCoupon(base)) > 0,
                averageCoupon(generous) + " vs " + averageCoupon(base));
        assertTrue(channelSends(generous, "sms") > channelSends(base, "sms"));
        assertTrue(channelSends(generous, "push") < channelSends(base, "push"));
        // looser caps: more decisions end in a message
        assertTrue(generous.path("funnel").path("sends").asLong() > base.path("funnel").path("sends").asLong());
    }

    @Test
    void printsASideBySideSummaryAndTheReportsPath() {
        String[] lines = run.out().split("\n");
        assertTrue(lines[0].startsWith("Backtest: " + trace + " ("), run.out());
        JsonNode base = backtest.path("policies").get(0);
        String row = List.of(lines).stream().filter(l -> l.startsWith("policy ") && !l.contains("decisions"))
                .findFirst().orElseThrow();
        assertTrue(row.matches("policy\\s+" + base.path("funnel").path("decisions").asLong() + "\\s+"
                + base.path("funnel").path("sends").asLong() + "\\s+" + base.path("funnel").path("conversions").asLong()
                + "\\s.*"), row);
        assertTrue(run.out().contains("variant-generous "), run.out());
        assertTrue(run.out().contains("open " + out.resolve("backtest.html").toAbsolutePath().toUri()), run.out());
    }

    @Test
    void thePageIsSelfContainedAndEmbedsTheSameDocument() throws Exception {
        String html = Files.readString(out.resolve("backtest.html"), StandardCharsets.UTF_8);
        String library;
        try (java.io.InputStream in = BacktestPage.class.getResourceAsStream(BacktestPage.ECHARTS)) {
            library = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(html.contains(library), "the chart library is inlined whole");
        String page = html.replace(library, "");
        Matcher data = Pattern.compile("<script type=\"application/json\" id=\"backtest-data\">(.*?)</script>",
                Pattern.DOTALL).matcher(html);
        assertTrue(data.find(), "embedded data");
        assertEquals(backtest, JSON.readTree(data.group(1)));
        assertFalse(Pattern.compile("<script[^>]*\\ssrc=|<link[^>]*\\shref=|@import|<img", Pattern.CASE_INSENSITIVE)
                .matcher(page).find(), "nothing is loaded from elsewhere");
        for (String chart : List.of("chart-funnel", "chart-spend", "chart-channels", "chart-timeline")) {
            assertTrue(html.contains("id=\"" + chart + "\""), chart);
        }
    }

    @Test
    void embeddedTextCannotCloseTheScriptElement() throws Exception {
        ObjectNode hostile = JSON.createObjectNode().put("name", "</script><script>alert(1)</script>&<!--\u2028");
        String embedded = BacktestPage.dataOf(hostile);
        assertFalse(embedded.contains("<") || embedded.contains(">") || embedded.contains("&"), embedded);
        assertEquals(hostile, JSON.readTree(embedded));
    }

    @Test
    void badInputsAreOneLineErrors() throws Exception {
        Path nowhere = dir.resolve("bad-out");
        Path badPolicy = dir.resolve("broken.yaml");
        Files.writeString(badPolicy, Files.readString(defaultPolicy()).replace("highCartValue: 50.00", "highCartValue: lots"));
        Path copy = dir.resolve("other/policy.yaml");
        Files.createDirectories(copy.getParent());
        Files.copy(defaultPolicy(), copy);
        Map<List<String>, String> cases = Map.of(
                List.of("--policy", dir.resolve("missing.yaml").toString(), "--policy", defaultPolicy().toString(),
                        "--events", trace.toString()),
                "winback: policy file " + dir.resolve("missing.yaml") + " not found",
                List.of("--policy", badPolicy.toString(), "--policy", defaultPolicy().toString(), "--events", trace.toString()),
                "winback: " + badPolicy + ": setting 'recall.highCartValue'",
                List.of("--policy", defaultPolicy().toString(), "--policy", variantPolicy().toString(),
                        "--events", dir.resolve("missing.jsonl").toString()),
                "winback: trace file not found: " + dir.resolve("missing.jsonl"),
                List.of("--policy", defaultPolicy().toString(), "--policy", copy.toString(), "--events", trace.toString()),
                "winback: two policies are named 'policy' (" + defaultPolicy() + " and " + copy + ")",
                List.of("--policy", defaultPolicy().toString(), "--events", trace.toString()),
                "winback: backtest compares policies: give --policy at least twice");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            List<String> args = new java.util.ArrayList<>(List.of("backtest", "--out", nowhere.toString()));
            args.addAll(c.getKey());
            Cli.Run bad = Cli.winback(args.toArray(String[]::new));
            assertEquals(2, bad.exit(), bad.err());
            assertTrue(bad.err().startsWith(c.getValue()), bad.err());
            assertEquals(1, bad.err().strip().lines().count(), bad.err());
            assertFalse(Files.exists(nowhere), "nothing written before the inputs are checked");
        }
    }

    @Test
    void theVariantDiffersFromTheDefaultInExactlyTheSettingsItNames() throws Exception {
        PolicyLoader.fromFile(variantPolicy()); // valid
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Set<String> differing = new TreeSet<>();
        diff("", yaml.readTree(defaultPolicy().toFile()), yaml.readTree(variantPolicy().toFile()), differing);
        assertEquals(new TreeSet<>(List.of("messaging.frequencyCaps.perDay", "messaging.frequencyCaps.perWeek",
                "recall.channels", "recall.coupon.emptyCart", "recall.coupon.max", "recall.coupon.min",
                "recall.coupon.share", "recall.watchedPages.order", "scenarios.new_no_order.delay",
                "scenarios.new_no_order.rewards")), differing);
    }

    private static void diff(String path, JsonNode a, JsonNode b, Set<String> out) {
        if (a.isObject() && b.isObject()) {
            Set<String> fields = new TreeSet<>();
            a.fieldNames().forEachRemaining(fields::add);
            b.fieldNames().forEachRemaining(fields::add);
            for (String field : fields) {
                diff(path.isEmpty() ? field : path + "." + field, a.path(field), b.path(field), out);
            }
        } else if (!a.equals(b)) {
            out.add(path);
        }
    }

    private static BigDecimal averageCoupon(JsonNode policy) {
        return policy.path("coupons").path("value").decimalValue()
                .divide(BigDecimal.valueOf(policy.path("coupons").path("issued").asLong()), 4, RoundingMode.HALF_UP);
    }

    private static long channelSends(JsonNode policy, String channel) {
        for (Iterator<JsonNode> rows = policy.path("report").path("by").path("channel").elements(); rows.hasNext(); ) {
            JsonNode row = rows.next();
            if (row.path("value").asText().equals(channel)) {
                return row.path("sends").asLong();
            }
        }
        return 0;
    }

}
