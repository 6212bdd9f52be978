package dev.winback.core.recall;

import java.util.ArrayList;
import java.util.List;

/**
 * C6 consent: which of the policy's channels can reach this user now — an address on file, no
 * opt-out by consent event, and for SMS not on the carrier opt-out (STOP) list.
 */
public final class Reachability {

    /** Consent keys that withdraw every channel at once. */
    private static final List<String> ALL_CHANNELS_KEYS = List.of("all", "marketing");

    private Reachability() {
    }

    public record Route(String channel, String address) {
    }

    /** @param optedOut true when some channel had an address but the user opted out of it */
    public record Routes(List<Route> routes, boolean optedOut) {
    }

    public static Routes of(ContactCard card, List<String> channelOrder, OptOutList optOuts) {
        List<Route> routes = new ArrayList<>();
        boolean optedOut = false;
        boolean withdrawnAll = ALL_CHANNELS_KEYS.stream().anyMatch(card.optedOut()::contains);
        for (String channel : channelOrder) {
            String address = card.address(channel);
            if (address == null) {
                continue;
            }
            boolean refused = withdrawnAll || card.optedOut().contains(channel)
                    || (channel.equals("sms") && optOuts.isOptedOut(address));
            if (refused) {
                optedOut = true;
            } else {
                routes.add(new Route(channel, address));
            }
        }
        return new Routes(routes, optedOut);
    }
}
