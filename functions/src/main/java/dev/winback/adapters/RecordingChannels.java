package dev.winback.adapters;

import dev.winback.core.recall.CouponPublisher;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.DecisionLog;
import dev.winback.core.recall.Notifier;
import dev.winback.core.recall.OptOutList;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Local stand-ins for the outside world: every message, coupon notice and decision is kept in
 * order so a simulation can write them out. Opt-outs locally come from consent events only.
 */
public final class RecordingChannels implements Notifier, CouponPublisher, DecisionLog, OptOutList {

    /** A message as it would have left, with the time the simulation sent it. */
    public record Sent(Instant at, Notifier.Message message) {
    }

    private final java.util.function.Supplier<Instant> clock;
    private final List<Sent> sent = new ArrayList<>();
    private final Map<String, Decision> decisions = new LinkedHashMap<>();

    public RecordingChannels(java.util.function.Supplier<Instant> clock) {
        this.clock = clock;
    }

    @Override
    public synchronized void send(Message message) {
        sent.add(new Sent(clock.get(), message));
    }

    @Override
    public void publish(String couponId, String decisionId, String userId, BigDecimal amount, String kind, Instant at) {
        // the coupons themselves are listed from the ledger; the wallet notice adds nothing locally
    }

    @Override
    public synchronized void record(Decision decision) {
        decisions.put(decision.decisionId(), decision);
    }

    @Override
    public synchronized java.util.Optional<Decision> find(String userId, Instant at, String decisionId) {
        return java.util.Optional.ofNullable(decisions.get(decisionId));
    }

    @Override
    public synchronized List<Decision> forUser(String userId, Instant from, Instant to) {
        return decisions.values().stream()
                .filter(d -> d.userId().equals(userId) && !d.at().isBefore(from) && !d.at().isAfter(to))
                .sorted(java.util.Comparator.comparing(Decision::at))
                .toList();
    }

    @Override
    public boolean isOptedOut(String phoneNumber) {
        return false;
    }

    public synchronized List<Sent> sent() {
        return List.copyOf(sent);
    }

    public synchronized List<Decision> decisions() {
        return List.copyOf(decisions.values());
    }
}
