package dev.winback.core.scenario;

import dev.winback.core.policy.Policy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * C3: how one scenario wins users back. When {@code after} happens (today: {@code register}) a timer is
 * armed for {@code delay} later; when it fires and the user is still in {@code segment} (for
 * {@code new_no_order}: registered, no order yet), the bandit picks one of {@code rewards}, and one
 * message goes out on the first reachable of {@code channels}, worded by {@code messages}.
 *
 * @param segment          the entry condition: a C2 segment tag the user must still carry when the timer fires
 * @param after            the event that starts the clock; the timer's {@code enteredAt} is its time
 * @param channels         tried in order, the first reachable one carries the message: {@code push},
 *                         {@code sms}, {@code email}, {@code wecom} (the user's address), {@code inbox} (the
 *                         in-app inbox, always reachable) and {@code ad_audience} (adds the user to the
 *                         paid-media audience)
 * @param messages         locale → reward kind (or reward key) → {@link ScenarioMessages} template
 * @param explorationFloor the share of choices made uniformly at random ({@link RewardBandit})
 * @param holdout          the share of eligible users held back as this scenario's control group
 */
public record ScenarioStrategy(String name, String segment, String after, Duration delay, List<ScenarioReward> rewards,
                               List<String> channels, Map<String, Map<String, String>> messages,
                               double explorationFloor, double holdout) {

    public static final String TRIGGER_PREFIX = "scenario:";
    public static final String AFTER_REGISTER = "register";
    public static final Set<String> CHANNELS = Set.of("push", "sms", "email", "wecom", "inbox", "ad_audience");
    public static final double DEFAULT_EXPLORATION_FLOOR = 0.1;
    public static final List<String> DEFAULT_CHANNELS = List.of("push", "sms", "inbox");

    /** Used where a scenario in the policy names no templates: welcome texts for a first order. */
    public static final Map<String, Map<String, String>> DEFAULT_MESSAGES = Map.of(
            ScenarioMessages.DEFAULT_LOCALE, Map.of(
                    "coupon", "新人专享：{0,number,0.00}元优惠券已到账，首单立减！",
                    "bonus_money", "新人专享：{0,number,0.00}元奖励金已到账，下单即可抵扣。",
                    "benefit_card", "新人专享权益卡已到账，下单即享会员权益。",
                    "free_delivery", "新人专享：首单免配送费，快去挑选吧！"),
            "en", Map.of(
                    "coupon", "{0,number,0.00} off your first order: the coupon is already in your account.",
                    "bonus_money", "{0,number,0.00} of bonus money is waiting in your account for your first order.",
                    "benefit_card", "Your welcome benefit card is ready: member perks on your first order.",
                    "free_delivery", "Free delivery on your first order: come and have a look!"));

    public ScenarioStrategy {
        Objects.requireNonNull(name, "name");
        rewards = List.copyOf(rewards);
        channels = List.copyOf(channels);
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        messages.forEach((locale, byReward) -> copy.put(locale, Map.copyOf(byReward)));
        messages = java.util.Collections.unmodifiableMap(copy);
    }

    /** The decision's trigger and the timer's page: {@code scenario:new_no_order}. */
    public String trigger() {
        return TRIGGER_PREFIX + name;
    }

    /**
     * The strategy's label in reports: the name and a digest of everything that shapes the message
     * ({@code new_no_order@3f2a9c01}), so figures before and after a policy change are told apart.
     */
    public String label() {
        Map<String, Object> shape = new TreeMap<>();
        shape.put("segment", segment);
        shape.put("after", after);
        shape.put("delay", delay);
        shape.put("rewards", rewards.stream().map(ScenarioReward::key).toList());
        shape.put("channels", channels);
        Map<String, Map<String, String>> sorted = new TreeMap<>();
        messages.forEach((locale, byReward) -> sorted.put(locale, new TreeMap<>(byReward)));
        shape.put("messages", sorted);
        shape.put("explorationFloor", explorationFloor);
        shape.put("holdout", holdout);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(shape.toString().getBytes(StandardCharsets.UTF_8));
            return name + "@" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every problem with this strategy, in words prefixed by {@code scenarios.<name>} (empty when valid). */
    public List<String> validate() {
        List<String> problems = new ArrayList<>();
        String at = "scenarios." + name + ".";
        if (segment == null || segment.isBlank()) {
            problems.add(at + "segment: required");
        }
        if (!AFTER_REGISTER.equals(after)) {
            problems.add(at + "after: only '" + AFTER_REGISTER + "' is supported, got '" + after + "'");
        }
        if (delay == null || delay.isNegative() || delay.isZero()) {
            problems.add(at + "delay: must be positive");
        }
        if (rewards.isEmpty()) {
            problems.add(at + "rewards: at least one candidate");
        }
        if (rewards.stream().map(ScenarioReward::key).distinct().count() != rewards.size()) {
            problems.add(at + "rewards: a candidate is listed twice");
        }
        if (channels.isEmpty()) {
            problems.add(at + "channels: at least one");
        }
        for (String channel : channels) {
            if (!CHANNELS.contains(channel)) {
                problems.add(at + "channels: '" + channel + "' is not one of " + new java.util.TreeSet<>(CHANNELS));
            }
        }
        if (!(explorationFloor >= 0 && explorationFloor <= 1)) {
            problems.add(at + "explorationFloor: must be within [0, 1]");
        }
        if (!(holdout >= 0 && holdout < 1)) {
            problems.add(at + "holdout: must be within [0, 1)");
        }
        ScenarioMessages.validate(messages, rewards).forEach(problem -> problems.add(at + problem));
        return problems;
    }

    /**
     * The strategy for a scenario of today's policy shape ({@code delay}, {@code rewards}): the segment
     * of the same name, armed on registration, the default channels, texts and floor, and the
     * attribution holdout. Replace with the policy's own fields once it carries them.
     */
    public static ScenarioStrategy fromPolicy(String name, Policy.Scenario scenario, Policy policy) {
        List<ScenarioReward> rewards = scenario.rewards().stream()
                .map(r -> ScenarioReward.of(r.kind(), r.amount())).toList();
        return new ScenarioStrategy(name, name, AFTER_REGISTER, scenario.delay(), rewards, DEFAULT_CHANNELS,
                DEFAULT_MESSAGES, DEFAULT_EXPLORATION_FLOOR, policy.attribution().holdout());
    }

    /** Every scenario of the policy, by name. */
    public static Map<String, ScenarioStrategy> allOf(Policy policy) {
        Map<String, ScenarioStrategy> all = new LinkedHashMap<>();
        if (policy.scenarios() != null) {
            policy.scenarios().forEach((name, scenario) -> all.put(name, fromPolicy(name, scenario, policy)));
        }
        return all;
    }
}
