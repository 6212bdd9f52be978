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
        messages = copyOf(messages);
    }

    /** An unmodifiable copy in the given order; empty entries stay, for validation to name them. */
    static Map<String, Map<String, String>> copyOf(Map<String, Map<String, String>> messages) {
        Map<String, Map<String, String>> copy = new LinkedHashMap<>();
        messages.forEach((locale, byReward) -> copy.put(locale,
                byReward == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byReward))));
        return java.util.Collections.unmodifiableMap(copy);
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
     * The strategy of a scenario in the policy, each field left out at its default: the segment of the
     * same name, armed on registration, {@link #DEFAULT_CHANNELS}, {@link #DEFAULT_MESSAGES},
     * {@link #DEFAULT_EXPLORATION_FLOOR}, and the attribution holdout.
     *
     * @throws IllegalArgumentException when a reward is not one (unknown kind, a coupon without amount)
     */
    public static ScenarioStrategy fromPolicy(String name, Policy.Scenario scenario, Policy policy) {
        return new ScenarioStrategy(name,
                scenario.segment() == null ? name : scenario.segment(),
                scenario.after() == null ? AFTER_REGISTER : scenario.after(),
                scenario.delay(),
                rewardsOf(scenario.rewards()),
                scenario.channels() == null ? DEFAULT_CHANNELS : scenario.channels(),
                scenario.messages() == null ? DEFAULT_MESSAGES : scenario.messages(),
                scenario.explorationFloor() == null ? DEFAULT_EXPLORATION_FLOOR : scenario.explorationFloor(),
                scenario.holdout() == null ? policy.attribution().holdout() : scenario.holdout());
    }

    /** The policy's rewards as candidates; none for an absent list. */
    static List<ScenarioReward> rewardsOf(List<Policy.Reward> rewards) {
        if (rewards == null) {
            return List.of();
        }
        List<ScenarioReward> candidates = new ArrayList<>(rewards.size());
        for (int i = 0; i < rewards.size(); i++) {
            Policy.Reward reward = rewards.get(i);
            if (reward == null) {
                throw new IllegalArgumentException("rewards[" + i + "]: empty");
            }
            try {
                candidates.add(ScenarioReward.of(reward.kind(), reward.amount()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("rewards[" + i + "]: " + e.getMessage(), e);
            }
        }
        return candidates;
    }

    /**
     * Every problem with the policy's scenarios, each prefixed by {@code scenarios.<name>.<field>}
     * (empty when all are valid): the strategy's own rules ({@link #validate()}), a name usable in a
     * timer's page, and a segment the policy defines (built-in or custom).
     */
    public static List<String> problemsIn(Policy policy) {
        List<String> problems = new ArrayList<>();
        if (policy.scenarios() == null) {
            return problems;
        }
        Set<String> segments = knownSegments(policy);
        policy.scenarios().forEach((name, scenario) -> {
            String at = "scenarios." + name;
            if (!isName(name)) {
                problems.add(at + ": a name is letters, digits, '_' and '-' (it becomes part of timer and decision ids)");
                return;
            }
            if (scenario == null) {
                problems.add(at + ": empty");
                return;
            }
            ScenarioStrategy strategy;
            try {
                strategy = fromPolicy(name, scenario, policy);
            } catch (IllegalArgumentException e) {
                problems.add(at + "." + e.getMessage());
                return;
            } catch (NullPointerException e) {
                problems.add(at + ": a list holds an empty entry");
                return;
            }
            problems.addAll(strategy.validate());
            if (strategy.segment() != null && !strategy.segment().isBlank() && !segments.contains(strategy.segment())) {
                problems.add(at + ".segment: '" + strategy.segment() + "' is not a segment (known: " + segments + ")");
            }
        });
        return problems;
    }

    /** The built-in segment tags and the policy's custom ones. */
    static Set<String> knownSegments(Policy policy) {
        Set<String> known = new java.util.TreeSet<>(dev.winback.core.segments.BuiltInTags.ALL);
        if (policy.segments() != null) {
            known.addAll(policy.segments().custom().keySet());
        }
        return known;
    }

    /** Scenario, journey and step names: they end up in timer pages ({@code journey:<name>:<step>}) and ids. */
    static boolean isName(String name) {
        return name != null && name.matches("[A-Za-z0-9_-]{1,64}");
    }

    /** What the shared decision pipeline needs of this strategy. */
    MessagePlan plan() {
        return new MessagePlan(trigger(), holdout, name, List.of(segment), rewards, channels, messages, explorationFloor);
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
