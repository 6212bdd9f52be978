package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.winback.adapters.DynamoDirectory;
import dev.winback.core.geo.CampaignFeedback;
import dev.winback.core.geo.Directory;
import dev.winback.core.geo.DirectoryConsumer;
import dev.winback.core.geo.DirectoryEntry;
import dev.winback.core.geo.DirectoryIndex;
import dev.winback.core.geo.GeoCell;
import dev.winback.core.geo.Role;
import dev.winback.core.geo.TargetEngagement;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.handlers.DirectoryHandler;
import dev.winback.handlers.GeoMetrics;
import dev.winback.it.support.DynamoCalls;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.TemplateRoles;
import dev.winback.local.LocalContext;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DirectoryFunction's handler fed by {@code events/kinesis-directory.json} on DynamoDB Local: traders'
 * profiles start and place their entries, an app user's profile is not the directory's, the read,
 * click and deal of a campaign message teach the entry and its engagement once; a redelivered batch
 * writes nothing; every call is one the function's role allows, at the cost the design says.
 */
class DirectoryHandlerTest {

    private static final String SAMPLE = "kinesis-directory.json";

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final DynamoCalls calls = new DynamoCalls();
    private final DynamoDbClient recorded = DynamoDbLocal.configure(DynamoDbClient.builder())
            .overrideConfiguration(c -> c.addExecutionInterceptor(calls)).build();
    private String directoryTable;
    private String ledgerTable;
    private DynamoDirectory directory;
    private DirectoryHandler handler;

    @BeforeEach
    void tables() {
        directoryTable = dev.winback.it.support.GeoFixtures.directoryTable(dynamo);
        ledgerTable = Fixtures.ledgerTable(dynamo);
        directory = new DynamoDirectory(dynamo, directoryTable, ledgerTable);
        handler = new DirectoryHandler(new DirectoryConsumer(PolicyLoader.defaults(),
                new DynamoDirectory(recorded, directoryTable, ledgerTable), new CampaignFeedback(), 4), GeoMetrics.none());
        // u-2003 was in the directory and was sent c-1023's message at 00:31.
        DirectoryEntry u2003 = new DirectoryEntry("u-2003", "平山回收", "+8613800002003", null, 41.30, 123.79, "回收站",
                Role.SUPPLIER, false, List.of("废钢"), List.of(), Map.of(), Map.of(), 3, 0.5, null, 0, 0, 0);
        directory.save(new Directory.Change(null, u2003, null, List.of()));
        Directory.Stored stored = directory.load(List.of("u-2003")).get("u-2003");
        CampaignFeedback.Update sent = new CampaignFeedback().sent(u2003, TargetEngagement.of("c-1023", "u-2003"),
                Instant.parse("2026-10-23T00:31:00Z"));
        directory.save(new Directory.Change(stored, sent.entry(), null,
                List.of(new Directory.EngagementChange(null, sent.engagement()))));
    }

    @AfterEach
    void close() {
        dynamo.close();
        recorded.close();
    }

    private StreamsEventResponse invoke() {
        KinesisEvent event = Fixtures.kinesisEvent(SAMPLE);
        return handler.handleRequest(event, new LocalContext("DirectoryFunction"));
    }

    @Test
    void profilesStartAndPlaceTradersEntriesAndAnAppUsersProfileIsNotTheDirectorys() {
        assertThat(invoke().getBatchItemFailures()).isEmpty();

        DirectoryEntry u2001 = directory.load(List.of("u-2001")).get("u-2001").entry();
        assertThat(u2001.verified()).isTrue();
        assertThat(u2001.lat()).isEqualTo(41.2102);
        assertThat(u2001.features()).containsEntry("monthlyTons", 120.0);
        String placed = DirectoryIndex.keysOf(u2001).get(0);
        String firstYard = DirectoryIndex.key(Role.SUPPLIER, "废钢", GeoCell.of(41.2905, 123.8231));
        assertThat(placed).isNotEqualTo(firstYard);
        assertThat(partition(placed)).containsOnlyKeys("u-2001");
        assertThat(partition(firstYard)).isEmpty();
        // Placements carry what planning reads, never the name or the number.
        assertThat(partition(placed).get("u-2001")).containsKeys("lat", "lon", "verified", "messageSensitivity",
                "hasPhone", "hasWechat").doesNotContainKeys("name", "phone", "wechatOpenId");
        DirectoryEntry u2002 = directory.load(List.of("u-2002")).get("u-2002").entry();
        assertThat(DirectoryIndex.keysOf(u2002)).hasSize(2).allSatisfy(key -> assertThat(partition(key)).containsOnlyKeys("u-2002"));
        assertThat(directory.load(List.of("u-2004"))).isEmpty();
    }

