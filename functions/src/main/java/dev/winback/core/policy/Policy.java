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
                     Map<String, Scenario> scenarios, Messaging messaging, Attribution attribution, Geo geo) {

    /** The same policy with day boundaries and quiet hours in another time zone. */
    public Policy withTimeZone(ZoneId zone) {
        return new Policy(zone, ingest, recall, dormancy, segments, scenarios, messaging, attribution, geo);
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

    public record Scenario(Duration delay, List<Reward> rewards) {
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

    public record Geo(int k, double epsilon, int maxIterations) {
    }
}
