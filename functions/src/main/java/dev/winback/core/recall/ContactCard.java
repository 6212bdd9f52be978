package dev.winback.core.recall;

import dev.winback.core.state.UserState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What it takes to reach a user: addresses, language, time zone and withdrawn consents. Small, so
 * it can ride along in the dormant-cohort index and a scan needs nothing else.
 */
public record ContactCard(String userId, String pushEndpoint, String phone, String email, String wecomId,
                          String timezone, String locale, Set<String> optedOut) {

    public static ContactCard of(UserState user) {
        Set<String> optedOut = new TreeSet<>();
        user.consent.forEach((channel, optedIn) -> {
            if (!optedIn) {
                optedOut.add(channel);
            }
        });
        return new ContactCard(user.userId, user.profileText("pushEndpoint"), user.profileText("phone"),
                user.profileText("email"), user.profileText("wecomId"), user.profileText("timezone"),
                user.profileText("locale"), optedOut);
    }

    /** The address for a channel, or null when the user has none. */
    public String address(String channel) {
        return switch (channel) {
            case "push" -> pushEndpoint;
            case "sms" -> phone;
            case "email" -> email;
            case "wecom" -> wecomId;
            default -> null;
        };
    }

    /** Flat string map, as stored beside the state (null fields left out). */
    public Map<String, String> toMap() {
        Map<String, String> map = new LinkedHashMap<>();
        put(map, "pushEndpoint", pushEndpoint);
        put(map, "phone", phone);
        put(map, "email", email);
        put(map, "wecomId", wecomId);
        put(map, "timezone", timezone);
        put(map, "locale", locale);
        if (!optedOut.isEmpty()) {
            map.put("optedOut", String.join(",", optedOut));
        }
        return map;
    }

    public static ContactCard fromMap(String userId, Map<String, String> map) {
        Set<String> optedOut = new TreeSet<>();
        String list = map.get("optedOut");
        if (list != null && !list.isBlank()) {
            optedOut.addAll(java.util.Arrays.asList(list.split(",")));
        }
        return new ContactCard(userId, map.get("pushEndpoint"), map.get("phone"), map.get("email"), map.get("wecomId"),
                map.get("timezone"), map.get("locale"), optedOut);
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
