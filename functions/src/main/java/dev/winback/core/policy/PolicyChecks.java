package dev.winback.core.policy;

import dev.winback.core.scenario.Journey;
import dev.winback.core.scenario.ScenarioStrategy;
import dev.winback.core.segments.CustomSegments;
import dev.winback.core.segments.SegmentExpressionException;
import java.math.BigDecimal;

/** Range checks that the YAML types alone cannot express. */
final class PolicyChecks {

    /** Channels an in-session recall can use. */
    static final java.util.Set<String> RECALL_CHANNELS = java.util.Set.of("push", "sms");
    /** Channels a dormant reminder can use. */
    static final java.util.Set<String> REMINDER_CHANNELS = java.util.Set.of("wecom", "sms", "email", "push");
    /** Session features the churn model (A6) can weigh. */
    static final java.util.Set<String> CHURN_FEATURES =
            java.util.Set.of("pagesViewed", "cartValue", "leftApp", "minutesOnPage", "orders");

    private PolicyChecks() {
    }

    static void check(Policy p, String source) {
        present(source, "timeZone", p.timeZone());
        present(source, "ingest", p.ingest());
        present(source, "recall", p.recall());
        present(source, "dormancy", p.dormancy());
        present(source, "segments", p.segments());
        present(source, "messaging", p.messaging());
        present(source, "attribution", p.attribution());
        present(source, "geo", p.geo());
        present(source, "ingest.sessionTimeout", p.ingest().sessionTimeout());
        present(source, "ingest.maxFutureSkew", p.ingest().maxFutureSkew());
        present(source, "recall.watchedPages", p.recall().watchedPages());
        present(source, "recall.learnedTimer", p.recall().learnedTimer());
        present(source, "recall.highCartValue", p.recall().highCartValue());
        present(source, "recall.combination", p.recall().combination());
        present(source, "recall.coupon", p.recall().coupon());
        present(source, "dormancy.window", p.dormancy().window());
        present(source, "segments.highValueSpend90d", p.segments().highValueSpend90d());
        present(source, "scenarios", p.scenarios());
        present(source, "recall.learnedTimer.min", p.recall().learnedTimer().min());
        present(source, "recall.learnedTimer.max", p.recall().learnedTimer().max());
        present(source, "recall.coupon.share", p.recall().coupon().share());
        present(source, "recall.coupon.min", p.recall().coupon().min());
        present(source, "recall.coupon.max", p.recall().coupon().max());
        present(source, "recall.coupon.emptyCart", p.recall().coupon().emptyCart());
        present(source, "recall.coupon.dailyBudget", p.recall().coupon().dailyBudget());
        present(source, "recall.resourceGate", p.recall().resourceGate());
        present(source, "recall.churnModel", p.recall().churnModel());
        present(source, "recall.channels", p.recall().channels());
        present(source, "recall.timerQueueMaxDelay", p.recall().timerQueueMaxDelay());
        present(source, "recall.messages", p.recall().messages());
        require(p.recall().messages().containsKey("default"), source, "recall.messages", "must have a 'default' text");
        for (String channel : p.recall().channels()) {
            require(RECALL_CHANNELS.contains(channel), source, "recall.channels",
                    "names unknown channel '" + channel + "' (known: " + RECALL_CHANNELS + ")");
        }
        for (String feature : p.recall().churnModel().coefficients().keySet()) {
            require(CHURN_FEATURES.contains(feature), source, "recall.churnModel.coefficients",
                    "names unknown feature '" + feature + "' (known: " + CHURN_FEATURES + ")");
        }
        present(source, "dormancy.scanAt", p.dormancy().scanAt());
        present(source, "dormancy.coolDown", p.dormancy().coolDown());
        present(source, "dormancy.channels", p.dormancy().channels());
        present(source, "dormancy.messages", p.dormancy().messages());
        require(p.dormancy().messages().containsKey("default"), source, "dormancy.messages", "must have a 'default' text");
        require(p.dormancy().indexShards() >= 1 && p.dormancy().indexShards() <= 100, source, "dormancy.indexShards",
                "must be 1..100");
        require(p.dormancy().maxPerEpisode() >= 1, source, "dormancy.maxPerEpisode", "must be at least 1");
        require(p.dormancy().coolDown().toDays() >= 1, source, "dormancy.coolDown", "must be at least one day");
        for (String channel : p.dormancy().channels()) {
            require(REMINDER_CHANNELS.contains(channel), source, "dormancy.channels",
                    "names unknown channel '" + channel + "' (known: " + REMINDER_CHANNELS + ")");
        }
        present(source, "messaging.frequencyCaps", p.messaging().frequencyCaps());
        present(source, "messaging.quietHours", p.messaging().quietHours());
        present(source, "messaging.quietHours.start", p.messaging().quietHours().start());
        present(source, "messaging.quietHours.end", p.messaging().quietHours().end());
        present(source, "attribution.window", p.attribution().window());
        require(p.ingest().dedupWindow() >= 0 && p.ingest().dedupWindow() <= 256, source,
                "ingest.dedupWindow", "must be 0..256");
        require(p.ingest().maxRecordBytes() > 0, source, "ingest.maxRecordBytes", "must be positive");
        Policy.LearnedTimer timer = p.recall().learnedTimer();
        require(timer.factor() > 0 && timer.factor() <= 1, source, "recall.learnedTimer.factor", "must be in (0, 1]");
        require(timer.min().compareTo(timer.max()) <= 0, source, "recall.learnedTimer", "min must not exceed max");
        require(!p.recall().watchedPages().isEmpty(), source, "recall.watchedPages", "must name at least one page");
        Policy.Coupon coupon = p.recall().coupon();
        require(coupon.min().compareTo(coupon.max()) <= 0, source, "recall.coupon", "min must not exceed max");
        require(coupon.dailyBudget().signum() >= 0, source, "recall.coupon.dailyBudget", "must not be negative");
        require(p.dormancy().threshold() >= 0, source, "dormancy.threshold", "must not be negative");
        require(p.segments().highValueSpend90d().compareTo(BigDecimal.ZERO) >= 0, source,
                "segments.highValueSpend90d", "must not be negative");
        checkCustomSegments(p.segments().custom(), source);
        require(p.attribution().holdout() >= 0 && p.attribution().holdout() < 1, source,
                "attribution.holdout", "must be in [0, 1)");
        require(p.geo().k() >= 1, source, "geo.k", "must be at least 1");
        checkScenariosAndJourneys(p, source);
    }

    /**
     * C3/C5: every scenario's and journey's settings, each problem naming its field
     * ({@code scenarios.new_no_order.channels: 'fax' is not one of [...]}); all of them in one message.
     */
    private static void checkScenariosAndJourneys(Policy p, String source) {
        java.util.List<String> problems = new java.util.ArrayList<>(ScenarioStrategy.problemsIn(p));
        problems.addAll(Journey.problemsIn(p));
        if (!problems.isEmpty()) {
            throw new PolicyException(source + ": " + String.join("; ", problems));
        }
    }

    /** C2: every custom segment's name and CEL expression, compiled and type-checked now (and cached). */
    private static void checkCustomSegments(java.util.Map<String, String> custom, String source) {
        try {
            CustomSegments.of(custom);
        } catch (SegmentExpressionException e) {
            String setting = e.segment() == null ? "segments.custom" : "segments.custom." + e.segment();
            throw new PolicyException(source + ": setting '" + setting + "' " + e.detail(), e);
        }
    }

    private static void present(String source, String setting, Object value) {
        require(value != null, source, setting, "is required");
    }

    private static void require(boolean ok, String source, String setting, String rule) {
        if (!ok) {
            throw new PolicyException(source + ": setting '" + setting + "' " + rule);
        }
    }
}
