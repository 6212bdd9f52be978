package dev.winback.local;

import dev.winback.core.conversion.Attribution;
import dev.winback.core.conversion.Conversion;
import dev.winback.core.conversion.Order;
import dev.winback.core.conversion.Touch;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision;
import dev.winback.core.scenario.ScenarioConversions;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * C4 feedback in the simulator: as each order arrives on the virtual clock it is attributed (C7,
 * last touch within the window) to the decisions made so far, and a scenario message it converts
 * counts one conversion for the reward it carried — so the bandit learns during the run, as the
 * conversion consumer makes it learn in AWS.
 */
final class OnlineConversions {

    private final Policy policy;
    private final SimulationStores stores;
    private int counted;

    OnlineConversions(Policy policy, SimulationStores stores) {
        this.policy = policy;
        this.stores = stores;
    }

    /** Called for every trace line before it is ingested; only orders matter here. */
    void onEvent(TraceLine event, Instant at) {
        if (at == null || !event.is("order_placed") || event.userId() == null || event.orderId() == null) {
            return; // not an order, or a bad line the ingest handler quarantines
        }
        String userId = event.userId();
        List<Decision> mine = stores.decisionsOf(userId);
        List<Touch> touches = mine.stream().map(Touch::of).flatMap(Optional::stream).toList();
        if (touches.isEmpty()) {
            return;
        }
        Order order = new Order(userId, event.orderId(), at, BigDecimal.ZERO, null, null, null, null);
        Map<String, Decision> byId = mine.stream().collect(Collectors.toMap(Decision::decisionId, d -> d, (a, b) -> b));
        for (Conversion conversion : Attribution.attribute(touches, List.of(order), List.of(),
                policy.attribution().window()).conversions()) {
            Decision touch = byId.get(conversion.touch().decisionId());
            if (touch != null && ScenarioConversions.record(touch, stores.sends(), stores.rewardStats())) {
                counted++;
            }
        }
    }

    int counted() {
        return counted;
    }
}
