package dev.winback.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code backtest.html} in a real browser (headless Chromium): the scripts run without errors and
 * without network, every chart container holds an SVG chart naming the policies, and every number in
 * the rendered tables is the one in {@code backtest.json}.
 */
class BacktestPageBrowserTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CELL = Pattern.compile("<td([^>]*)>([^<]*)</td>");
    private static final Pattern ATTRIBUTE = Pattern.compile("([a-z-]+)=\"([^\"]*)\"");
    private static final Set<String> COUNTS = Set.of("decisions", "sends", "conversions", "orders", "couponsIssued",
            "heldOut", "holdout", "holdoutConversions");
    private static final Set<String> MONEY = Set.of("revenue", "cost", "couponValue", "issued");
    private static final Set<String> RATES = Set.of("conversionRate", "holdoutRate");

    @Test
    void theReportRendersItsChartsAndTablesFromTheSameNumbers(@TempDir Path dir) throws Exception {
        HeadlessChromium chromium = HeadlessChromium.required();
        Path trace = Cli.generatedDay(dir, 150, 11);
        Path out = dir.resolve("backtest");
        Cli.Run run = Cli.winback("backtest", "--policy", Cli.repoFile("config/policy.yaml").toString(),
                "--policy", Cli.repoFile("config/policies/variant-generous.yaml").toString(),
                "--events", trace.toString(), "--out", out.toString());
        assertEquals(0, run.exit(), run.err());
        JsonNode backtest = JSON.readTree(out.resolve("backtest.json").toFile());

        String dom = chromium.dumpDom(out.resolve("backtest.html"), dir);

        assertTrue(dom.contains("<div id=\"errors\" role=\"alert\"></div>"), "script errors: " + between(dom, "id=\"errors\"", "</div>"));
        assertTrue(Pattern.compile("<body[^>]*data-ready=\"true\"").matcher(dom).find(), "the page script ran to its end");
        List<String> names = List.of("policy", "variant-generous");
        for (String chart : List.of("chart-funnel", "chart-spend", "chart-channels", "chart-timeline")) {
            String box = between(dom, "id=\"" + chart + "\"", "class=\"chart-box\"");
            assertTrue(box.contains("data-rendered=\"true\""), chart + " was not drawn");
            assertTrue(box.contains("<svg"), chart + " holds no SVG: " + box.substring(0, Math.min(300, box.length())));
            assertTrue(count(box, "<path") >= 4, chart + " draws next to nothing");
            for (String name : names) {
                assertTrue(box.contains(">" + name) , chart + " does not name " + name);
            }
        }

        int checked = checkTables(dom, backtest);
        assertTrue(checked > 100, "only " + checked + " table cells");
    }

    /** Every cell with a data-field against the JSON; returns how many were checked. */
    private static int checkTables(String dom, JsonNode backtest) {
        Map<String, JsonNode> policies = new HashMap<>();
        backtest.path("policies").forEach(p -> policies.put(p.path("name").asText(), p));
        Set<String> rendered = new HashSet<>();
        int checked = 0;
        Matcher cell = CELL.matcher(dom);
        while (cell.find()) {
            Map<String, String> attributes = new HashMap<>();
            Matcher a = ATTRIBUTE.matcher(cell.group(1));
            while (a.find()) {
                attributes.put(a.group(1), unescape(a.group(2)));
            }
            String field = attributes.get("data-field");
            if (field == null) {
                continue;
            }
            JsonNode policy = policies.get(attributes.get("data-policy"));
            assertTrue(policy != null, "a cell of an unknown policy: " + cell.group());
            String dimension = attributes.get("data-dimension");
            JsonNode expected;
            if (dimension == null) {
                expected = overview(policy, field);
            } else {
                String value = attributes.get("data-value");
                rendered.add(dimension + "|" + value + "|" + attributes.get("data-policy"));
                JsonNode row = null;
                for (JsonNode r : policy.path("report").path("by").path(dimension)) {
                    if (r.path("value").asText().equals(value)) {
                        row = r;
                    }
                }
                expected = row == null ? absent(field) : row.path(field);
            }
            String where = attributes + " shows '" + cell.group(2) + "', the JSON has " + expected;
            assertShows(field, expected, unescape(cell.group(2)).strip(), where);
            checked++;
        }
        // Every row of every breakdown in the JSON is in a table.
        for (JsonNode policy : backtest.path("policies")) {
            policy.path("report").path("by").properties().forEach(dimension -> dimension.getValue().forEach(row ->
                    assertTrue(rendered.contains(dimension.getKey() + "|" + row.path("value").asText() + "|"
                            + policy.path("name").asText()), dimension.getKey() + " " + row.path("value") + " is missing")));
        }
        return checked;
    }

    private static JsonNode overview(JsonNode policy, String field) {
        JsonNode total = policy.path("report").path("total");
        return switch (field) {
            case "decisions", "sends", "conversions" -> policy.path("funnel").path(field);
            case "couponsIssued" -> policy.path("coupons").path("issued");
            case "couponValue" -> policy.path("coupons").path("value");
            case "heldOut" -> policy.path("report").path("heldOut");
            default -> total.path(field);
        };
    }

    /** A policy without a row for a value: no sends, no money, no rates. */
    private static JsonNode absent(String field) {
        return COUNTS.contains(field) || MONEY.contains(field) ? JSON.getNodeFactory().numberNode(0)
                : JSON.getNodeFactory().nullNode();
    }

    private static void assertShows(String field, JsonNode expected, String shown, String where) {
        assertFalse(expected.isMissingNode(), "no JSON for " + where);
        if (COUNTS.contains(field)) {
            assertEquals(expected.asText(), shown, where);
        } else if (MONEY.contains(field)) {
            assertTrue(shown.matches("-?\\d+\\.\\d\\d"), where);
            assertEquals(0, expected.decimalValue().compareTo(new BigDecimal(shown)), where);
        } else if (RATES.contains(field)) {
            if (expected.isNull()) {
                assertEquals("-", shown, where);
            } else {
                assertTrue(shown.endsWith("%"), where);
                assertNear(expected.asDouble() * 100, shown.substring(0, shown.length() - 1), 0.05, where);
            }
        } else if (field.equals("roi")) {
            if (expected.isNull()) {
                assertEquals("n/a", shown, where);
            } else {
                assertNear(expected.asDouble(), shown, 0.005, where);
            }
        } else if (field.equals("uplift")) {
            if (expected.isNull()) {
                assertEquals("n/a", shown, where);
            } else {
                Matcher m = Pattern.compile("([+-][\\d.]+) pp \\[([+-][\\d.]+), ([+-][\\d.]+)\\]").matcher(shown);
                assertTrue(m.matches(), where);
                assertNear(expected.path("estimate").asDouble() * 100, m.group(1), 0.05, where);
                assertNear(expected.path("lower").asDouble() * 100, m.group(2), 0.05, where);
                assertNear(expected.path("upper").asDouble() * 100, m.group(3), 0.05, where);
            }
        } else {
            throw new AssertionError("a table field the test does not know: " + where);
        }
    }

    /** Shown rounded to the decimals on screen; both sides are rounded from the same double. */
    private static void assertNear(double expected, String shown, double halfUnit, String where) {
        assertTrue(Math.abs(expected - Double.parseDouble(shown)) <= halfUnit + 1e-9, where);
    }

    private static String between(String text, String start, String end) {
        int from = text.indexOf(start);
        if (from < 0) {
            return "";
        }
        int to = text.indexOf(end, from + start.length());
        return text.substring(from, to < 0 ? text.length() : to);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private static String unescape(String html) {
        return html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&amp;", "&");
    }
}
