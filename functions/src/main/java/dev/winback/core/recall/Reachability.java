package dev.winback.core.recall;

import dev.winback.core.state.UserState;
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

    public static Routes of(UserState user, List<String> channelOrder, OptOutList optOuts) {
        List<Route> routes = new ArrayList<>();
        boolean optedOut = false;
        boolean withdrawnAll = ALL_CHANNELS_KEYS.stream().anyMatch(key -> Boolean.FALSE.equals(user.consent.get(key)));
        for (String channel : channelOrder) {
            String address = address(user, channel);
            if (address == null) {
                continue;
            }
            boolean refused = withdrawnAll || Boolean.FALSE.equals(user.consent.get(channel))
                    || (channel.equals("sms") && optOuts.isOptedOut(address));
            if (refused) {
                optedOut = true;
            } else {
                routes.add(new Route(channel, address));
            }
        }
        return new Routes(routes, optedOut);
    }

    static String address(UserState user, String channel) {
        return switch (channel) {
            case "push" -> user.profileText("pushEndpoint");
            case "sms" -> user.profileText("phone");
            case "email" -> user.profileText("email");
            case "wecom" -> user.profileText("wecomId");
            default -> null;
        };
    }
}
