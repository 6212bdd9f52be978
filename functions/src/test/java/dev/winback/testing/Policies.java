package dev.winback.testing;

import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import java.math.BigDecimal;
import java.time.LocalTime;
import java.util.List;
import java.util.Map;

/** The shipped default policy and variants of it with one setting changed, for tests. */
public final class Policies {

    public static final Policy DEFAULTS = PolicyLoader.defaults();

    private Policies() {
    }

    public static Policy withCombination(Policy p, Policy.Combination combination) {
        Policy.Recall r = p.recall();
        return withRecall(p, new Policy.Recall(r.watchedPages(), r.learnedTimer(), r.pagesThenLeft(), r.highCartValue(),
                combination, r.churnModel(), r.resourceGate(), r.coupon(), r.channels(), r.timerQueueMaxDelay(),
                r.messages()));
    }

    public static Policy withChurnModel(Policy p, Policy.ChurnModel model) {
        Policy.Recall r = p.recall();
        return withRecall(p, new Policy.Recall(r.watchedPages(), r.learnedTimer(), r.pagesThenLeft(), r.highCartValue(),
                r.combination(), model, r.resourceGate(), r.coupon(), r.channels(), r.timerQueueMaxDelay(),
                r.messages()));
    }

    public static Policy withDailyBudget(Policy p, String budget) {
        Policy.Recall r = p.recall();
        Policy.Coupon c = r.coupon();
        Policy.Coupon coupon = new Policy.Coupon(c.share(), c.min(), c.max(), c.emptyCart(), new BigDecimal(budget));
        return withRecall(p, new Policy.Recall(r.watchedPages(), r.learnedTimer(), r.pagesThenLeft(), r.highCartValue(),
                r.combination(), r.churnModel(), r.resourceGate(), coupon, r.channels(), r.timerQueueMaxDelay(),
                r.messages()));
    }

    public static Policy withChannels(Policy p, List<String> channels) {
        Policy.Recall r = p.recall();
        return withRecall(p, new Policy.Recall(r.watchedPages(), r.learnedTimer(), r.pagesThenLeft(), r.highCartValue(),
                r.combination(), r.churnModel(), r.resourceGate(), r.coupon(), channels, r.timerQueueMaxDelay(),
                r.messages()));
    }

    public static Policy withMessages(Policy p, Map<String, String> messages) {
        Policy.Recall r = p.recall();
        return withRecall(p, new Policy.Recall(r.watchedPages(), r.learnedTimer(), r.pagesThenLeft(), r.highCartValue(),
                r.combination(), r.churnModel(), r.resourceGate(), r.coupon(), r.channels(), r.timerQueueMaxDelay(),
                messages));
    }

    public static Policy withQuietHours(Policy p, String start, String end) {
        Policy.Messaging m = p.messaging();
        return new Policy(p.timeZone(), p.ingest(), p.recall(), p.dormancy(), p.segments(), p.scenarios(),
                new Policy.Messaging(m.frequencyCaps(), new Policy.QuietHours(LocalTime.parse(start), LocalTime.parse(end))),
                p.attribution(), p.geo(), p.journeys());
    }

    public static Policy withRecall(Policy p, Policy.Recall recall) {
        return new Policy(p.timeZone(), p.ingest(), recall, p.dormancy(), p.segments(), p.scenarios(), p.messaging(),
                p.attribution(), p.geo(), p.journeys());
    }

    /** The same policy without a control group, for tests about what happens to everyone who is messaged. */
    public static Policy withoutHoldout(Policy p) {
        Policy.Attribution a = p.attribution();
        return new Policy(p.timeZone(), p.ingest(), p.recall(), p.dormancy(), p.segments(), p.scenarios(), p.messaging(),
                new Policy.Attribution(a.window(), 0), p.geo(), p.journeys());
    }
}