    @Test
    void theReadClickAndDealOfACampaignMessageTeachTheEntryAndItsEngagementOnce() {
        invoke();

        DirectoryEntry u2003 = directory.load(List.of("u-2003")).get("u-2003").entry();
        assertThat(u2003.messageSensitivity()).as("0.5 × 0.8 at the send, + 0.2 × 0.5 read, + 0.2 × 0.5 click")
                .isCloseTo(0.6, within(1e-12));
        assertThat(u2003.lastDealAt()).isEqualTo(Instant.parse("2026-10-23T03:15:00Z"));
        assertThat(u2003.conversionRate()).isEqualTo(1.0);
        assertThat(u2003.campaignTransactions()).isEqualTo(1);
        TargetEngagement engagement = directory.engagements(List.of(new Directory.EngagementKey("c-1023", "u-2003")))
                .values().iterator().next().engagement();
        assertThat(engagement.readAt()).isEqualTo(Instant.parse("2026-10-23T00:40:00Z"));
        assertThat(engagement.clickedAt()).isEqualTo(Instant.parse("2026-10-23T00:42:30Z"));
        assertThat(engagement.transactedAt()).isEqualTo(Instant.parse("2026-10-23T03:15:00Z"));
        String placement = DirectoryIndex.keysOf(u2003).get(0);
        assertThat(partition(placement).get("u-2003").get("messageSensitivity").n()).isEqualTo("0.6");
        // The recall message u-2001 read taught nothing (u-2001 has no campaign history).
        assertThat(directory.load(List.of("u-2001")).get("u-2001").entry().messagesReceived()).isZero();
    }

    @Test
    void aRedeliveredBatchWritesNothing() {
        invoke();
        Map<String, Map<String, AttributeValue>> before = items();
        calls.clear();

        assertThat(invoke().getBatchItemFailures()).isEmpty();

        assertThat(calls.requests()).containsOnlyKeys("BatchGetItem");
        assertThat(withoutTimes(items())).isEqualTo(withoutTimes(before));
    }

    /**
     * One batch read of the users' entries and one of the engagements their feedback names, then one
     * transaction per user who changed (entry, placements, engagement), whatever the number of records.
     */
    @Test
    void aBatchCostsTwoBatchReadsAndOneTransactionPerChangedUser() {
        invoke();

        assertThat(calls.requests()).isEqualTo(Map.of("BatchGetItem", 2L, "TransactWriteItems", 3L));
    }

    @Test
    void everyCallIsOneTheFunctionsRoleAllows() {
        invoke();
        invoke();

        TemplateRoles role = TemplateRoles.of("DirectoryFunctionRole");
        Map<String, String> tables = Map.of(directoryTable, "DirectoryTable", ledgerTable, "LedgerTable");
        assertThat(calls.calls()).extracting(c -> c.operation()).contains("BatchGetItem", "PutItem");
        assertThat(calls.calls()).allSatisfy(call -> assertThat(role.refusal(call, tables)).isNull());
    }

    @Test
    void aMissingTableIsReportedFromEachUsersFirstRecord() {
        DirectoryHandler broken = new DirectoryHandler(new DirectoryConsumer(PolicyLoader.defaults(),
                new DynamoDirectory(dynamo, "winback-directory-missing", ledgerTable), new CampaignFeedback(), 4),
                GeoMetrics.none());
        KinesisEvent event = Fixtures.kinesisEvent(SAMPLE);

        StreamsEventResponse response = broken.handleRequest(event, new LocalContext("DirectoryFunction"));

        // u-2001, u-2002, u-2004 and u-2003: the stream restarts from the lowest, the first record.
        assertThat(response.getBatchItemFailures()).hasSize(4)
                .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .contains(event.getRecords().get(0).getKinesis().getSequenceNumber());
    }

    private Map<String, Map<String, AttributeValue>> partition(String key) {
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        dynamo.queryPaginator(b -> b.tableName(directoryTable).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(key))))
                .items().forEach(item -> items.put(item.get("sk").s(), item));
        return items;
    }

    private Map<String, Map<String, AttributeValue>> items() {
        Map<String, Map<String, AttributeValue>> items = new TreeMap<>();
        for (String table : List.of(directoryTable, ledgerTable)) {
            dynamo.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()
                    .forEach(item -> items.put(table + " " + item.get("pk").s() + " " + item.get("sk").s(), item));
        }
        return items;
    }

    private static Map<String, Map<String, AttributeValue>> withoutTimes(Map<String, Map<String, AttributeValue>> items) {
        Map<String, Map<String, AttributeValue>> out = new TreeMap<>();
        items.forEach((k, v) -> {
            Map<String, AttributeValue> copy = new TreeMap<>(v);
            copy.remove("updatedAt");
            out.put(k, copy);
        });
        return out;
    }
}
