package dev.winback.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.scenario.Journey;
import dev.winback.core.scenario.ScenarioReward;
import dev.winback.core.scenario.ScenarioStrategy;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** C3/C5: scenario strategies and lifecycle journeys as the policy file sets them, and how a bad one is reported. */
class ScenarioAndJourneyPolicyTest {

    private static String defaultYaml;

    @BeforeAll
    static void loadDefaults() throws IOException {
        try (InputStream in = PolicyLoader.class.getResourceAsStream(PolicyLoader.DEFAULT_RESOURCE)) {
            defaultYaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Policy parse(String yaml) {
        return PolicyLoader.parse(yaml.getBytes(StandardCharsets.UTF_8), "test-policy.yaml");
    }

    private static String rejected(String yaml) {
        return assertThrows(PolicyException.class, () -> parse(yaml)).getMessage();
    }

    /** The default YAML with one exact piece of text replaced (which must be present once). */
    private static String defaultsWith(String original, String replacement) {
        assertEquals(1, defaultYaml.split(java.util.regex.Pattern.quote(original), -1).length - 1,
                "default policy has not exactly one '" + original + "'");
        return defaultYaml.replace(original, replacement);
    }

    /** The default YAML with its journeys replaced by {@code journeys} (a YAML block, or "" for none). */
    private static String withJourneys(String journeys) {
        int start = defaultYaml.indexOf("\njourneys:");
        int end = defaultYaml.indexOf("\nmessaging:");
        assertTrue(start > 0 && end > start, "journeys sit before messaging in the default policy");
        return defaultYaml.substring(0, start + 1) + journeys + defaultYaml.substring(end + 1);
    }

    /** A one-journey block; {@code steps} are the step lines (indented by six spaces). */
    private static String journey(String settings, String steps) {
        return "journeys:\n  j:\n" + settings + "    steps:\n" + steps;
    }

    private static final String DAY1 = "      - {name: day1, wait: P1D, messages: {default: {text: \"hi\"}}}\n";

    // --- scenarios -----------------------------------------------------------------------------

    @Test
    void theShippedScenarioSetsEveryFieldToTheSpecDefault() {
        Policy policy = parse(defaultYaml);
        ScenarioStrategy s = ScenarioStrategy.allOf(policy).get("new_no_order");
        assertEquals("new_no_order", s.segment());
        assertEquals("register", s.after());
        assertEquals(Duration.ofMinutes(30), s.delay());
        assertEquals(List.of("coupon:5.00", "coupon:10.00", "free_delivery"),
                s.rewards().stream().map(ScenarioReward::key).toList());
        assertEquals(List.of("push", "sms", "inbox"), s.channels());
        assertEquals(0.1, s.explorationFloor());
        assertNull(policy.scenarios().get("new_no_order").holdout(), "left to attribution.holdout");
        assertEquals(0.05, s.holdout());
        assertEquals(ScenarioStrategy.DEFAULT_MESSAGES, s.messages(), "the file spells out the built-in texts");
    }

    @Test
    void aScenarioWithOnlyADelayAndRewardsTakesTheDefaults() {
        String header = "scenarios:                       # C3: name -> strategy; the name is the trigger (scenario:<name>)\n";
        Policy policy = parse(defaultsWith(header, header
                + "  quick:\n    segment: new_no_order\n    delay: PT5M\n    rewards: [{kind: bonus_money, amount: 2}]\n"));
        ScenarioStrategy quick = ScenarioStrategy.allOf(policy).get("quick");
        assertEquals("register", quick.after());
        assertEquals(ScenarioStrategy.DEFAULT_CHANNELS, quick.channels());
        assertEquals(ScenarioStrategy.DEFAULT_MESSAGES, quick.messages());
        assertEquals(ScenarioStrategy.DEFAULT_EXPLORATION_FLOOR, quick.explorationFloor());
        assertEquals(policy.attribution().holdout(), quick.holdout());
        assertEquals("new_no_order", ScenarioStrategy.allOf(policy).get("new_no_order").segment(), "the name by default");
    }

    @Test
    void scenarioSettingsOverrideTheDefaults() {
        Policy policy = parse(defaultsWith("    # holdout: 0.05              # share of users held back as this scenario's",
                "    holdout: 0.2                 # share of users held back as this scenario's")
                .replace("    channels: [push, sms, inbox] # tried", "    channels: [inbox, ad_audience] # tried")
                .replace("    explorationFloor: 0.1        # share", "    explorationFloor: 0.25       # share"));
        ScenarioStrategy s = ScenarioStrategy.allOf(policy).get("new_no_order");
        assertEquals(List.of("inbox", "ad_audience"), s.channels());
        assertEquals(0.25, s.explorationFloor());
        assertEquals(0.2, s.holdout());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "    channels: [push, sms, inbox] # tried|    channels: [push, fax] # tried"
                    + "|scenarios.new_no_order.channels: 'fax' is not one of [ad_audience, email, inbox, push, sms, wecom]",
            "    segment: new_no_order        # entry|    segment: newbies             # entry"
                    + "|scenarios.new_no_order.segment: 'newbies' is not a segment",
            "    after: register              # the event|    after: login                 # the event"
                    + "|scenarios.new_no_order.after: only 'register' is supported, got 'login'",
            "    delay: PT30M |    delay: PT0S "
                    + "|scenarios.new_no_order.delay: must be positive",
            "    explorationFloor: 0.1        # share|    explorationFloor: 1.5        # share"
                    + "|scenarios.new_no_order.explorationFloor: must be within [0, 1]",
            "    # holdout: 0.05              # share of users held back as this|    holdout: 1                   # share of users held back as this"
                    + "|scenarios.new_no_order.holdout: must be within [0, 1)",
            "      - {kind: coupon, amount: 5.00}|      - {kind: voucher, amount: 5.00}"
                    + "|scenarios.new_no_order.rewards[0]: reward kind must be one of",
            "      - {kind: coupon, amount: 10.00}|      - {kind: coupon}"
                    + "|scenarios.new_no_order.rewards[1]: coupon needs an amount",
            "        free_delivery: \"新人专享|        free_delivry: \"新人专享"
                    + "|scenarios.new_no_order.messages.default.free_delivry: not a reward kind",
            "        coupon: \"{0,number,0.00} off your first order|        coupon: \"{0,number,0.00} off, it's your first order"
                    + "|scenarios.new_no_order.messages.en.coupon: unbalanced apostrophe",
            "  new_no_order:|  new:no:order:"
                    + "|scenarios.new:no:order: a name is letters, digits",
    })
    void aBadScenarioSettingIsNamedAndFailsTheLoad(String original, String replacement, String expected) {
        String message = rejected(defaultsWith(original.replace("\\n", "\n"), replacement.replace("\\n", "\n")));
        assertTrue(message.startsWith("test-policy.yaml: "), message);
        assertTrue(message.contains(expected), message);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String message = rejected(defaultsWith("    channels: [push, sms, inbox] # tried", "    channels: [fax] # tried")
                .replace("    explorationFloor: 0.1        # share", "    explorationFloor: -1         # share"));
        assertTrue(message.contains("scenarios.new_no_order.channels: 'fax'"), message);
        assertTrue(message.contains("; scenarios.new_no_order.explorationFloor"), message);
    }

    @Test
    void anUnknownScenarioFieldIsNamedWithItsLine() {
        String message = rejected(defaultsWith("    channels: [push, sms, inbox] # tried", "    chanels: [push] # tried"));
        assertTrue(message.contains("setting 'scenarios.new_no_order.chanels'"), message);
        assertTrue(message.contains("(line "), message);
    }

    // --- journeys --------------------------------------------------------------------------------

    @Test
    void theShippedOnboardingJourneyComplementsTheScenario() {
        Journey j = Journey.allOf(parse(defaultYaml)).get("onboarding");
        assertEquals("register", j.after());
        assertEquals(List.of("ordered", "opted_out"), j.exitWhen());
        assertEquals(0.05, j.holdout(), "attribution.holdout by default");
        assertEquals(List.of("day1", "day3", "day7"), j.steps().stream().map(Journey.Step::name).toList());
        assertEquals(List.of(Duration.parse("P1DT1H"), Duration.parse("P3DT1H"), Duration.parse("P7DT1H")),
                j.steps().stream().map(Journey.Step::sinceStart).toList());
        assertEquals(List.of(), j.first().rewards(), "day 1 is a message only");
        assertEquals(List.of("coupon:8.00", "free_delivery"),
                j.step("day3").orElseThrow().rewards().stream().map(ScenarioReward::key).toList());
        assertEquals(List.of("push", "sms", "inbox"), j.step("day3").orElseThrow().channels());
        assertEquals(List.of(), j.validate(java.util.Set.of()));
    }

    @Test
    void journeysAreOptionalAndAStepTakesTheDefaults() {
        assertEquals(Map.of(), parse(withJourneys("")).journeys());

        Journey j = Journey.allOf(parse(withJourneys(journey("", DAY1
                + "      - {name: day2, wait: P2D, rewards: [{kind: free_delivery}]}\n")))).get("j");
        assertEquals("register", j.after());
        assertEquals(List.of(), j.exitWhen());
        assertEquals(0.05, j.holdout());
        Journey.Step day2 = j.step("day2").orElseThrow();
        assertEquals(ScenarioStrategy.DEFAULT_CHANNELS, day2.channels());
        assertEquals(ScenarioStrategy.DEFAULT_MESSAGES, day2.messages(), "the built-in reward texts");
        assertEquals(ScenarioStrategy.DEFAULT_EXPLORATION_FLOOR, day2.explorationFloor());
    }

    @Test
    void segmentExitConditionsAcceptCustomSegments() {
        String yaml = withJourneys(journey("    exitWhen: [ordered, in_segment:big_cart, not_in_segment:new_no_order]\n", DAY1))
                .replace("  custom: {}", "  custom:\n    big_cart: \"cartValue >= 100.0\"");
        assertEquals(List.of("ordered", "in_segment:big_cart", "not_in_segment:new_no_order"),
                Journey.allOf(parse(yaml)).get("j").exitWhen());
    }

    /** (journey settings, step lines, the problem expected); steps null: an empty list. */
    static Stream<Arguments> badJourneys() {
        String day2 = DAY1.replace("day1", "day2").replace("P1D", "P2D");
        return Stream.of(
                Arguments.of("    after: login\n", DAY1, "journeys.j.after: only 'register' is supported, got 'login'"),
                Arguments.of("    exitWhen: [ordered, bought]\n", DAY1, "journeys.j.exitWhen: 'bought' is not one of"
                        + " [ordered, opted_out, in_segment:<segment>, not_in_segment:<segment>]"),
                Arguments.of("    exitWhen: [in_segment:whales]\n", DAY1,
                        "journeys.j.exitWhen: 'whales' in 'in_segment:whales' is not a segment"),
                Arguments.of("    holdout: 1.0\n", DAY1, "journeys.j.holdout: must be within [0, 1)"),
                Arguments.of("", null, "journeys.j.steps: at least one"),
                Arguments.of("", DAY1 + DAY1.replace("P1D", "P2D"), "journeys.j.steps: 'day1' is named twice"),
                Arguments.of("", DAY1 + DAY1.replace("day1", "day0").replace("P1D", "PT12H"),
                        "journeys.j.steps.day0.wait: must be later than the step before (PT24H)"),
                Arguments.of("", day2 + DAY1, "journeys.j.steps.day1.wait: must be later than the step before (PT48H)"),
                Arguments.of("", DAY1.replace("P1D", "PT30S"), "journeys.j.steps.day1.wait: must be at least PT1M"),
                Arguments.of("", DAY1.replace("wait: P1D, ", ""), "journeys.j.steps.day1.wait: must be at least PT1M"),
                Arguments.of("", DAY1.replace("day1", "day:1"), "journeys.j.steps: 'day:1' is not a step name"),
                Arguments.of("", DAY1.replace("wait: P1D,", "wait: P1D, channels: [push, fax],"),
                        "journeys.j.steps.day1.channels: 'fax' is not one of [ad_audience, email, inbox, push, sms, wecom]"),
                Arguments.of("", "      - {name: day1, wait: P1D}\n",
                        "journeys.j.steps.day1.messages.default: no 'text' template (the message has no reward)"),
                Arguments.of("", DAY1.replace("\"hi\"", "\"hi {0}\""),
                        "journeys.j.steps.day1.messages.default.text: a message without a reward has no {0}"),
                Arguments.of("", DAY1.replace("wait: P1D,", "wait: P1D, rewards: [{kind: coins, amount: 1}],"),
                        "journeys.j.steps.day1.rewards[0]: reward kind must be one of"),
                Arguments.of("", DAY1.replace("wait: P1D,", "wait: P1D, rewards: [{kind: free_delivery}, {kind: free_delivery}],"),
                        "journeys.j.steps.day1.rewards: a candidate is listed twice"),
                Arguments.of("", DAY1.replace("wait: P1D,", "wait: P1D, explorationFloor: 2,"),
                        "journeys.j.steps.day1.explorationFloor: must be within [0, 1]"));
    }

    @ParameterizedTest
    @MethodSource("badJourneys")
    void aBadJourneySettingIsNamedAndFailsTheLoad(String settings, String steps, String expected) {
        String yaml = steps == null
                ? withJourneys("journeys:\n  j:\n" + settings + "    steps: []\n")
                : withJourneys(journey(settings, steps));
        String message = rejected(yaml);
        assertTrue(message.startsWith("test-policy.yaml: "), message);
        assertTrue(message.contains(expected), message);
    }

    @Test
    void aJourneyNameMustFitATimerPage() {
        String message = rejected(withJourneys("journeys:\n  on:boarding:\n    steps:\n" + DAY1));
        assertTrue(message.contains("journeys.on:boarding: a name is letters, digits, '_' and '-'"), message);
    }

    @Test
    void anUnknownStepFieldIsNamedWithItsPath() {
        String message = rejected(withJourneys(journey("", DAY1.replace("wait:", "wiat:"))));
        assertTrue(message.contains("setting 'journeys.j.steps.[0].wiat'"), message);
    }
}
