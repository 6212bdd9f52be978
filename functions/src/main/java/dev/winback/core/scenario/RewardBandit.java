package dev.winback.core.scenario;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.random.RandomGenerator;

/**
 * C4: picks a scenario's reward by Thompson sampling with an exploration floor.
 *
 * <p>Each candidate's conversion rate has the posterior Beta(1 + conversions, 1 + sends − conversions)
 * (a uniform prior updated by its sends so far). One value is drawn from every posterior and the
 * candidate with the largest draw wins: a reward is chosen with the probability that it is the best
 * one, so evidence shifts sends towards the winner while uncertain candidates still get tried. On top
 * of that, with probability {@code floor} the choice is uniform over the candidates instead, so every
 * candidate keeps at least {@code floor / n} of the sends whatever the counters say: a reward that had
 * bad luck early is never starved, and a change in what users respond to is noticed.
 *
 * <p>All randomness comes from the given generator, in a fixed order (one Beta draw per candidate in
 * policy order, then the floor's coin, then the uniform pick if the coin says so), so a decision
 * seeded from its id ({@link #seededFrom}) can be replayed exactly from the counts it saw.
 */
public final class RewardBandit {

    private RewardBandit() {
    }

    /**
     * One candidate's posterior as the choice saw it.
     *
     * @param sampled the value drawn from Beta(alpha, beta) for this choice
     */
    public record Arm(String reward, long sends, long conversions, double alpha, double beta, double mean,
                      double sampled) {
    }

    /**
     * @param explored true when the floor's coin made the choice uniform (else the largest draw won)
     * @param arms     every candidate in policy order
     */
    public record Choice(ScenarioReward reward, boolean explored, double floor, List<Arm> arms) {

        public Choice {
            arms = List.copyOf(arms);
        }

        /** {@code {"id":"coupon:5.00","kind":"coupon","amount":5.00}} for the decision's details. */
        public Map<String, Object> rewardDetails() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("id", reward.key());
            map.put("kind", reward.kind().wireName());
            map.put("amount", reward.amount());
            return map;
        }

        /** {@code {"method":"thompson","floor":0.1,"explored":false,"arms":[{reward, sends, …, sampled}]}}. */
        public Map<String, Object> posteriorDetails() {
            List<Map<String, Object>> list = new ArrayList<>();
            for (Arm arm : arms) {
                Map<String, Object> map = new LinkedHashMap<>();
                map.put("reward", arm.reward());
                map.put("sends", arm.sends());
                map.put("conversions", arm.conversions());
                map.put("alpha", arm.alpha());
                map.put("beta", arm.beta());
                map.put("mean", arm.mean());
                map.put("sampled", arm.sampled());
                list.add(map);
            }
            Map<String, Object> posterior = new LinkedHashMap<>();
            posterior.put("method", "thompson");
            posterior.put("floor", floor);
            posterior.put("explored", explored);
            posterior.put("arms", list);
            return posterior;
        }
    }

    /**
     * @param counts by {@link ScenarioReward#key()}; a candidate without counts has none yet
     * @param floor  the share of choices made uniformly at random, in [0, 1]
     */
    public static Choice choose(List<ScenarioReward> candidates, Map<String, RewardStats.Counts> counts, double floor,
                                RandomGenerator random) {
        if (candidates.isEmpty()) {
            throw new IllegalArgumentException("a scenario needs at least one candidate reward");
        }
        if (!(floor >= 0 && floor <= 1)) {
            throw new IllegalArgumentException("the exploration floor must be within [0, 1], got " + floor);
        }
        List<Arm> arms = new ArrayList<>(candidates.size());
        int best = 0;
        for (int i = 0; i < candidates.size(); i++) {
            String key = candidates.get(i).key();
            RewardStats.Counts seen = counts.getOrDefault(key, RewardStats.Counts.NONE);
            double alpha = 1 + seen.conversions();
            // A lost send count (counters are at most once) must not make beta fall below the prior.
            double beta = 1 + Math.max(0, seen.sends() - seen.conversions());
            double sampled = BetaSampler.beta(alpha, beta, random);
            arms.add(new Arm(key, seen.sends(), seen.conversions(), alpha, beta, BetaSampler.mean(alpha, beta), sampled));
            if (sampled > arms.get(best).sampled()) {
                best = i;
            }
        }
        boolean explore = floor > 0 && random.nextDouble() < floor;
        int chosen = explore ? random.nextInt(candidates.size()) : best;
        return new Choice(candidates.get(chosen), explore, floor, arms);
    }

    /**
     * A generator seeded from the decision id (the first 64 bits of its SHA-256). {@link Random}'s
     * algorithm is fixed by its specification, so the same id draws the same values on every JVM.
     */
    public static RandomGenerator seededFrom(String decisionId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(decisionId.getBytes(StandardCharsets.UTF_8));
            return new Random(ByteBuffer.wrap(digest, 0, Long.BYTES).getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
