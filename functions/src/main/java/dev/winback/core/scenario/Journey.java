package dev.winback.core.scenario;

import dev.winback.core.policy.Policy;
import dev.winback.core.state.UserState;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * C5: a lifecycle journey. From {@code after} (today: registration) the user is taken through timed
 * {@code steps} — day 1, day 3, day 7 … — each a message (with a reward when the step names
 * candidates) that goes out through the same pipeline as a scenario's. When a step fires, the
 * {@code exitWhen} conditions are checked first; the first one met ends the journey, so the app keeps
 * in touch without marketing to someone who no longer needs it.
 *
 * <p>Exit conditions: {@code ordered} (an order since the journey started), {@code opted_out}
 * (withdrew all marketing: consent {@code all} or {@code marketing} off), {@code in_segment:<tag>}
 * (the user carries the segment tag when the step fires) and {@code not_in_segment:<tag>} (no longer
 * carries it).
 *
 * @param exitWhen conditions checked, in order, when each step fires
 * @param holdout  the share of users held back at every step, drawn once per journey and user
 * @param steps    strictly increasing waits, each counted from the start
 */
public record Journey(String name, String after, List<String> exitWhen, double holdout, List<Step> steps) {

    public static final String TRIGGER_PREFIX = "journey:";
    public static final String ORDERED = "ordered";
    public static final String OPTED_OUT = "opted_out";
    public static final String IN_SEGMENT = "in_segment:";
    public static final String NOT_IN_SEGMENT = "not_in_segment:";
    /** A step is armed with the registration, before that state is saved: it must not fire before it is. */
    public static final Duration MIN_WAIT = Duration.ofMinutes(1);

    private static final Set<String> WITHDRAW_ALL = Set.of("all", "marketing");

    /**
     * @param sinceStart the step's {@code wait} in the policy: from the journey's start (not from the previous step)
     * @param rewards  the bandit's candidates; empty for a message only
     * @param messages locale → reward kind / key → template; {@code text} for a step without rewards
     */
    public record Step(String name, Duration sinceStart, List<String> channels, List<ScenarioReward> rewards,
                       Map<String, Map<String, String>> messages, double explorationFloor) {

        public Step {
            Objects.requireNonNull(name, "name");
            channels = List.copyOf(channels);
            rewards = List.copyOf(rewards);
            messages = ScenarioStrategy.copyOf(messages);
        }
    }

    public Journey {
        Objects.requireNonNull(name, "name");
        exitWhen = List.copyOf(exitWhen);
        steps = List.copyOf(steps);
    }

    /** The trigger of a step's decision and the page of its timer: {@code journey:onboarding:day1}. */
    public String trigger(Step step) {
        return TRIGGER_PREFIX + name + ":" + step.name();
    }

    /** What the holdout hashes: the journey, not the step, so the control group is the same at every step. */
    public String holdoutGroup() {
        return TRIGGER_PREFIX + name;
    }

    public Step first() {
        return steps.get(0);
    }

    public Optional<Step> step(String stepName) {
        return steps.stream().filter(s -> s.name().equals(stepName)).findFirst();
    }

    /** The first step whose wait is later than {@code sinceStart}; empty when none is. */
    public Optional<Step> after(Duration sinceStart) {
        return steps.stream().filter(s -> s.sinceStart().compareTo(sinceStart) > 0).findFirst();
    }

    /**
     * The condition among {@code exitWhen} the user meets when a step fires at {@code at}, in policy
     * order; null when none is met.
     */
    public String exitMet(UserState user, Instant startedAt, Instant at, SegmentMembership membership) {
        for (String condition : exitWhen) {
            boolean met;
            if (condition.equals(ORDERED)) {
                met = user.lastOrderAt != null && !user.lastOrderAt.isBefore(startedAt);
            } else if (condition.equals(OPTED_OUT)) {
                met = WITHDRAW_ALL.stream().anyMatch(key -> Boolean.FALSE.equals(user.consent.get(key)));
            } else if (condition.startsWith(IN_SEGMENT)) {
                met = membership.isMember(user, condition.substring(IN_SEGMENT.length()), at);
            } else if (condition.startsWith(NOT_IN_SEGMENT)) {
                met = !membership.isMember(user, condition.substring(NOT_IN_SEGMENT.length()), at);
            } else {
                throw new IllegalStateException("unknown exit condition '" + condition + "' in journey " + name);
            }
            if (met) {
                return condition;
            }
        }
        return null;
    }

