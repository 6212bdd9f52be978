package dev.winback.adapters;

import dev.winback.core.recall.CouponLedger;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Coupons and the daily budget in the ledger table (partition key {@code pk}, sort key {@code sk}):
 *
 * <ul>
 *   <li>coupon: {@code pk = decision#<decisionId>}, {@code sk = coupon}, with {@code couponId},
 *       {@code userId}, {@code amount} (N), {@code day}, {@code issuedAt};</li>
 *   <li>budget: {@code pk = budget#<yyyy-MM-dd>}, {@code sk = coupon}, with {@code spent} (N).</li>
 * </ul>
 *
 * Both are written in one {@code TransactWriteItems}: the coupon only if the decision has none yet,
 * the spend only if it stays within the budget. Either both happen or neither, so a retried decision
 * never pays twice and concurrent decisions never overspend: DynamoDB serialises the conditions on
 * the budget item. Conditions cannot do arithmetic, so "spent + amount ≤ budget" is written as
 * "spent ≤ budget − amount". DynamoDB errors other than conflicts propagate: the caller retries.
 */
public final class DynamoCouponLedger implements CouponLedger {

    /**
     * Every concurrent decision of the day touches the budget item, so transactions on it collide
     * (TransactionConflict) and are retried with jittered back-off; this bounds how long one waits.
     */
    static final int MAX_ATTEMPTS = 12;

    private static final String CONDITIONAL_CHECK_FAILED = "ConditionalCheckFailed";
    private static final List<String> RETRYABLE =
            List.of("TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded");

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoCouponLedger(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Clock.systemUTC());
    }

    public DynamoCouponLedger(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public Issue issue(String decisionId, String userId, BigDecimal amount, LocalDate budgetDay,
                       BigDecimal dailyBudget) {
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException("coupon amount must be positive: " + amount);
        }
        String couponId = "cp-" + decisionId;
        List<TransactWriteItem> items = List.of(
                TransactWriteItem.builder().put(couponPut(couponId, decisionId, userId, amount, budgetDay)).build(),
                TransactWriteItem.builder().update(budgetUpdate(budgetDay, amount, dailyBudget)).build());
        for (int attempt = 0; ; attempt++) {
            try {
                dynamo.transactWriteItems(b -> b.transactItems(items));
                return new Issue.Issued(couponId, amount, true);
            } catch (TransactionCanceledException e) {
                List<CancellationReason> reasons = e.cancellationReasons();
                if (failedCondition(reasons, 0)) {
                    return existingCoupon(decisionId, reasons.get(0).item());
                }
                if (failedCondition(reasons, 1)) {
                    return exhausted(budgetDay, reasons.get(1).item(), dailyBudget);
                }
                boolean retryable = reasons.stream().anyMatch(r -> RETRYABLE.contains(r.code()));
                if (!retryable) {
                    throw e;
                }
                if (attempt + 1 == MAX_ATTEMPTS) {
                    throw new LedgerBusyException("coupon for " + decisionId + " still conflicting after "
                            + MAX_ATTEMPTS + " attempts");
                }
                LedgerRetry.backoff(attempt);
            }
        }
    }

    private Put couponPut(String couponId, String decisionId, String userId, BigDecimal amount, LocalDate day) {
        return Put.builder().tableName(table)
                .item(Map.of(
                        "pk", AttributeValue.fromS("decision#" + decisionId),
                        "sk", AttributeValue.fromS("coupon"),
                        "couponId", AttributeValue.fromS(couponId),
                        "userId", AttributeValue.fromS(userId),
                        "amount", AttributeValue.fromN(amount.toPlainString()),
                        "day", AttributeValue.fromS(day.toString()),
                        "issuedAt", AttributeValue.fromS(clock.instant().toString())))
                .conditionExpression("attribute_not_exists(pk)")
                // the existing coupon comes back with the cancellation: no second read on a retry
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private Update budgetUpdate(LocalDate day, BigDecimal amount, BigDecimal dailyBudget) {
        BigDecimal limit = dailyBudget.subtract(amount);
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":zero", AttributeValue.fromN("0"));
        values.put(":amount", AttributeValue.fromN(amount.toPlainString()));
        values.put(":limit", AttributeValue.fromN(limit.toPlainString()));
        // A first coupon of the day passes on "no spend yet" alone, which is only safe when the
        // amount itself fits the budget; otherwise the item must exist and pass the limit (it can't).
        String condition = limit.signum() >= 0 ? "attribute_not_exists(spent) OR spent <= :limit" : "spent <= :limit";
        return Update.builder().tableName(table)
                .key(budgetKey(day))
                .updateExpression("SET spent = if_not_exists(spent, :zero) + :amount")
                .conditionExpression(condition)
                .expressionAttributeValues(values)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD)
                .build();
    }

    private static boolean failedCondition(List<CancellationReason> reasons, int index) {
        return reasons.size() > index && CONDITIONAL_CHECK_FAILED.equals(reasons.get(index).code());
    }

    private Issue existingCoupon(String decisionId, Map<String, AttributeValue> returned) {
        Map<String, AttributeValue> coupon = returned != null && returned.containsKey("amount") ? returned
                : read(Map.of("pk", AttributeValue.fromS("decision#" + decisionId), "sk", AttributeValue.fromS("coupon")));
        return new Issue.Issued(coupon.get("couponId").s(), LedgerRetry.money(coupon.get("amount").n()), false);
    }

    private Issue exhausted(LocalDate day, Map<String, AttributeValue> returned, BigDecimal dailyBudget) {
        Map<String, AttributeValue> budget = returned != null && !returned.isEmpty() ? returned : read(budgetKey(day));
        AttributeValue spent = budget == null ? null : budget.get("spent");
        BigDecimal remaining = spent == null ? dailyBudget : dailyBudget.subtract(new BigDecimal(spent.n()));
        return new Issue.BudgetExhausted(remaining.max(BigDecimal.ZERO));
    }

    private Map<String, AttributeValue> read(Map<String, AttributeValue> key) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).key(key).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : item;
    }

    private static Map<String, AttributeValue> budgetKey(LocalDate day) {
        return Map.of("pk", AttributeValue.fromS("budget#" + day), "sk", AttributeValue.fromS("coupon"));
    }
}
