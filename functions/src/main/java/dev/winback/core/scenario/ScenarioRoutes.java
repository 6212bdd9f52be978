package dev.winback.core.scenario;

import dev.winback.core.recall.ContactCard;
import dev.winback.core.recall.OptOutList;
import dev.winback.core.recall.Reachability;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * C6 consent for a scenario's channels, in the strategy's order. Address channels (push, SMS, email,
 * WeCom) follow {@link Reachability}. The in-app {@code inbox} and the {@code ad_audience} need no
 * address (the route's address is the user id): every registered user has an inbox and can be put in
 * an audience, unless they withdrew that channel, or all marketing ({@code all}, {@code marketing}).
 */
public final class ScenarioRoutes {

    public static final String INBOX = "inbox";
    public static final String AD_AUDIENCE = "ad_audience";
    /** The message attribute that names the audience: the trigger, e.g. {@code scenario:new_no_order}. */
    public static final String AUDIENCE_ATTRIBUTE = "audience";

    private static final Set<String> WITHDRAW_ALL = Set.of("all", "marketing");

    private ScenarioRoutes() {
    }

    public static Reachability.Routes of(ContactCard card, List<String> channels, OptOutList optOuts) {
        List<Reachability.Route> routes = new ArrayList<>();
        boolean optedOut = false;
        for (String channel : channels) {
            if (channel.equals(INBOX) || channel.equals(AD_AUDIENCE)) {
                boolean withdrawn = card.optedOut().contains(channel)
                        || WITHDRAW_ALL.stream().anyMatch(card.optedOut()::contains);
                if (withdrawn) {
                    optedOut = true;
                } else {
                    routes.add(new Reachability.Route(channel, card.userId()));
                }
                continue;
            }
            Reachability.Routes one = Reachability.of(card, List.of(channel), optOuts);
            routes.addAll(one.routes());
            optedOut |= one.optedOut();
        }
        return new Reachability.Routes(routes, optedOut);
    }
}
