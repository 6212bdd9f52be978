package dev.winback.adapters;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.core.geo.CampaignLedger;
import dev.winback.core.geo.CampaignPlanRecord;
import dev.winback.core.geo.ClusterChoice;
import dev.winback.core.geo.TargetEngagement;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Launched campaigns in the ledger table, each under its own partition beside its targets'
 * engagements: the plan at {@code pk = campaign#<id>}, {@code sk = plan} (the request's essentials,
 * its fingerprint, the planning figures, the target count, {@code clusterScores} as JSON, and
 * {@code fannedOutAt} once every send task is queued), and the engagements at
 * {@code sk = target#<userId>} ({@link DynamoDirectory} writes them with the entries). So a campaign's
 * report is one GetItem and one Query, and the plan is kept as long as its engagements (TTL 400 days).
 */
public final class DynamoCampaignLedger implements CampaignLedger {

    static final String PLAN = "plan";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoCampaignLedger(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    private static Map<String, AttributeValue> key(String campaignId) {
        return Map.of("pk", AttributeValue.fromS("campaign#" + campaignId), "sk", AttributeValue.fromS(PLAN));
    }

    @Override
    public Optional<CampaignPlanRecord> plan(String campaignId) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key(campaignId)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(fromItem(item));
    }

    @Override
    public boolean savePlan(CampaignPlanRecord r) {
        Map<String, AttributeValue> item = new LinkedHashMap<>(key(r.campaignId()));
        item.put("campaignId", AttributeValue.fromS(r.campaignId()));
        item.put("fingerprint", AttributeValue.fromS(r.fingerprint()));
        item.put("kind", AttributeValue.fromS(r.kind()));
        item.put("siteId", AttributeValue.fromS(r.siteId()));
        item.put("siteName", AttributeValue.fromS(r.siteName()));
        item.put("launchedAt", AttributeValue.fromS(r.launchedAt().toString()));
        item.put("priceDate", AttributeValue.fromS(r.priceDate().toString()));
        if (r.link() != null) {
            item.put("link", AttributeValue.fromS(r.link()));
        }
        item.put("message", AttributeValue.fromS(r.message()));
        item.put("preselected", number(r.preselected()));
        item.put("clusters", number(r.clusters()));
        item.put("iterations", number(r.iterations()));
        item.put("converged", AttributeValue.fromBool(r.converged()));
        item.put("inertia", AttributeValue.fromN(BigDecimal.valueOf(r.inertia()).toPlainString()));
        item.put("populationScore", AttributeValue.fromN(BigDecimal.valueOf(r.populationScore()).toPlainString()));
        item.put("clusterScores", AttributeValue.fromS(json(r.clusterScores())));
        item.put("targets", number(r.targets()));
        item.put("tasks", number(r.tasks()));
        item.put("plannedAt", AttributeValue.fromS(r.plannedAt().toString()));
        item.put("expiresAt", number(r.launchedAt().plus(DynamoDirectory.KEEP_ENGAGEMENTS).getEpochSecond()));
        try {
            dynamo.putItem(b -> b.tableName(table).item(item)
                    .conditionExpression("attribute_not_exists(pk) OR (fingerprint = :fp AND attribute_not_exists(fannedOutAt))")
                    .expressionAttributeValues(Map.of(":fp", AttributeValue.fromS(r.fingerprint()))));
            return true;
        } catch (ConditionalCheckFailedException taken) {
            return false;
        }
    }

    @Override
    public void fannedOut(String campaignId, Instant at) {
        dynamo.updateItem(b -> b.tableName(table).key(key(campaignId))
                .updateExpression("SET fannedOutAt = if_not_exists(fannedOutAt, :at)")
                .conditionExpression("attribute_exists(pk)")
                .expressionAttributeValues(Map.of(":at", AttributeValue.fromS(at.toString()))));
    }

    @Override
    public List<TargetEngagement> engagements(String campaignId) {
        List<TargetEngagement> found = new ArrayList<>();
        dynamo.queryPaginator(b -> b.tableName(table)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :target)")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("campaign#" + campaignId),
                                ":target", AttributeValue.fromS(DynamoDirectory.TARGET))))
                .items().forEach(item -> found.add(DynamoDirectory.engagement(item)));
        return found;
    }

    static CampaignPlanRecord fromItem(Map<String, AttributeValue> item) {
        return new CampaignPlanRecord(item.get("campaignId").s(), item.get("fingerprint").s(), item.get("kind").s(),
                item.get("siteId").s(), item.get("siteName").s(), Instant.parse(item.get("launchedAt").s()),
                LocalDate.parse(item.get("priceDate").s()), item.containsKey("link") ? item.get("link").s() : null,
                item.get("message").s(), integer(item, "preselected"), integer(item, "clusters"),
                integer(item, "iterations"), Boolean.TRUE.equals(item.get("converged").bool()),
                Double.parseDouble(item.get("inertia").n()), Double.parseDouble(item.get("populationScore").n()),
                scores(item.get("clusterScores").s()), integer(item, "targets"), integer(item, "tasks"),
                Instant.parse(item.get("plannedAt").s()),
                item.containsKey("fannedOutAt") ? Instant.parse(item.get("fannedOutAt").s()) : null);
    }

    private static int integer(Map<String, AttributeValue> item, String name) {
        return Integer.parseInt(item.get(name).n());
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }

    private static String json(List<ClusterChoice.ClusterScore> scores) {
        try {
            return JSON.writeValueAsString(scores);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<ClusterChoice.ClusterScore> scores(String json) {
        try {
            return JSON.readValue(json, new TypeReference<List<ClusterChoice.ClusterScore>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored cluster scores are not JSON", e);
        }
    }
}
