package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.core.recall.Decision;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The decision log on DynamoDB Local: idempotent per decision, queryable by user and time. */
class DecisionLogTest {

    private static DynamoDbClient dynamo;
    private static String table;

    @BeforeAll
    static void table() {
        dynamo = DynamoDbLocal.client();
        table = Fixtures.ledgerTable(dynamo);
    }

    @AfterAll
    static void close() {
        dynamo.close();
    }

    private static Decision sent(String id, String user, String at) {
        return new Decision(id, user, "deadline", Instant.parse(at), Decision.Outcome.SENT,
                List.of("intent_low", "value_high"), new Decision.Reward(new BigDecimal("6.80"), "coupon"),
                List.of("push"), Map.of("cartValue", new BigDecimal("68.00"), "pages", 5));
    }

    private static Decision suppressed(String id, String user, String at) {
        return new Decision(id, user, "deadline", Instant.parse(at), Decision.Outcome.SUPPRESSED,
                List.of("intent_low", "quiet_hours"), null, List.of(), Map.of());
    }

    @Test
    void recordingADecisionTwiceKeepsOneItem() {
        DynamoDecisionLog log = new DynamoDecisionLog(dynamo, table);
        Decision decision = sent("dl-twice", "u-twice", "2026-11-22T10:00:45Z");

        log.record(decision);
        log.record(decision);

        List<Map<String, AttributeValue>> items = dynamo.query(b -> b.tableName(table)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("user#u-twice")))).items();
        assertThat(items).hasSize(1);
        Map<String, AttributeValue> item = items.get(0);
        assertThat(item.get("outcome").s()).isEqualTo("sent");
        assertThat(item.get("reasons").l()).extracting(AttributeValue::s).containsExactly("intent_low", "value_high");
        assertThat(Long.parseLong(item.get("expiresAt").n()))
                .isEqualTo(Instant.parse("2026-11-22T10:00:45Z").getEpochSecond() + 400L * 86_400);
        assertThat(log.forUser("u-twice", Instant.parse("2026-11-22T00:00:00Z"), Instant.parse("2026-11-23T00:00:00Z")))
                .containsExactly(decision);
    }

    @Test
    void forUserReturnsTheUsersDecisionsInTimeOrderWithinTheRange() {
        DynamoDecisionLog log = new DynamoDecisionLog(dynamo, table);
        Decision early = suppressed("dl-a", "u-range", "2026-11-22T09:59:59.999Z");
        Decision first = sent("dl-z", "u-range", "2026-11-22T10:00:00Z");
        Decision second = suppressed("dl-b", "u-range", "2026-11-22T10:00:00.500Z"); // sorts after 10:00:00Z
        Decision last = sent("dl-c", "u-range", "2026-11-22T11:00:00Z");
        Decision late = sent("dl-d", "u-range", "2026-11-22T11:00:00.001Z");
        Decision otherUser = sent("dl-e", "u-other", "2026-11-22T10:30:00Z");
        for (Decision d : List.of(late, second, otherUser, early, last, first)) {
            log.record(d);
        }

        List<Decision> found = log.forUser("u-range",
                Instant.parse("2026-11-22T10:00:00Z"), Instant.parse("2026-11-22T11:00:00Z"));

        assertThat(found).containsExactly(first, second, last);
        assertThat(found.get(0).coupon()).isEqualTo(new Decision.Reward(new BigDecimal("6.80"), "coupon"));
        assertThat(found.get(1).coupon()).isNull();
    }
}
