package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.adapters.DynamoCampaignLedger;
import dev.winback.adapters.DynamoDirectory;
import dev.winback.adapters.SqsCampaignQueue;
import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import dev.winback.core.geo.Campaign;
import dev.winback.core.geo.CampaignLaunch;
import dev.winback.core.geo.CampaignPlanRecord;
import dev.winback.core.geo.CampaignSendTask;
import dev.winback.core.geo.DirectoryFiles;
import dev.winback.core.geo.DirectoryImport;
import dev.winback.core.geo.DirectoryImports;
import dev.winback.core.geo.DirectoryIndex;
import dev.winback.core.geo.SiteCampaignRequests;
import dev.winback.core.geo.SiteCampaigns;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.handlers.CampaignHandler;
import dev.winback.handlers.GeoMetrics;
import dev.winback.it.support.DynamoCalls;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.GeoFixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.RepoRoot;
import dev.winback.it.support.TemplateRoles;
import dev.winback.local.LocalContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * CampaignFunction's handler fed by {@code events/eventbridge-site-campaign.json} and
 * {@code events/function-url-site-campaign.json} (campaign c-1023 of the Benxi depot) over a directory
 * imported from {@code events/directory-import.csv} plus 150 generated traders, on DynamoDB Local and
 * MiniStack's SQS: the plan is recorded once, the targets reach the send queue in tasks of 50, the
 * index read touches only the covering keys, each door answers as documented, and every DynamoDB
 * call is one the role allows.
 */
class CampaignHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-10-23T00:30:02Z");
    private static final Policy POLICY = PolicyLoader.defaults();

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final DynamoCalls calls = new DynamoCalls();
    private final DynamoDbClient recorded = DynamoDbLocal.configure(DynamoDbClient.builder())
            .overrideConfiguration(c -> c.addExecutionInterceptor(calls)).build();
    private final SqsClient sqs = MiniStack.sqs();
    private String directoryTable;
    private String ledgerTable;
    private String queue;
    private CampaignHandler handler;

    @BeforeEach
    void directory() throws IOException {
        directoryTable = GeoFixtures.directoryTable(dynamo);
        ledgerTable = Fixtures.ledgerTable(dynamo);
        queue = Fixtures.queue(sqs, "winback-campaign-send");
        DirectoryImport.Result file;
        try (Reader in = Files.newBufferedReader(RepoRoot.get().resolve("events/directory-import.csv"))) {
            file = DirectoryFiles.read(DirectoryFiles.Format.CSV, in);
        }
        assertThat(file.problems()).isEmpty();
        DynamoDirectory writer = new DynamoDirectory(dynamo, directoryTable, ledgerTable);
        DirectoryImports.write(writer, file.entries(), 8, null);
        DirectoryImports.write(writer, GeoFixtures.traders("g-", 150, 35, 7), 8, null);
        handler = handler(ledgerTable);
        calls.clear();
    }

    private CampaignHandler handler(String ledger) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        return new CampaignHandler(new SiteCampaignRequests(POLICY, new CampaignLaunch(POLICY,
                new DynamoDirectory(recorded, directoryTable, ledgerTable), new DynamoCampaignLedger(recorded, ledger),
                new SqsCampaignQueue(sqs, queue), clock)), clock, GeoMetrics.none());
    }

    @AfterEach
    void close() {
        dynamo.close();
        recorded.close();
        sqs.close();
    }

    private JsonNode invoke(byte[] event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event), out, new LocalContext("CampaignFunction"));
        return JSON.readTree(out.toByteArray());
    }

    private static byte[] sample(String name) throws IOException {
        return Files.readAllBytes(RepoRoot.get().resolve("events").resolve(name));
    }

    private List<CampaignSendTask> drain() {
        List<CampaignSendTask> tasks = new ArrayList<>();
        for (List<Message> got = receive(); !got.isEmpty(); got = receive()) {
            got.forEach(m -> tasks.add(CampaignSendTask.fromJson(m.body())));
        }
        return tasks;
    }

    private List<Message> receive() {
        return sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
    }

    /** c-1023 as the samples carry it. */
    private static Campaign c1023() throws IOException {
        JsonNode detail = JSON.readTree(sample("eventbridge-site-campaign.json")).path("detail");
        Decoded decoded = SiteCampaigns.decodeRequest(new EventDecoder(65_536, Duration.ofMinutes(5)),
                detail.toString().getBytes(StandardCharsets.UTF_8), "x", Instant.parse("2026-10-23T00:30:00Z"));
        return SiteCampaigns.toCampaign((BehaviorEvent.SiteCampaign) ((Decoded.Accepted) decoded).event(),
                Instant.parse("2026-10-23T00:30:00Z"), POLICY.timeZone());
    }

    @Test
    void anEventBridgeLaunchPlansOnceAndFansTheTargetsOutInTasksOfFifty() throws IOException {
        invoke(sample("eventbridge-site-campaign.json"));

        CampaignPlanRecord plan = new DynamoCampaignLedger(dynamo, ledgerTable).plan("c-1023").orElseThrow();
        assertThat(plan.launchedAt()).isEqualTo(Instant.parse("2026-10-23T00:30:00Z"));
        assertThat(plan.fannedOutAt()).isEqualTo(NOW);
        assertThat(plan.message()).isEqualTo("10月23日辽宁吉和源本溪溪湖中心基地:重废一3200跌30、钢筋切粒2830涨40,详见:https://example.com/p/1023");
        assertThat(plan.preselected()).isBetween(100, 170);
        List<CampaignSendTask> tasks = drain();
        assertThat(tasks).hasSize(plan.tasks()).allSatisfy(t -> assertThat(t.targets()).hasSizeLessThanOrEqualTo(50));
        List<String> targets = tasks.stream().flatMap(t -> t.targets().stream()).map(CampaignSendTask.Target::userId).toList();
        assertThat(targets).hasSize(plan.targets()).doesNotHaveDuplicates();
        assertThat(plan.targets()).isLessThan(plan.preselected());
        assertThat(tasks).allSatisfy(t -> assertThat(t.targets()).allSatisfy(target ->
                assertThat(target.distanceKm()).isLessThanOrEqualTo(30)));
    }

    /** The read cost of docs/geo-index.md: one Query per (category, covering cell), nothing else of the directory. */
    @Test
    void theIndexReadIsOneQueryPerCoveringKeyAndNoEntry() throws IOException {
        invoke(sample("eventbridge-site-campaign.json"));

        List<String> keys = DirectoryIndex.keysFor(c1023());
        List<DynamoCalls.Call> queries = calls.calls().stream().filter(c -> c.operation().equals("Query")).toList();
        assertThat(queries).hasSize(keys.size());
        assertThat(queries).extracting(DynamoCalls.Call::partitionKey).containsExactlyInAnyOrderElementsOf(keys);
        assertThat(calls.calls()).noneMatch(c -> c.table().equals(directoryTable) && !c.operation().equals("Query"));
        assertThat(keys).hasSize(151); // 30 km around Benxi, docs/geo-index.md
    }

    @Test
    void theFunctionUrlAnswersEachOutcomeAsDocumented() throws IOException {
        byte[] request = sample("function-url-site-campaign.json");

        JsonNode launched = invoke(request);
        assertThat(launched.path("statusCode").asInt()).isEqualTo(202);
        JsonNode body = JSON.readTree(launched.path("body").asText());
        assertThat(body.path("status").asText()).isEqualTo("launched");
        assertThat(body.path("targets").asInt()).isPositive();
        int tasks = drain().size();
        assertThat(tasks).isEqualTo(body.path("tasks").asInt());

        JsonNode again = invoke(request);
        assertThat(again.path("statusCode").asInt()).isEqualTo(200);
        assertThat(JSON.readTree(again.path("body").asText()).path("status").asText()).isEqualTo("already_launched");
        assertThat(invoke(sample("eventbridge-site-campaign.json"))).isNotNull();
        assertThat(drain()).as("the same campaign through another door").isEmpty();

        JsonNode other = invoke(withBody(request, b -> b.put("radiusKm", 20)));
        assertThat(other.path("statusCode").asInt()).isEqualTo(409);
        assertThat(JSON.readTree(other.path("body").asText()).at("/error/code").asText()).isEqualTo("campaign_id_taken");

        JsonNode bad = invoke(withBody(request, b -> b.remove("categories")));
        assertThat(bad.path("statusCode").asInt()).isEqualTo(400);
        assertThat(JSON.readTree(bad.path("body").asText()).at("/error/field").asText()).isEqualTo("categories");

        ObjectNode get = (ObjectNode) JSON.readTree(request);
        ((ObjectNode) get.at("/requestContext/http")).put("method", "GET");
        assertThat(invoke(JSON.writeValueAsBytes(get)).path("statusCode").asInt()).isEqualTo(405);
        assertThat(drain()).isEmpty();
    }

    @Test
    void aBase64BodyIsReadToo() throws IOException {
        ObjectNode request = (ObjectNode) JSON.readTree(sample("function-url-site-campaign.json"));
        request.put("body", Base64.getEncoder().encodeToString(request.path("body").asText().getBytes(StandardCharsets.UTF_8)));
        request.put("isBase64Encoded", true);

        assertThat(invoke(JSON.writeValueAsBytes(request)).path("statusCode").asInt()).isEqualTo(202);
    }

    @Test
    void aSiteCampaignRecordOnTheStreamLaunchesAndAFailedLaunchIsDeliveredAgain() throws IOException {
        ObjectNode record = (ObjectNode) JSON.readTree(sample("eventbridge-site-campaign.json")).path("detail");
        record.put("eventId", "evt-site-1").put("type", "site_campaign").put("occurredAt", "2026-10-23T00:30:00Z");
        byte[] batch = kinesisBatch(record.toString());

        CampaignHandler failing = handler("winback-ledger-missing");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        failing.handleRequest(new ByteArrayInputStream(batch), out, new LocalContext("CampaignFunction"));
        assertThat(JSON.readTree(out.toByteArray()).at("/batchItemFailures/0/itemIdentifier").asText()).isEqualTo("4100");

        JsonNode response = invoke(batch);
        assertThat(response.path("batchItemFailures")).isEmpty();
        assertThat(new DynamoCampaignLedger(dynamo, ledgerTable).plan("c-1023")).isPresent();
        assertThat(drain()).isNotEmpty();
    }

    @Test
    void everyCallIsOneTheFunctionsRoleAllows() throws IOException {
        invoke(sample("function-url-site-campaign.json"));
        invoke(sample("eventbridge-site-campaign.json"));

        TemplateRoles role = TemplateRoles.of("CampaignFunctionRole");
        Map<String, String> tables = Map.of(directoryTable, "DirectoryTable", ledgerTable, "LedgerTable");
        Set<String> operations = new HashSet<>();
        calls.calls().forEach(c -> operations.add(c.operation()));
        assertThat(operations).contains("Query", "GetItem", "PutItem", "UpdateItem");
        assertThat(calls.calls()).allSatisfy(call -> assertThat(role.refusal(call, tables)).isNull());
    }

    private static byte[] withBody(byte[] request, java.util.function.Consumer<ObjectNode> change) throws IOException {
        ObjectNode node = (ObjectNode) JSON.readTree(request);
        ObjectNode body = (ObjectNode) JSON.readTree(node.path("body").asText());
        change.accept(body);
        node.put("body", body.toString());
        return JSON.writeValueAsBytes(node);
    }

    /** A Kinesis batch of one record as the site_campaign mapping delivers it. */
    private static byte[] kinesisBatch(String data) throws IOException {
        ObjectNode event = JSON.createObjectNode();
        ObjectNode record = event.putArray("Records").addObject();
        record.put("eventSource", "aws:kinesis").put("eventID", "shardId-000000000000:4100");
        record.putObject("kinesis").put("sequenceNumber", "4100").put("partitionKey", "site-bx")
                .put("approximateArrivalTimestamp", 1792715402.5)
                .put("data", Base64.getEncoder().encodeToString(data.getBytes(StandardCharsets.UTF_8)));
        return JSON.writeValueAsBytes(event);
    }
}