    /**
     * A step's label in reports: journey, step and a digest of everything that shapes its message
     * ({@code onboarding.day3@3f2a9c01}), so figures before and after a policy change are told apart.
     */
    public String label(Step step) {
        Map<String, Object> shape = new TreeMap<>();
        shape.put("after", after);
        shape.put("exitWhen", exitWhen);
        shape.put("holdout", holdout);
        shape.put("wait", step.sinceStart());
        shape.put("rewards", step.rewards().stream().map(ScenarioReward::key).toList());
        shape.put("channels", step.channels());
        Map<String, Map<String, String>> sorted = new TreeMap<>();
        step.messages().forEach((locale, byReward) -> sorted.put(locale, new TreeMap<>(byReward)));
        shape.put("messages", sorted);
        shape.put("explorationFloor", step.explorationFloor());
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(shape.toString().getBytes(StandardCharsets.UTF_8));
            return name + "." + step.name() + "@" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the shared decision pipeline needs of a step. */
    MessagePlan plan(Step step) {
        return new MessagePlan(holdoutGroup(), holdout, trigger(step), List.of(name), step.rewards(), step.channels(),
                step.messages(), step.explorationFloor());
    }

    /**
     * Every problem with this journey, in words prefixed by {@code journeys.<name>} (empty when valid).
     *
     * @param segments the segment tags the policy defines, for {@code in_segment:} / {@code not_in_segment:}
     */
    public List<String> validate(Set<String> segments) {
        List<String> problems = new ArrayList<>();
        String at = "journeys." + name + ".";
        if (!ScenarioStrategy.AFTER_REGISTER.equals(after)) {
            problems.add(at + "after: only '" + ScenarioStrategy.AFTER_REGISTER + "' is supported, got '" + after + "'");
        }
        for (String condition : exitWhen) {
            String tag = condition.startsWith(IN_SEGMENT) ? condition.substring(IN_SEGMENT.length())
                    : condition.startsWith(NOT_IN_SEGMENT) ? condition.substring(NOT_IN_SEGMENT.length()) : null;
            if (tag != null) {
                if (!segments.contains(tag)) {
                    problems.add(at + "exitWhen: '" + tag + "' in '" + condition + "' is not a segment (known: "
                            + segments + ")");
                }
            } else if (!condition.equals(ORDERED) && !condition.equals(OPTED_OUT)) {
                problems.add(at + "exitWhen: '" + condition + "' is not one of [" + ORDERED + ", " + OPTED_OUT + ", "
                        + IN_SEGMENT + "<segment>, " + NOT_IN_SEGMENT + "<segment>]");
            }
        }
        if (!(holdout >= 0 && holdout < 1)) {
            problems.add(at + "holdout: must be within [0, 1)");
        }
        if (steps.isEmpty()) {
            problems.add(at + "steps: at least one");
        }
        Set<String> names = new HashSet<>();
        Duration previous = null;
        for (Step step : steps) {
            String where = at + "steps." + step.name() + ".";
            if (!ScenarioStrategy.isName(step.name())) {
                problems.add(at + "steps: '" + step.name()
                        + "' is not a step name (letters, digits, '_' and '-'; it becomes part of timer and decision ids)");
            }
            if (!names.add(step.name())) {
                problems.add(at + "steps: '" + step.name() + "' is named twice");
            }
            if (step.sinceStart() == null || step.sinceStart().compareTo(MIN_WAIT) < 0) {
                problems.add(where + "wait: must be at least " + MIN_WAIT + " (the step is armed at registration,"
                        + " before that state is saved)");
            } else {
                if (previous != null && step.sinceStart().compareTo(previous) <= 0) {
                    problems.add(where + "wait: must be later than the step before (" + previous
                            + "): waits count from the start and increase strictly");
                }
                previous = step.sinceStart();
            }
            if (step.channels().isEmpty()) {
                problems.add(where + "channels: at least one");
            }
            for (String channel : step.channels()) {
                if (!ScenarioStrategy.CHANNELS.contains(channel)) {
                    problems.add(where + "channels: '" + channel + "' is not one of " + new TreeSet<>(ScenarioStrategy.CHANNELS));
                }
            }
            if (step.rewards().stream().map(ScenarioReward::key).distinct().count() != step.rewards().size()) {
                problems.add(where + "rewards: a candidate is listed twice");
            }
            if (!(step.explorationFloor() >= 0 && step.explorationFloor() <= 1)) {
                problems.add(where + "explorationFloor: must be within [0, 1]");
            }
            ScenarioMessages.validate(step.messages(), step.rewards()).forEach(problem -> problems.add(where + problem));
        }
        return problems;
    }

    /**
     * A journey of the policy, each field left out at its default: started on registration, no exit
     * conditions, the attribution holdout; per step the default channels, the built-in reward texts and
     * the default exploration floor.
     *
     * @throws IllegalArgumentException naming the step and reward when a reward is not one
     */
    public static Journey fromPolicy(String name, Policy.Journey journey, Policy policy) {
        List<Step> steps = new ArrayList<>();
        List<Policy.JourneyStep> listed = journey.steps() == null ? List.of() : journey.steps();
        for (int i = 0; i < listed.size(); i++) {
            Policy.JourneyStep step = listed.get(i);
            if (step == null) {
                throw new IllegalArgumentException("steps[" + i + "]: empty");
            }
            String stepName = step.name() == null ? "[" + i + "]" : step.name();
            List<ScenarioReward> rewards;
            try {
                rewards = ScenarioStrategy.rewardsOf(step.rewards());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("steps." + stepName + "." + e.getMessage(), e);
            }
            steps.add(new Step(stepName, step.sinceStart(),
                    step.channels() == null ? ScenarioStrategy.DEFAULT_CHANNELS : step.channels(),
                    rewards,
                    step.messages() == null ? ScenarioStrategy.DEFAULT_MESSAGES : step.messages(),
                    step.explorationFloor() == null ? ScenarioStrategy.DEFAULT_EXPLORATION_FLOOR : step.explorationFloor()));
        }
        return new Journey(name,
                journey.after() == null ? ScenarioStrategy.AFTER_REGISTER : journey.after(),
                journey.exitWhen() == null ? List.of() : journey.exitWhen(),
                journey.holdout() == null ? policy.attribution().holdout() : journey.holdout(),
                steps);
    }

    /** Every journey of the policy, by name, in policy order. */
    public static Map<String, Journey> allOf(Policy policy) {
        Map<String, Journey> all = new LinkedHashMap<>();
        policy.journeys().forEach((name, journey) -> all.put(name, fromPolicy(name, journey, policy)));
        return all;
    }

    /** Every problem with the policy's journeys, each prefixed by {@code journeys.<name>} (empty when all are valid). */
    public static List<String> problemsIn(Policy policy) {
        List<String> problems = new ArrayList<>();
        Set<String> segments = ScenarioStrategy.knownSegments(policy);
        policy.journeys().forEach((name, journey) -> {
            String at = "journeys." + name;
            if (!ScenarioStrategy.isName(name)) {
                problems.add(at + ": a name is letters, digits, '_' and '-' (it becomes part of timer and decision ids)");
                return;
            }
            if (journey == null) {
                problems.add(at + ": empty");
                return;
            }
            try {
                problems.addAll(fromPolicy(name, journey, policy).validate(segments));
            } catch (IllegalArgumentException e) {
                problems.add(at + "." + e.getMessage());
            } catch (NullPointerException e) {
                problems.add(at + ": a list holds an empty entry");
            }
        });
        return problems;
    }
}
