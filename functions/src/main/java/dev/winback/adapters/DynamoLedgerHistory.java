package dev.winback.adapters;

import dev.winback.core.conversion.Conversion;
import dev.winback.core.conversion.Touch;
import dev.winback.core.recall.Decision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Every decision and conversion in the ledger table, for reports ({@code ./winback report}): one
 * paginated Scan whose filter keeps the items whose sort key starts with {@code decision#} (within the
 * time range) or {@code conversion#}. A Scan reads the whole table (coupons, sends, contact history,
 * counters too) and the filter only trims what comes back, so its cost is the table's size once per
 * report — fine for an operator's occasional report, not for a hot path (the functions never scan).
 */
public final class DynamoLedgerHistory {

    /** The touches of the decisions in range and the conversions attributed to them. */
    public record History(List<Touch> touches, List<Conversion> conversions, int decisions,
                          int conversionsOutsideRange) {
    }

    private final DynamoDbClient dynamo;
    private final String table;

    public DynamoLedgerHistory(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
    }

    /**
     * @param since decisions made at or after this instant; null: from the first
     * @param until decisions made before this instant; null: up to the last
     * @return the touches among those decisions (sent, or held out) and the conversions attributed to
     *         them; a conversion whose decision is outside the range (or has expired) is left out and
     *         counted in {@code conversionsOutsideRange}
     */
    public History read(Instant since, Instant until) {
        Map<String, AttributeValue> values = Map.of(
                ":from", AttributeValue.fromS(since == null ? "decision#" : DynamoDecisionLog.sortKeyAt(since)),
                // '$' is the character after '#': every decision key sorts before "decision$"
                ":to", AttributeValue.fromS(until == null ? "decision$" : DynamoDecisionLog.sortKeyAt(until)),
                ":conversion", AttributeValue.fromS(DynamoConversionLog.SORT_KEY_PREFIX));
        Map<String, Touch> touches = new LinkedHashMap<>();
        List<Map<String, AttributeValue>> conversionItems = new ArrayList<>();
        int decisions = 0;
        for (Map<String, AttributeValue> item : dynamo.scanPaginator(b -> b.tableName(table)
                .filterExpression("(sk >= :from AND sk < :to) OR begins_with(sk, :conversion)")
                .expressionAttributeValues(values)).items()) {
            if (item.get("sk").s().startsWith(DynamoConversionLog.SORT_KEY_PREFIX)) {
                conversionItems.add(item);
            } else {
                Decision decision = DynamoDecisionLog.fromItem(item);
                decisions++;
                Touch.of(decision).ifPresent(t -> touches.putIfAbsent(t.decisionId(), t));
            }
        }
        List<Conversion> conversions = new ArrayList<>();
        int outside = 0;
        for (Map<String, AttributeValue> item : conversionItems) {
            Touch touch = touches.get(item.get("decisionId").s());
            if (touch == null) {
                outside++;
            } else {
                conversions.add(DynamoConversionLog.fromItem(item, touch));
            }
        }
        return new History(List.copyOf(touches.values()), conversions, decisions, outside);
    }
}
