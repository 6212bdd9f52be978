package dev.winback.core.geo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A slice of a campaign's target list on its way to the sender (D5): the campaign's message and the
 * figures its decisions keep, and up to {@link CampaignLaunch#TARGETS_PER_TASK} targets. A large target
 * list fans out into many of these, each handled by its own short invocation. Channels are not carried:
 * the sender picks them from the user's entry as it is when the message goes (verification, addresses).
 *
 * <p>JSON (the SQS message body), fields in this order:
 * <pre>{"kind":"campaign_send","campaignId":"c-1023","siteId":"site-bx","siteName":"…","priceDate":"2026-10-23",
 *  "launchedAt":"2026-10-23T00:30:00Z","text":"10月23日…","link":"https://…","task":3,"tasks":12,
 *  "notBefore":null,"targets":[{"userId":"u-1","distanceKm":3.2,"matchScore":0.71,"cluster":4},…]}</pre>
 * {@code notBefore} is set on targets put back to wait out their quiet hours.
 */
public record CampaignSendTask(String campaignId, String siteId, String siteName, LocalDate priceDate,
                               Instant launchedAt, String text, String link, int task, int tasks, Instant notBefore,
                               List<Target> targets) {

    public static final String KIND = "campaign_send";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One target: who, and the planning figures its decision records. */
    public record Target(String userId, double distanceKm, double matchScore, int cluster) {
        public Target {
            Objects.requireNonNull(userId, "userId");
        }
    }

    public CampaignSendTask {
        Objects.requireNonNull(campaignId, "campaignId");
        Objects.requireNonNull(launchedAt, "launchedAt");
        Objects.requireNonNull(text, "text");
        targets = List.copyOf(targets);
    }

    /** The same task for other targets, due at {@code notBefore}. */
    public CampaignSendTask deferred(List<Target> waiting, Instant due) {
        return new CampaignSendTask(campaignId, siteId, siteName, priceDate, launchedAt, text, link, task, tasks, due,
                waiting);
    }

    public String toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("kind", KIND);
        node.put("campaignId", campaignId);
        node.put("siteId", siteId);
        node.put("siteName", siteName);
        node.put("priceDate", priceDate == null ? null : priceDate.toString());
        node.put("launchedAt", launchedAt.toString());
        node.put("text", text);
        node.put("link", link);
        node.put("task", task);
        node.put("tasks", tasks);
        node.put("notBefore", notBefore == null ? null : notBefore.toString());
        ArrayNode list = node.putArray("targets");
        for (Target t : targets) {
            list.addObject().put("userId", t.userId()).put("distanceKm", round(t.distanceKm()))
                    .put("matchScore", round(t.matchScore())).put("cluster", t.cluster());
        }
        return node.toString();
    }

    /**
     * Reads a task body.
     *
     * @throws IllegalArgumentException naming what is wrong, when the body is not a campaign send task
     */
    public static CampaignSendTask fromJson(String body) {
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a campaign send task must be JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject() || !KIND.equals(node.path("kind").asText())) {
            throw new IllegalArgumentException("not a campaign send task (kind must be " + KIND + ")");
        }
        try {
            List<Target> targets = new ArrayList<>();
            for (JsonNode t : required(node, "targets")) {
                targets.add(new Target(required(t, "userId").asText(), t.path("distanceKm").asDouble(),
                        t.path("matchScore").asDouble(), t.path("cluster").asInt()));
            }
            return new CampaignSendTask(required(node, "campaignId").asText(), text(node, "siteId"),
                    text(node, "siteName"), node.hasNonNull("priceDate") ? LocalDate.parse(node.get("priceDate").asText()) : null,
                    Instant.parse(required(node, "launchedAt").asText()), required(node, "text").asText(),
                    text(node, "link"), node.path("task").asInt(), node.path("tasks").asInt(),
                    node.hasNonNull("notBefore") ? Instant.parse(node.get("notBefore").asText()) : null, targets);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("a campaign send task has a malformed date: " + e.getParsedString());
        }
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("a campaign send task needs '" + field + "'");
        }
        return value;
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    /** Six decimals: the figures are for people reading decisions, and keep the body small. */
    private static double round(double value) {
        return Math.round(value * 1e6) / 1e6;
    }
}
