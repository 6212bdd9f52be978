package dev.winback.core.geo;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A site campaign as the site launches it (D2): what it wants (kind, categories, materials, prices),
 * where (its site and the radius it serves), the link for details, and for the message the date the
 * prices apply to and the locale to write in.
 *
 * @param campaignId      stable id; also seeds the clustering, so planning the same campaign twice over
 *                        the same directory gives the same targets (a retried Lambda re-plans safely)
 * @param categories      at least one; the geo index is keyed by category ({@link DirectoryIndex})
 * @param materials       optional refinement within the categories (see {@link Preselection})
 * @param radiusKm        the largest distance from the site, within (0, {@value GeoCell#MAX_RADIUS_KM}] km
 * @param priceDate       the date of the price list ({month}/{day} of the message)
 * @param launchedAt      "now" for the recency of users' last deals
 * @param locale          the message locale ({@code zh-CN}, {@code en}, ...), null for the default
 * @param businessWeights weight per business feature name in the business score ({@link CampaignFeatures});
 *                        empty: every feature present counts equally; a negative weight means lower is better
 */
public record Campaign(String campaignId, CampaignKind kind, Site site, List<String> categories,
                       List<String> materials, List<PriceItem> prices, String link, double radiusKm,
                       LocalDate priceDate, Instant launchedAt, String locale, Map<String, Double> businessWeights) {

    public Campaign {
        if (campaignId == null || campaignId.isBlank()) {
            throw new IllegalArgumentException("a campaign needs an id");
        }
        if (kind == null || site == null || priceDate == null || launchedAt == null) {
            throw new IllegalArgumentException("campaign " + campaignId + " needs a kind, a site, a price date and a launch time");
        }
        categories = categories == null ? List.of() : List.copyOf(categories);
        materials = materials == null ? List.of() : List.copyOf(materials);
        prices = prices == null ? List.of() : List.copyOf(prices);
        if (categories.isEmpty()) {
            throw new IllegalArgumentException("campaign " + campaignId + " needs at least one category");
        }
        if (!(radiusKm > 0) || radiusKm > GeoCell.MAX_RADIUS_KM) {
            throw new IllegalArgumentException("campaign " + campaignId + ": radius must be within (0, "
                    + (int) GeoCell.MAX_RADIUS_KM + "] km, got " + radiusKm);
        }
        businessWeights = businessWeights == null || businessWeights.isEmpty() ? Map.of()
                : Collections.unmodifiableMap(new LinkedHashMap<>(businessWeights));
    }

    /** A campaign whose business score weighs every business feature equally. */
    public Campaign(String campaignId, CampaignKind kind, Site site, List<String> categories, List<String> materials,
                    List<PriceItem> prices, String link, double radiusKm, LocalDate priceDate, Instant launchedAt,
                    String locale) {
        this(campaignId, kind, site, categories, materials, prices, link, radiusKm, priceDate, launchedAt, locale,
                Map.of());
    }

    /** The role this campaign targets: suppliers for a purchase, buyers for a sale. */
    public Role targetRole() {
        return kind.targetRole();
    }

    /** The clustering seed derived from the id ({@link String#hashCode} is fixed by the Java spec). */
    public long seed() {
        long h = campaignId.hashCode() * 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }
}
