package dev.winback.core.geo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import dev.winback.core.event.EventType;
import dev.winback.core.event.Rejection;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A site's launch request (D2) in whatever way it arrives — a {@code site_campaign} record on the
 * behavior stream, the {@code detail} of an EventBridge event, the body of a function-URL request —
 * decoded by the behavior-event decoder's own rules, so a campaign is valid or invalid the same way
 * everywhere, and turned into the {@link Campaign} the planner takes.
 */
public final class SiteCampaigns {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SiteCampaigns() {
    }

    /**
     * Decodes a request body: the {@code site_campaign} fields ({@code campaignId}, {@code kind},
     * {@code siteId}, …). {@code type} may be left out (it can only be {@code site_campaign});
     * {@code eventId} defaults to {@code defaultEventId} and {@code occurredAt} to {@code receivedAt},
     * which is also the reference of the future-timestamp rule.
     *
     * @return the accepted {@link BehaviorEvent.SiteCampaign}, or the rejection naming the field
     */
    public static Decoded decodeRequest(EventDecoder decoder, byte[] body, String defaultEventId, Instant receivedAt) {
        JsonNode node;
        try {
            node = body == null || body.length == 0 ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return rejected(Rejection.INVALID_JSON, null, "not valid JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            return rejected(Rejection.INVALID_JSON, null, "not valid JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            return rejected(Rejection.NOT_AN_OBJECT, null, "a campaign request must be a JSON object of site_campaign fields");
        }
        ObjectNode event = ((ObjectNode) node).deepCopy();
        JsonNode type = event.get("type");
        if (type != null && !type.isNull() && !EventType.SITE_CAMPAIGN.wireName().equals(type.asText())) {
            return rejected(Rejection.INVALID_FIELD, "type", "'type' must be site_campaign (or left out), got '"
                    + type.asText() + "'");
        }
        event.put("type", EventType.SITE_CAMPAIGN.wireName());
        if (!event.hasNonNull("eventId")) {
            event.put("eventId", defaultEventId);
        }
        if (!event.hasNonNull("occurredAt")) {
            event.put("occurredAt", receivedAt.toString());
        }
        Decoded decoded = decoder.decode(event.toString().getBytes(StandardCharsets.UTF_8), receivedAt);
        if (decoded instanceof Decoded.Accepted accepted && !(accepted.event() instanceof BehaviorEvent.SiteCampaign)) {
            return rejected(Rejection.INVALID_FIELD, "type", "not a site_campaign");
        }
        return decoded;
    }

    /**
     * The campaign of a decoded event, launched at {@code launchedAt}; without a {@code priceDate} the
     * prices are of the launch day in {@code zone}.
     */
    public static Campaign toCampaign(BehaviorEvent.SiteCampaign event, Instant launchedAt, ZoneId zone) {
        List<PriceItem> prices = new ArrayList<>(event.prices().size());
        for (BehaviorEvent.Price price : event.prices()) {
            prices.add(new PriceItem(price.material(), price.price(), price.change()));
        }
        LocalDate priceDate = event.priceDate() != null ? event.priceDate() : LocalDate.ofInstant(launchedAt, zone);
        return new Campaign(event.campaignId(), CampaignKind.parse(event.kind()),
                new Site(event.siteId(), event.siteName(), event.lat(), event.lon()), event.categories(),
                event.materials(), prices, event.link(), event.radiusKm(), priceDate, launchedAt, event.locale());
    }

    /** The same campaign launched at another time (a retried launch keeps the first launch's time). */
    public static Campaign launchedAt(Campaign c, Instant launchedAt) {
        return new Campaign(c.campaignId(), c.kind(), c.site(), c.categories(), c.materials(), c.prices(), c.link(),
                c.radiusKm(), c.priceDate(), launchedAt, c.locale(), c.businessWeights());
    }

    /**
     * What makes two launches of one campaign id the same campaign: every field but the launch time,
     * as a SHA-256 digest. A retried launch (the same request again) has the same fingerprint; reusing
     * an id for a different campaign does not, and is refused rather than mixed into the first one's
     * report.
     */
    public static String fingerprint(Campaign c) {
        StringBuilder canonical = new StringBuilder();
        field(canonical, c.campaignId());
        field(canonical, c.kind().wireName());
        field(canonical, c.site().siteId());
        field(canonical, c.site().name());
        field(canonical, Double.toString(c.site().lat()));
        field(canonical, Double.toString(c.site().lon()));
        field(canonical, String.join("\u001f", c.categories()));
        field(canonical, String.join("\u001f", c.materials()));
        for (PriceItem p : c.prices()) {
            field(canonical, p.material() + "\u001f" + p.price().toPlainString() + "\u001f"
                    + (p.change() == null ? "" : p.change().toPlainString()));
        }
        field(canonical, c.link());
        field(canonical, Double.toString(c.radiusKm()));
        field(canonical, c.priceDate().toString());
        field(canonical, c.locale());
        c.businessWeights().forEach((name, weight) -> field(canonical, name + "=" + weight));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void field(StringBuilder out, String value) {
        out.append(value == null ? "\u0000" : value).append('\u001e');
    }

    private static Decoded rejected(String code, String field, String message) {
        return new Decoded.Rejected(new Rejection(code, field, message));
    }
}
