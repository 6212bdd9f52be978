package dev.winback.adapters;

import dev.winback.core.conversion.Conversion;
import dev.winback.core.conversion.ConversionLog;
import dev.winback.core.conversion.Order;
import dev.winback.core.conversion.Touch;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Attributed orders (C7) in the ledger table, beside the user's decisions:
 * {@code pk = user#<userId>}, {@code sk = conversion#<orderId>}. One item per order, put with
 * {@code attribute_not_exists(pk)}, so a redelivered order finds its item and changes nothing (the
 * first attribution stands).
 *
 * <p>Attributes: the order ({@code orderId}, {@code orderAt}, {@code amount} and {@code discount} (N),
 * {@code couponId}, {@code merchantId}, {@code address} when the event has them), the touch it was
 * attributed to ({@code decisionId}, {@code trigger},
 * {@code group}, {@code channel}, {@code reward}, {@code scenario}, {@code strategy}, {@code touchAt}),
 * {@code minutesToOrder} (N), {@code landingPage}, {@code landingAt} and {@code dwellSeconds} (N) when
 * known, {@code recordedAt}, and {@code expiresAt} (TTL, 400 days after the order, as decisions).
 * The address is the customer's (SPEC C7 tracks it): the table is encrypted with the stack's key, and
 * it never goes to a log.
 */
public final class DynamoConversionLog implements ConversionLog {

    static final String SORT_KEY_PREFIX = "conversion#";

    private final DynamoDbClient dynamo;
    private final String table;
    private final Clock clock;

    public DynamoConversionLog(DynamoDbClient dynamo, String table) {
        this(dynamo, table, Clock.systemUTC());
    }

    public DynamoConversionLog(DynamoDbClient dynamo, String table, Clock clock) {
        this.dynamo = dynamo;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public boolean record(Conversion conversion) {
        try {
            dynamo.putItem(b -> b.tableName(table).item(item(conversion, clock.instant()))
                    .conditionExpression("attribute_not_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException recordedBefore) {
            return false;
        }
    }

    static Map<String, AttributeValue> item(Conversion conversion, Instant now) {
        Touch touch = conversion.touch();
        Order order = conversion.order();
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", AttributeValue.fromS("user#" + order.userId()));
        item.put("sk", AttributeValue.fromS(SORT_KEY_PREFIX + order.orderId()));
        item.put("userId", AttributeValue.fromS(order.userId()));
        item.put("orderId", AttributeValue.fromS(order.orderId()));
        item.put("orderAt", AttributeValue.fromS(order.at().toString()));
        item.put("amount", AttributeValue.fromN(order.amount().toPlainString()));
        item.put("discount", AttributeValue.fromN(order.discount().toPlainString()));
        putIfPresent(item, "couponId", order.couponId());
        putIfPresent(item, "merchantId", order.merchantId());
        putIfPresent(item, "address", order.address());
        item.put("decisionId", AttributeValue.fromS(touch.decisionId()));
        item.put("trigger", AttributeValue.fromS(touch.trigger()));
        item.put("group", AttributeValue.fromS(touch.group().wireName()));
        putIfPresent(item, "channel", touch.channel());
        putIfPresent(item, "reward", touch.reward());
        putIfPresent(item, "scenario", touch.scenario());
        putIfPresent(item, "strategy", touch.strategy());
        item.put("touchAt", AttributeValue.fromS(touch.at().toString()));
        item.put("minutesToOrder", AttributeValue.fromN(conversion.minutesToOrder().toPlainString()));
        putIfPresent(item, "landingPage", conversion.landingPage());
        if (conversion.landingAt() != null) {
            item.put("landingAt", AttributeValue.fromS(conversion.landingAt().toString()));
            Duration dwell = conversion.dwell();
            item.put("dwellSeconds", AttributeValue.fromN(
                    BigDecimal.valueOf(dwell.toMillis()).movePointLeft(3).stripTrailingZeros().toPlainString()));
        }
        item.put("recordedAt", AttributeValue.fromS(now.toString()));
        item.put("expiresAt", AttributeValue.fromN(Long.toString(order.at().plus(DynamoDecisionLog.KEEP).getEpochSecond())));
        return item;
    }

    /** The conversion an item records, attributed to {@code touch} (rebuilt from its decision). */
    static Conversion fromItem(Map<String, AttributeValue> item, Touch touch) {
        Order order = new Order(item.get("userId").s(), item.get("orderId").s(), Instant.parse(item.get("orderAt").s()),
                LedgerRetry.money(item.get("amount").n()), LedgerRetry.money(item.get("discount").n()),
                text(item, "couponId"), text(item, "merchantId"), text(item, "address"));
        String landingAt = text(item, "landingAt");
        return new Conversion(touch, order, text(item, "landingPage"), landingAt == null ? null : Instant.parse(landingAt));
    }

    private static void putIfPresent(Map<String, AttributeValue> item, String name, String value) {
        if (value != null) {
            item.put(name, AttributeValue.fromS(value));
        }
    }

    private static String text(Map<String, AttributeValue> item, String name) {
        AttributeValue value = item.get(name);
        return value == null ? null : value.s();
    }
}
