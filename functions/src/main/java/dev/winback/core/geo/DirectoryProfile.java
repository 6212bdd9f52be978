package dev.winback.core.geo;

import dev.winback.core.event.BehaviorEvent.ProfileUpdated;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Keeps a directory entry current from {@code profile_updated} events (D1): the B2B fields of the
 * event overwrite the entry's, the others (email, timezone, ...) are not the directory's business.
 *
 * <p>Fields folded: {@code name}, {@code phone}, {@code wechatOpenId}, {@code lat}, {@code lon},
 * {@code businessNature}, {@code role}, {@code verified}, {@code categories}, {@code materials}, and,
 * when a producer sends them, {@code features} (object of numbers), {@code preferences} (object) and
 * {@code tradeFrequency} (number ≥ 0). An explicit null clears a field (location: back to unknown;
 * lists and maps: empty; {@code verified}: false), as it does in the user state. Values the event
 * decoder does not already check are ignored when malformed (an unknown role, a negative frequency,
 * a non-numeric feature) rather than failing the batch: the previous value stays. The campaign
 * history fields (sensitivity, last deal, conversion) are only changed by {@link CampaignFeedback}.
 */
public final class DirectoryProfile {

    private DirectoryProfile() {
    }

    /** The entry after {@code update}; {@code previous} may be null (the user's first profile event). */
    public static DirectoryEntry fold(DirectoryEntry previous, ProfileUpdated update) {
        DirectoryEntry e = previous != null ? previous : DirectoryEntry.blank(update.envelope().userId());
        return fold(e, update.fields());
    }

    /** The entry after applying the profile {@code fields} (wire names, values as decoded). */
    public static DirectoryEntry fold(DirectoryEntry e, Map<String, Object> fields) {
        String name = text(fields, "name", e.name());
        String phone = text(fields, "phone", e.phone());
        String openId = text(fields, "wechatOpenId", e.wechatOpenId());
        String nature = text(fields, "businessNature", e.businessNature());
        double lat = coordinate(fields, "lat", e.lat(), 90);
        double lon = coordinate(fields, "lon", e.lon(), 180);
        Role role = e.role();
        if (fields.containsKey("role")) {
            Object value = fields.get("role");
            role = value == null ? null : value instanceof String text && Role.parse(text) != null ? Role.parse(text) : role;
        }
        boolean verified = e.verified();
        if (fields.containsKey("verified")) {
            verified = Boolean.TRUE.equals(fields.get("verified"));
        }
        List<String> categories = list(fields, "categories", e.categories());
        List<String> materials = list(fields, "materials", e.materials());
        Map<String, Double> features = features(fields, e.features());
        Map<String, String> preferences = preferences(fields, e.preferences());
        double frequency = e.tradeFrequency();
        if (fields.containsKey("tradeFrequency")) {
            Object value = fields.get("tradeFrequency");
            if (value == null) {
                frequency = 0;
            } else if (value instanceof Number n && Double.isFinite(n.doubleValue()) && n.doubleValue() >= 0) {
                frequency = n.doubleValue();
            }
        }
        return new DirectoryEntry(e.userId(), name, phone, openId, lat, lon, nature, role, verified, categories,
                materials, features, preferences, frequency, e.messageSensitivity(), e.lastDealAt(),
                e.conversionRate(), e.messagesReceived(), e.campaignTransactions());
    }

    private static String text(Map<String, Object> fields, String field, String previous) {
        if (!fields.containsKey(field)) {
            return previous;
        }
        Object value = fields.get(field);
        if (value == null) {
            return null;
        }
        String text = value.toString().trim();
        return text.isEmpty() ? null : text;
    }

    private static double coordinate(Map<String, Object> fields, String field, double previous, double limit) {
        if (!fields.containsKey(field)) {
            return previous;
        }
        Object value = fields.get(field);
        if (value == null) {
            return Double.NaN;
        }
        if (value instanceof Number n && Math.abs(n.doubleValue()) <= limit) {
            return n.doubleValue();
        }
        return previous;
    }

    private static List<String> list(Map<String, Object> fields, String field, List<String> previous) {
        if (!fields.containsKey(field)) {
            return previous;
        }
        if (!(fields.get(field) instanceof List<?> items)) {
            return fields.get(field) == null ? List.of() : previous;
        }
        LinkedHashSet<String> names = new LinkedHashSet<>();
        for (Object item : items) {
            if (item instanceof String text && !text.isBlank()) {
                names.add(text.trim());
            }
        }
        return new ArrayList<>(names);
    }

    private static Map<String, Double> features(Map<String, Object> fields, Map<String, Double> previous) {
        if (!fields.containsKey("features")) {
            return previous;
        }
        if (!(fields.get("features") instanceof Map<?, ?> raw)) {
            return fields.get("features") == null ? Map.of() : previous;
        }
        Map<String, Double> features = new LinkedHashMap<>();
        for (Map.Entry<?, ?> feature : raw.entrySet()) {
            if (feature.getValue() instanceof Number n && Double.isFinite(n.doubleValue())) {
                features.put(feature.getKey().toString(), n.doubleValue());
            }
        }
        return features;
    }

    private static Map<String, String> preferences(Map<String, Object> fields, Map<String, String> previous) {
        if (!fields.containsKey("preferences")) {
            return previous;
        }
        if (!(fields.get("preferences") instanceof Map<?, ?> raw)) {
            return fields.get("preferences") == null ? Map.of() : previous;
        }
        Map<String, String> preferences = new LinkedHashMap<>();
        for (Map.Entry<?, ?> preference : raw.entrySet()) {
            if (preference.getValue() != null) {
                preferences.put(preference.getKey().toString(), preference.getValue().toString());
            }
        }
        return preferences;
    }
}
