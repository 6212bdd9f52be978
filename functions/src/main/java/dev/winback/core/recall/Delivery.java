package dev.winback.core.recall;

import java.util.ArrayList;
import java.util.List;

/**
 * One message for a decision, on the first channel that takes it, at most once per decision and
 * channel whatever retries happen. Shared by every trigger.
 */
public final class Delivery {

    private final SendLedger sends;
    private final Notifier notifier;

    public Delivery(SendLedger sends, Notifier notifier) {
        this.sends = sends;
        this.notifier = notifier;
    }

    /**
     * Claims channels in order and sends on the first that takes the message. A refused channel
     * keeps its claim once a later one carried the message, so a retry cannot send there too; on a
     * retry the channel that carried it is the last one claimed by the earlier attempt.
     *
     * @param template the message for each route (the address and channel are filled in per route)
     * @return the channel that carries the message (now or in an earlier attempt), or null
     */
    public String deliver(Notifier.Message template, List<Reachability.Route> routes) {
        String decisionId = template.decisionId();
        List<String> refused = new ArrayList<>();
        String carriedEarlier = null;
        for (Reachability.Route route : routes) {
            if (!sends.claim(decisionId, route.channel())) {
                carriedEarlier = route.channel(); // claimed by an earlier attempt
                continue;
            }
            if (carriedEarlier != null) {
                sends.release(decisionId, route.channel()); // the earlier attempt stopped before it
                return carriedEarlier;
            }
            try {
                notifier.send(new Notifier.Message(decisionId, template.userId(), route.channel(), route.address(),
                        template.text(), template.attributes(), template.attachment()));
                return route.channel();
            } catch (Notifier.DeliveryException e) {
                refused.add(route.channel());
            }
        }
        if (carriedEarlier != null) {
            return carriedEarlier;
        }
        refused.forEach(channel -> sends.release(decisionId, channel)); // nothing went: free to retry
        return null;
    }
}
