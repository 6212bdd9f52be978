package dev.winback.adapters;

import dev.winback.core.dormancy.DormantCohort;
import dev.winback.core.dormancy.DormantCohorts;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.recall.ContactCard;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One day's cohort in one shard: a Query on the state table's sparse {@code DormantCohort} index
 * (key {@code cohort}, projecting the contact card). It reads one index item per user in the cohort
 * and nothing else; eventually consistent reads at half a read unit per 4 KB.
 */
public final class DynamoDormantCohort implements DormantCohort {

    private final DynamoDbClient dynamo;
    private final String table;
    private final String index;

    public DynamoDormantCohort(DynamoDbClient dynamo, String table, String index) {
        this.dynamo = dynamo;
        this.table = table;
        this.index = index;
    }

    @Override
    public List<Member> members(LocalDate dormantFrom, int shard) {
        List<Member> members = new ArrayList<>();
        dynamo.queryPaginator(b -> b.tableName(table).indexName(index)
                        .keyConditionExpression("#c = :c")
                        .expressionAttributeNames(Map.of("#c", DynamoStateStore.COHORT))
                        .expressionAttributeValues(Map.of(":c",
                                AttributeValue.fromS(DormantCohorts.key(dormantFrom, shard)))))
                .items().forEach(item -> members.add(member(item, dormantFrom)));
        return members;
    }

    private static Member member(Map<String, AttributeValue> item, LocalDate dormantFrom) {
        String userId = item.get(DynamoStateStore.PK).s().substring(SubjectKey.USER.length());
        Map<String, String> contact = new HashMap<>();
        AttributeValue card = item.get(DynamoStateStore.CONTACT);
        if (card != null && card.hasM()) {
            card.m().forEach((k, v) -> contact.put(k, v.s()));
        }
        return new Member(userId, dormantFrom, ContactCard.fromMap(userId, contact));
    }
}
