package dev.winback.core.geo;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One user of the B2B directory (D1): who they are, where they trade, what they trade, and how they
 * have answered campaigns so far. Site campaigns read these entries, never the per-user recall state.
 *
 * <p>Field meanings and units:
 * <ul>
 *   <li>{@code lat}/{@code lon}: WGS 84 degrees; {@link Double#NaN} while unknown (an entry built from
 *       profile events before the location arrived). Such an entry is kept but is not
 *       {@linkplain #listable() listable}: no campaign can place it on the map.</li>
 *   <li>{@code role}: null while unknown (same consequence).</li>
 *   <li>{@code categories}: coarse trade categories (e.g. {@code 废钢}), used by the geo index and the
 *       preselection; {@code materials}: finer grades (e.g. {@code 重废一}), used by the preselection.
 *       Matching is exact after trimming.</li>
 *   <li>{@code features}: numeric business features by name (e.g. {@code monthlyTons}, {@code yearsTrading});
 *       campaigns weigh them into one business score ({@link CampaignFeatures}).</li>
 *   <li>{@code preferences}: free-form text preferences (e.g. {@code contactTime → morning}); kept for
 *       agents and message content, not used in matching.</li>
 *   <li>{@code tradeFrequency}: deals per 30 days, ≥ 0.</li>
 *   <li>{@code messageSensitivity}: 0..1, how readily the user engages with campaign messages; an
 *       exponential moving average maintained by {@link CampaignFeedback}; 0.5 when nothing is known.</li>
 *   <li>{@code lastDealAt}: the last transaction, null if never.</li>
 *   <li>{@code conversionRate}: 0..1, campaign transactions / campaign messages received once a
 *       campaign message was received ({@code messagesReceived > 0}); the imported value before that.</li>
 *   <li>{@code messagesReceived}, {@code campaignTransactions}: the counts behind {@code conversionRate}.</li>
 * </ul>
 * Lists and maps are copied and unmodifiable; null lists and maps become empty.
 */
public record DirectoryEntry(String userId, String name, String phone, String wechatOpenId,
                             double lat, double lon, String businessNature, Role role, boolean verified,
                             List<String> categories, List<String> materials, Map<String, Double> features,
                             Map<String, String> preferences, double tradeFrequency, double messageSensitivity,
                             Instant lastDealAt, double conversionRate, int messagesReceived,
                             int campaignTransactions) {

    /** What an entry's sensitivity starts at when no import or feedback has said otherwise. */
    public static final double NEUTRAL_SENSITIVITY = 0.5;

    public DirectoryEntry {
        if (userId == null || userId.isBlank()) {
            throw new IllegalArgumentException("a directory entry needs a userId");
        }
        categories = categories == null ? List.of() : List.copyOf(categories);
        materials = materials == null ? List.of() : List.copyOf(materials);
        features = features == null || features.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(features));
        preferences = preferences == null || preferences.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(preferences));
    }

    /** A user known only by id: no location, role, lists or history yet. */
    public static DirectoryEntry blank(String userId) {
        return new DirectoryEntry(userId, null, null, null, Double.NaN, Double.NaN, null, null, false,
                List.of(), List.of(), Map.of(), Map.of(), 0, NEUTRAL_SENSITIVITY, null, 0, 0, 0);
    }

    /** Whether the location is known. */
    public boolean hasLocation() {
        return !Double.isNaN(lat) && !Double.isNaN(lon);
    }

    /** Whether a campaign can find this entry: it has a role and a location. */
    public boolean listable() {
        return role != null && hasLocation();
    }

    public DirectoryEntry withLocation(double newLat, double newLon) {
        return new DirectoryEntry(userId, name, phone, wechatOpenId, newLat, newLon, businessNature, role, verified,
                categories, materials, features, preferences, tradeFrequency, messageSensitivity, lastDealAt,
                conversionRate, messagesReceived, campaignTransactions);
    }

    /** The same entry with its campaign history (the D7 fields) replaced. */
    public DirectoryEntry withHistory(double sensitivity, Instant dealAt, double rate, int received, int transactions) {
        return new DirectoryEntry(userId, name, phone, wechatOpenId, lat, lon, businessNature, role, verified,
                categories, materials, features, preferences, tradeFrequency, sensitivity, dealAt, rate, received,
                transactions);
    }
}
