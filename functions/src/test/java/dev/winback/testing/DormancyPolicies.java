package dev.winback.testing;

import dev.winback.core.policy.Policy;

/** Variants of a policy's dormancy section (B1–B6) with one setting changed, for tests. */
public final class DormancyPolicies {

    private DormancyPolicies() {
    }

    public static Policy withThreshold(Policy p, int threshold) {
        Policy.Dormancy d = p.dormancy();
        return withDormancy(p, new Policy.Dormancy(d.window(), threshold, d.scanAt(), d.coolDown(), d.maxPerEpisode(),
                d.channels(), d.indexShards(), d.messages()));
    }

    public static Policy withMaxPerEpisode(Policy p, int maxPerEpisode) {
        Policy.Dormancy d = p.dormancy();
        return withDormancy(p, new Policy.Dormancy(d.window(), d.threshold(), d.scanAt(), d.coolDown(), maxPerEpisode,
                d.channels(), d.indexShards(), d.messages()));
    }

    public static Policy withDormancy(Policy p, Policy.Dormancy dormancy) {
        return new Policy(p.timeZone(), p.ingest(), p.recall(), dormancy, p.segments(), p.scenarios(), p.messaging(),
                p.attribution(), p.geo(), p.journeys());
    }
}
