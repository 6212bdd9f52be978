package dev.winback.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PolicyLoaderTest {

    private static String defaultYaml;
    private static Policy defaults;

    @BeforeAll
    static void loadDefaults() throws IOException {
        try (InputStream in = PolicyLoader.class.getResourceAsStream(PolicyLoader.DEFAULT_RESOURCE)) {
            defaultYaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        defaults = PolicyLoader.defaults();
    }

    private static Policy parse(String yaml) {
        return PolicyLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "test-policy.yaml");
    }

    private static PolicyException rejected(String yaml) {
        return assertThrows(PolicyException.class, () -> parse(yaml));
    }

    /** The default YAML with one exact piece of text replaced (which must be present). */
    private static String defaultsWith(String original, String replacement) {
        assertTrue(defaultYaml.contains(original), "default policy has no '" + original + "'");
        return defaultYaml.replace(original, replacement);
    }

    /** The default YAML without the top-level section {@code name} (its key line and indented body). */
    private static String defaultsWithoutSection(String name) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        boolean found = false;
        for (String line : defaultYaml.split("\n", -1)) {
            if (line.startsWith(name + ":")) {
                skipping = true;
                found = true;
                continue;
            }
            if (skipping && (line.isEmpty() || line.startsWith(" ") || line.startsWith("#"))) {
                continue;
            }
            skipping = false;
            out.append(line).append('\n');
        }
        assertTrue(found, "no section " + name);
        return out.toString();
    }

    /** The default YAML without the nested setting line {@code indentedKey} (e.g. "    max: PT10M"). */
    private static String defaultsWithoutLine(String linePrefix) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(linePrefix) + ".*\\n").matcher(defaultYaml);
        assertTrue(m.find(), "no line " + linePrefix);
        return m.replaceFirst("");
    }

    // --- the shipped defaults = SPEC "Default policy" --------------------------------------------

    @Test
    void defaultsAreOnTheClasspathAndEqualTheConfigFile() throws IOException {
        Path config = Path.of("..", "config", "policy.yaml");
        if (Files.exists(config)) {
            assertEquals(PolicyLoader.fromFile(config), defaults);
        }
    }

    @Test
    void defaultTimeZoneIsShanghai() {
        assertEquals(ZoneId.of("Asia/Shanghai"), defaults.timeZone());
    }

    @Test
    void defaultWatchedPagesAndTimers() {
        assertEquals(Map.of("order", Duration.ofSeconds(45), "home", Duration.ofSeconds(60),
                        "merchant", Duration.ofSeconds(90), "product", Duration.ofSeconds(90)),
                defaults.recall().watchedPages());
    }

    @Test
    void defaultLearnedTimer() {
        Policy.LearnedTimer timer = defaults.recall().learnedTimer();
        assertEquals(3, timer.minConversions());
        assertEquals(0.9, timer.factor());
        assertEquals(Duration.ofSeconds(15), timer.min());
        assertEquals(Duration.ofMinutes(10), timer.max());
    }

    @Test
    void defaultIntentValueAndCombination() {
        Policy.Recall recall = defaults.recall();
        assertEquals(5, recall.pagesThenLeft());
        assertEquals(0, new BigDecimal("50.00").compareTo(recall.highCartValue()));
        assertEquals(Policy.Combination.OR, recall.combination());
        assertEquals(List.of("push", "sms"), recall.channels());
    }

    @Test
    void defaultResourceGate() {
        assertEquals(0.8, defaults.recall().resourceGate().maxDeliveryPressure());
        assertEquals("sufficient", defaults.recall().resourceGate().requiredSupply());
    }

    @Test
    void defaultRecallCoupon() {
        Policy.Coupon coupon = defaults.recall().coupon();
        assertEquals(0, new BigDecimal("0.10").compareTo(coupon.share()));
        assertEquals(0, new BigDecimal("3.00").compareTo(coupon.min()));
        assertEquals(0, new BigDecimal("20.00").compareTo(coupon.max()));
        assertEquals(0, new BigDecimal("5.00").compareTo(coupon.emptyCart()));
        assertEquals(0, new BigDecimal("10000.00").compareTo(coupon.dailyBudget()));
    }

    @Test
    void defaultDormancy() {
        Policy.Dormancy dormancy = defaults.dormancy();
        assertEquals(Duration.ofDays(7), dormancy.window());
        assertEquals(0, dormancy.threshold());
        assertEquals(LocalTime.of(10, 0), dormancy.scanAt());
        assertEquals(Duration.ofDays(7), dormancy.coolDown());
        assertEquals(3, dormancy.maxPerEpisode());
        assertEquals(List.of("wecom", "sms", "email"), dormancy.channels());
    }

    @Test
    void defaultSegments() {
        assertEquals(0, new BigDecimal("500.00").compareTo(defaults.segments().highValueSpend90d()));
        assertEquals(4, defaults.segments().highFrequencyOrders30d());
    }

    @Test
    void defaultNewNoOrderScenario() {
        Policy.Scenario scenario = defaults.scenarios().get("new_no_order");
        assertEquals(Duration.ofMinutes(30), scenario.delay());
        assertEquals(3, scenario.rewards().size());
        assertEquals("coupon", scenario.rewards().get(0).kind());
        assertEquals(0, new BigDecimal("5.00").compareTo(scenario.rewards().get(0).amount()));
        assertEquals(0, new BigDecimal("10.00").compareTo(scenario.rewards().get(1).amount()));
        assertEquals("free_delivery", scenario.rewards().get(2).kind());
        assertNull(scenario.rewards().get(2).amount());
    }

    @Test
    void defaultMessagingCapsAndQuietHours() {
        assertEquals(1, defaults.messaging().frequencyCaps().perDay());
        assertEquals(3, defaults.messaging().frequencyCaps().perWeek());
        assertEquals(LocalTime.of(22, 0), defaults.messaging().quietHours().start());
        assertEquals(LocalTime.of(8, 0), defaults.messaging().quietHours().end());
    }

    @Test
    void defaultAttribution() {
        assertEquals(Duration.ofHours(24), defaults.attribution().window());
        assertEquals(0.05, defaults.attribution().holdout());
    }

    @Test
    void defaultGeoClustering() {
        assertEquals(10, defaults.geo().k());
        assertEquals(1e-4, defaults.geo().epsilon());
        assertEquals(100, defaults.geo().maxIterations());
    }

    @Test
    void defaultIngestLimitsMatchTheEventFormat() {
        assertEquals(65_536, defaults.ingest().maxRecordBytes());
        assertEquals(Duration.ofMinutes(5), defaults.ingest().maxFutureSkew());
        assertEquals(Duration.ofMinutes(30), defaults.ingest().sessionTimeout());
        assertTrue(defaults.ingest().dedupWindow() > 0);
    }

    @Test
    void withTimeZoneChangesOnlyTheZone() {
        Policy utc = defaults.withTimeZone(ZoneId.of("UTC"));
        assertEquals(ZoneId.of("UTC"), utc.timeZone());
        assertEquals(defaults.withTimeZone(defaults.timeZone()), defaults);
        assertEquals(defaults.recall(), utc.recall());
    }

    @Test
    void withDailyCouponBudgetChangesOnlyTheBudget() {
        Policy small = defaults.withDailyCouponBudget(new BigDecimal("250.00"));
        assertEquals(new BigDecimal("250.00"), small.recall().coupon().dailyBudget());
        assertEquals(defaults.withDailyCouponBudget(defaults.recall().coupon().dailyBudget()), defaults);
        assertEquals(defaults.recall().coupon().max(), small.recall().coupon().max());
        assertEquals(defaults.recall().channels(), small.recall().channels());
        assertEquals(defaults.scenarios(), small.scenarios());
        PolicyException negative = assertThrows(PolicyException.class,
                () -> defaults.withDailyCouponBudget(new BigDecimal("-1")));
        assertTrue(negative.getMessage().contains("recall.coupon.dailyBudget"), negative.getMessage());
    }

    @Test
    void campaignMessagesArePerLocaleAndAMissingPartIsNamed() {
        Policy english = parse(defaultsWith("  #   en:\n  #     text: \"{month}/{day} {site}: {prices}. Details: {link}\"",
                "    en:\n      text: \"{site} {month}/{day}: {prices} -> {link}\"\n      item: \"{material}={price}{change}\"\n"
                        + "      up: \"+{amount}\"\n      down: \"-{amount}\"\n      separator: \"; \"\n  #   xx:"));
        var templates = dev.winback.core.geo.CampaignMessage.templates(english.geo());
        assertEquals("{site} {month}/{day}: {prices} -> {link}", templates.get("en").text());
        assertEquals("{month}月{day}日{site}:{prices},详见:{link}", templates.get("default").text());

        PolicyException noUp = rejected(defaultsWith("      up: \"涨{amount}\"\n", ""));
        assertTrue(noUp.getMessage().contains("geo.messages") && noUp.getMessage().contains("'up'"), noUp.getMessage());
        PolicyException noPrices = rejected(defaultsWith("text: \"{month}月{day}日{site}:{prices},详见:{link}\"",
                "text: \"{month}月{day}日{site}\""));
        assertTrue(noPrices.getMessage().contains("{prices}"), noPrices.getMessage());
    }

    // --- validation ------------------------------------------------------------------------------

    @Test
    void aTypoInANestedSettingIsRejectedNamingIt() {
        PolicyException e = rejected(defaultsWith("  highCartValue: 50.00", "  highCartValu: 50.00"));
        assertTrue(e.getMessage().contains("highCartValu"), e.getMessage());
        assertTrue(e.getMessage().contains("test-policy.yaml"), "names the file: " + e.getMessage());
    }

    @Test
    void anUnknownTopLevelSettingIsRejectedNamingIt() {
        PolicyException e = rejected(defaultYaml + "\nquietHour: \"22:00\"\n");
        assertTrue(e.getMessage().contains("quietHour"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"timeZone", "ingest", "recall", "dormancy", "segments", "messaging", "attribution", "geo"})
    void aMissingSectionIsRejectedNamingIt(String section) {
        PolicyException e = rejected(defaultsWithoutSection(section));
        assertTrue(e.getMessage().contains(section), e.getMessage());
    }

    @Test
    void aMissingScenariosSectionIsRejectedNamingIt() {
        PolicyException e = rejected(defaultsWithoutSection("scenarios"));
        assertTrue(e.getMessage().contains("scenarios"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "'  pagesThenLeft:', recall.pagesThenLeft",
            "'  highCartValue:', recall.highCartValue",
            "'  combination:', recall.combination",
            "'  threshold: 0', dormancy.threshold",
            "'  window: P7D', dormancy.window",
            "'  k: 10', geo.k",
            "'  highValueSpend90d:', segments.highValueSpend90d",
            "'  highFrequencyOrders30d:', segments.highFrequencyOrders30d",
            "'  maxRecordBytes:', ingest.maxRecordBytes",
            "'  sessionTimeout:', ingest.sessionTimeout"})
    void aMissingRequiredSettingIsRejectedNamingIt(String line, String setting) {
        PolicyException e = rejected(defaultsWithoutLine(line));
        String leaf = setting.substring(setting.lastIndexOf('.') + 1);
        assertTrue(e.getMessage().contains(leaf), e.getMessage());
    }

    @ParameterizedTest(name = "without {1}")
    @CsvSource({
            "'(?m)^    max: PT10M.*\\n', recall.learnedTimer.max",
            "'(?m)^    min: PT15S.*\\n', recall.learnedTimer.min",
            "'(?m)^    min: 3.00.*\\n', recall.coupon.min",
            "'(?m)^    share: 0.10.*\\n', recall.coupon.share",
            "'(?m)^    emptyCart:.*\\n', recall.coupon.emptyCart",
            "'(?m)^  scanAt:.*\\n', dormancy.scanAt",
            "'(?m)^  coolDown:.*\\n', dormancy.coolDown",
            "'(?m)^  window: PT24H.*\\n', attribution.window",
            "'(?m)^  quietHours:.*\\n(    .*\\n)*', messaging.quietHours"})
    void aMissingNestedReferenceSettingIsRejectedNamingIt(String linesToRemove, String setting) {
        String yaml = defaultYaml.replaceFirst(linesToRemove, "");
        assertTrue(!yaml.equals(defaultYaml), "nothing removed by " + linesToRemove);
        PolicyException e = rejected(yaml);
        assertTrue(e.getMessage().contains(setting), e.getMessage());
    }

    @Test
    void aFactorAboveOneIsRejected() {
        PolicyException e = rejected(defaultsWith("factor: 0.9", "factor: 1.5"));
        assertTrue(e.getMessage().contains("recall.learnedTimer.factor"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0.5"})
    void aFactorOfZeroOrBelowIsRejected(String factor) {
        PolicyException e = rejected(defaultsWith("factor: 0.9", "factor: " + factor));
        assertTrue(e.getMessage().contains("factor"), e.getMessage());
    }

    @Test
    void aFactorOfExactlyOneIsAllowed() {
        assertEquals(1.0, parse(defaultsWith("factor: 0.9", "factor: 1")).recall().learnedTimer().factor());
    }

    @Test
    void timerMinAboveMaxIsRejected() {
        PolicyException e = rejected(defaultsWith("    min: PT15S", "    min: PT11M"));
        assertTrue(e.getMessage().contains("recall.learnedTimer"), e.getMessage());
    }

    @Test
    void couponMinAboveMaxAndNegativeBudgetAreRejected() {
        assertTrue(rejected(defaultsWith("    min: 3.00", "    min: 30.00")).getMessage().contains("recall.coupon"));
        assertTrue(rejected(defaultsWith("dailyBudget: 10000.00", "dailyBudget: -1"))
                .getMessage().contains("dailyBudget"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "1.5", "-0.01"})
    void holdoutOutsideZeroToOneIsRejected(String holdout) {
        assertTrue(rejected(defaultsWith("holdout: 0.05", "holdout: " + holdout)).getMessage().contains("holdout"));
    }

    @Test
    void otherRangeChecks() {
        assertTrue(rejected(defaultsWith("  k: 10", "  k: 0")).getMessage().contains("geo.k"));
        assertTrue(rejected(defaultsWith("  threshold: 0\n", "  threshold: -1\n")).getMessage()
                .contains("dormancy.threshold"));
        assertTrue(rejected(defaultYaml.replaceFirst("dedupWindow: \\d+", "dedupWindow: 257")).getMessage()
                .contains("ingest.dedupWindow"));
        assertTrue(rejected(defaultsWith("maxRecordBytes: 65536", "maxRecordBytes: 0")).getMessage()
                .contains("ingest.maxRecordBytes"));
        assertTrue(rejected(defaultsWith("highValueSpend90d: 500.00", "highValueSpend90d: -1")).getMessage()
                .contains("segments.highValueSpend90d"));
    }

    @Test
    void emptyWatchedPagesIsRejected() {
        String yaml = defaultYaml.replaceAll("(?s)  watchedPages:.*?\\n  learnedTimer:", "  watchedPages: {}\n  learnedTimer:");
        assertTrue(rejected(yaml).getMessage().contains("recall.watchedPages"));
    }

    @ParameterizedTest
    @CsvSource({"or, OR", "and, AND", "intent-only, INTENT_ONLY", "value-only, VALUE_ONLY", "Intent-Only, INTENT_ONLY"})
    void combinationParsesFromItsWireForm(String text, Policy.Combination expected) {
        assertEquals(expected, parse(defaultsWith("combination: or", "combination: " + text)).recall().combination());
    }

    @Test
    void anUnknownCombinationIsRejectedNamingTheSetting() {
        PolicyException e = rejected(defaultsWith("combination: or", "combination: maybe"));
        assertTrue(e.getMessage().contains("recall.combination"), e.getMessage());
    }

    @Test
    void anUnknownTimeZoneIsRejectedNamingTheSetting() {
        PolicyException e = rejected(defaultsWith("timeZone: Asia/Shanghai", "timeZone: Mars/Olympus"));
        assertTrue(e.getMessage().contains("timeZone"), e.getMessage());
    }

    @Test
    void aWrongValueTypeIsRejectedNamingTheSettingAndLine() {
        PolicyException e = rejected(defaultsWith("  pagesThenLeft: 5", "  pagesThenLeft: many"));
        assertTrue(e.getMessage().contains("recall.pagesThenLeft"), e.getMessage());
        assertTrue(e.getMessage().matches("(?s).*\\(line \\d+\\).*"), e.getMessage());
    }

    @Test
    void invalidYamlGivesAMessageWithTheLineNumber() {
        String yaml = "timeZone: Asia/Shanghai\ningest:\n  dedupWindow: 48\n  sessionTimeout: [PT30M\n";
        PolicyException e = rejected(yaml);
        assertTrue(e.getMessage().contains("line 4") || e.getMessage().contains("line 5"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"  sessionTimeout: PT30M: x\n", "\tsessionTimeout: PT30M\n"})
    void brokenYamlSyntaxGivesTheLineOfTheProblem(String fourthLine) {
        String yaml = "timeZone: Asia/Shanghai\ningest:\n  dedupWindow: 48\n" + fourthLine;
        PolicyException e = rejected(yaml);
        assertTrue(e.getMessage().contains("line 4"), e.getMessage());
    }

    @Test
    void fromFileReadsAPolicyAndNamesTheFileInErrors(@TempDir Path dir) throws IOException {
        Path good = dir.resolve("policy.yaml");
        Files.writeString(good, defaultsWith("highCartValue: 50.00", "highCartValue: 80.00"));
        assertEquals(0, new BigDecimal("80.00").compareTo(PolicyLoader.fromFile(good).recall().highCartValue()));

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, defaultsWith("factor: 0.9", "factor: 2"));
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.fromFile(bad));
        assertTrue(e.getMessage().contains("bad.yaml"), e.getMessage());

        PolicyException missing = assertThrows(PolicyException.class,
                () -> PolicyLoader.fromFile(dir.resolve("nope.yaml")));
        assertTrue(missing.getMessage().contains("nope.yaml"), missing.getMessage());
    }
}
