package dev.winback.core.policy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The operator's policy: every threshold, timer and default of SPEC "Default policy". Loaded from
 * YAML by {@link PolicyLoader}; {@code config/policy.yaml} is the shipped default.
 */
public record Policy(ZoneId timeZone, Ingest ingest, Recall recall, Dormancy dormancy, Segments segments,
                     Map<String, Scenario> scenarios, Messaging messaging, Attribution attribution, Geo geo,
                     Map<String, Journey> journeys) {

    /** {@code journeys} is optional in the file: absent means none. Both maps keep the file's order. */
    public Policy {
        scenarios = scenarios == null ? null : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scenarios));
        journeys = journeys == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(journeys));
    }

    /** A policy without lifecycle journeys. */
    public Policy(ZoneId timeZone, Ingest ingest, Recall recall, Dormancy dormancy, Segments segments,
                  Map<String, Scenario> scenarios, Messaging messaging, Attribution attribution, Geo geo) {
        this(timeZone, ingest, recall, dormancy, segments, scenarios, messaging, attribution, geo, Map.of());
    }

    /** The same policy with day boundaries and quiet hours in another time zone. */
    public Policy withTimeZone(ZoneId zone) {
        return new Policy(zone, ingest, recall, dormancy, segments, scenarios, messaging, attribution, geo, journeys);
    }

    /**
     * The same policy with another daily coupon budget ({@code recall.coupon.dailyBudget}): what an
     * operator tunes per stage (the DailyCouponBudget parameter) without rebuilding the jar.
     */
    public Policy withDailyCouponBudget(BigDecimal dailyBudget) {
        if (dailyBudget.signum() < 0) {
            throw new PolicyException("recall.coupon.dailyBudget must not be negative, was " + dailyBudget.toPlainString());
        }
        Coupon c = recall.coupon();
        Recall r = new Recall(recall.watchedPages(), recall.learnedTimer(), recall.pagesThenLeft(), recall.highCartValue(),
                recall.combination(), recall.churnModel(), recall.resourceGate(),
                new Coupon(c.share(), c.min(), c.max(), c.emptyCart(), dailyBudget), recall.channels(),
                recall.timerQueueMaxDelay(), recall.messages());
        return new Policy(timeZone, ingest, r, dormancy, segments, scenarios, messaging, attribution, geo, journeys);
    }

    /** The same policy with other scenarios (C3). */
    public Policy withScenarios(Map<String, Scenario> replaced) {
        return new Policy(timeZone, ingest, recall, dormancy, segments, replaced, messaging, attribution, geo, journeys);
    }

    /** The same policy with other lifecycle journeys (C5). */
    public Policy withJourneys(Map<String, Journey> replaced) {
        return new Policy(timeZone, ingest, recall, dormancy, segments, scenarios, messaging, attribution, geo, replaced);
    }

    public record Ingest(int dedupWindow, Duration sessionTimeout, Duration maxFutureSkew, int maxRecordBytes) {
    }

    public record Recall(Map<String, Duration> watchedPages, LearnedTimer learnedTimer, int pagesThenLeft,
                         BigDecimal highCartValue, Combination combination, ChurnModel churnModel,
                         ResourceGate resourceGate, Coupon coupon, List<String> channels,
                         Duration timerQueueMaxDelay, Map<String, String> messages) {
    }

    public record LearnedTimer(int minConversions, double factor, Duration min, Duration max) {
    }

    public enum Combination {
        OR, AND, INTENT_ONLY, VALUE_ONLY;

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Combination of(String text) {
            return valueOf(text.trim().toUpperCase().replace('-', '_'));
        }
    }

    public record ChurnModel(boolean enabled, double threshold, double intercept, Map<String, Double> coefficients) {
    }

    public record ResourceGate(double maxDeliveryPressure, String requiredSupply) {
    }

    public record Coupon(BigDecimal share, BigDecimal min, BigDecimal max, BigDecimal emptyCart,
                         BigDecimal dailyBudget) {
    }

    public record Dormancy(Duration window, int threshold, LocalTime scanAt, Duration coolDown, int maxPerEpisode,
                           List<String> channels, int indexShards, Map<String, String> messages) {
    }

    /**
     * C2 thresholds of the built-in tags, and {@code custom}: tag name → a CEL expression over the
     * user's state that must be {@code bool} (see {@code dev.winback.core.segments.SegmentFacts} for the
     * variables). Optional: absent means no custom tags. Checked and compiled when the policy loads.
     */
    public record Segments(BigDecimal highValueSpend90d, int highFrequencyOrders30d, Map<String, String> custom) {

        public Segments {
            custom = custom == null ? Map.of()
                    : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(custom));
        }

        /** Built-in thresholds only, no custom tags. */
        public Segments(BigDecimal highValueSpend90d, int highFrequencyOrders30d) {
            this(highValueSpend90d, highFrequencyOrders30d, Map.of());
        }
    }

    /**
     * C3: one scenario's strategy. Only {@code delay} and {@code rewards} are required; a field left
     * out takes its default (null here): {@code segment} the scenario's name, {@code after}
     * {@code register}, {@code channels} push, SMS, in-app inbox, {@code messages} the built-in texts,
     * {@code explorationFloor} 0.1, {@code holdout} {@code attribution.holdout}. See
     * {@code dev.winback.core.scenario.ScenarioStrategy}.
     *
     * @param messages locale → reward kind (or reward key such as {@code coupon:10.00}) → template
     */
    public record Scenario(String segment, String after, Duration delay, List<Reward> rewards, List<String> channels,
                           Map<String, Map<String, String>> messages, Double explorationFloor, Double holdout) {

        /** The two settings every scenario needs; everything else at its default. */
        public Scenario(Duration delay, List<Reward> rewards) {
            this(null, null, delay, rewards, null, null, null, null);
        }
    }

    /**
     * C5: a lifecycle journey. From {@code after} (today: registration), timed {@code steps}, each
     * checked against {@code exitWhen} when it fires. Optional: {@code after} ({@code register}),
     * {@code exitWhen} (none), {@code holdout} ({@code attribution.holdout}). See
     * {@code dev.winback.core.scenario.Journey}.
     */
    public record Journey(String after, List<String> exitWhen, Double holdout, List<JourneyStep> steps) {
    }

    /**
     * One step of a journey: {@code wait} (in the file; {@code sinceStart} here, since a record cannot
     * have a {@code wait} component) counts from the journey's start. Optional: {@code channels}
     * (push, SMS, in-app inbox), {@code rewards} (none: a message only), {@code messages} (the
     * built-in reward texts; a step without rewards needs its own {@code text}),
     * {@code explorationFloor} (0.1).
     */
    public record JourneyStep(String name, @com.fasterxml.jackson.annotation.JsonProperty("wait") Duration sinceStart,
                              List<String> channels, List<Reward> rewards,
                              Map<String, Map<String, String>> messages, Double explorationFloor) {
    }

    public record Reward(String kind, BigDecimal amount) {
    }

    public record Messaging(FrequencyCaps frequencyCaps, QuietHours quietHours) {
    }

    public record FrequencyCaps(int perDay, int perWeek) {
    }

    public record QuietHours(LocalTime start, LocalTime end) {
    }

    public record Attribution(Duration window, double holdout) {
    }

    /**
     * D4 clustering and D6 message templates: {@code messages} maps a locale ({@code default}, {@code en},
     * ...) to the template of that locale; a locale given here replaces the shipped one.
     */
    public record Geo(int k, double epsilon, int maxIterations, java.util.Map<String, CampaignText> messages) {

        public Geo {
            messages = messages == null ? java.util.Map.of() : java.util.Map.copyOf(messages);
        }

        public Geo(int k, double epsilon, int maxIterations) {
            this(k, epsilon, maxIterations, null);
        }
    }

    /**
     * D6, one locale: {@code text} with {@code {month} {day} {site} {prices} {link}}, each price as
     * {@code item} ({@code {material} {price} {change}}), a rise as {@code up}, a fall as {@code down}
     * ({@code {amount}}), price items joined by {@code separator}.
     */
    public record CampaignText(String text, String item, String up, String down, String separator) {

        public CampaignText {
            for (var part : java.util.Map.of("text", String.valueOf(text), "item", String.valueOf(item),
                    "up", String.valueOf(up), "down", String.valueOf(down)).entrySet()) {
                if (part.getValue().equals("null") || part.getValue().isBlank()) {
                    throw new IllegalArgumentException("geo.messages: '" + part.getKey() + "' is required");
                }
            }
            if (!text.contains("{prices}")) {
                throw new IllegalArgumentException("geo.messages: text must contain {prices}, got '" + text + "'");
            }
            separator = separator == null ? "" : separator;
        }
    }
}
