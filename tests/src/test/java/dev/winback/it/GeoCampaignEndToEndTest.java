package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.adapters.ChannelNotifier;
import dev.winback.adapters.DynamoCampaignLedger;
import dev.winback.adapters.StateContactCards;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoDirectory;
import dev.winback.adapters.DynamoInbox;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.DynamoSuppressionList;
import dev.winback.adapters.SnsNotifier;
import dev.winback.adapters.SqsCallTasks;
import dev.winback.adapters.SqsCampaignQueue;
import dev.winback.adapters.WeChatOfficialClient;
import dev.winback.adapters.WeChatOfficialCredentials;
import dev.winback.adapters.WeChatOfficialNotifier;
import dev.winback.core.geo.CampaignFeedback;
import dev.winback.core.geo.CampaignLaunch;
import dev.winback.core.geo.CampaignMessageIds;
import dev.winback.core.geo.CampaignPlanRecord;
import dev.winback.core.geo.CampaignSender;
import dev.winback.core.geo.Directory;
import dev.winback.core.geo.DirectoryConsumer;
import dev.winback.core.geo.DirectoryEntry;
import dev.winback.core.geo.DirectoryIndex;
import dev.winback.core.geo.SiteCampaignRequests;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Notifier;
import dev.winback.handlers.CampaignHandler;
import dev.winback.handlers.CampaignSendHandler;
import dev.winback.handlers.DirectoryHandler;
import dev.winback.handlers.GeoMetrics;
import dev.winback.it.support.DynamoCalls;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.GeoFixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.RepoRoot;
import dev.winback.local.LocalContext;
import dev.winback.local.SqsPoller;
import dev.winback.local.WinbackCommand;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A site campaign end to end on DynamoDB Local and MiniStack (D1–D8): 300 traders imported with
 * {@code ./winback import} (after a file with one bad line imported nothing), a yard move through
 * DirectoryFunction moving a placement, the Benxi depot's campaign launched through CampaignFunction's
 * IAM function URL reading only the covering index keys, its send tasks fanned out on SQS and taken by
 * CampaignSendFunction as the event source mapping would — SMS through SNS, WeChat official-account
 * messages on a server following WeChat's contract, call tasks on SQS, in-app messages in the ledger —
 * then reads, clicks and deals through DirectoryFunction updating the traders' entries, and
 * {@code ./winback report --campaign} adding it all up.
 */
class GeoCampaignEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant LAUNCH = Instant.parse("2026-10-23T00:30:00Z");
    private static final Policy POLICY = PolicyLoader.defaults();
    private static final String TEMPLATE = "tmpl-Campaign-Price-0001";

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final DynamoCalls calls = new DynamoCalls();
    private final DynamoDbClient recorded = DynamoDbLocal.configure(DynamoDbClient.builder())
            .overrideConfiguration(c -> c.addExecutionInterceptor(calls)).build();
    private final SqsClient sqs = MiniStack.sqs();
    private final SnsClient sns = MiniStack.sns();
    private final Clock clock = Clock.fixed(LAUNCH.plusSeconds(5), ZoneOffset.UTC);
    private WeChatOfficialNotifierTest.FakeWeChat wechat;

    @AfterEach
    void close() {
        if (wechat != null) {
            wechat.close();
        }
        dynamo.close();
        recorded.close();
        sqs.close();
        sns.close();
    }

    @Test
    void importPlanFanOutSendPerChannelLearnAndReport(@TempDir Path dir) throws Exception {
        String directoryTable = GeoFixtures.directoryTable(dynamo);
        String ledgerTable = Fixtures.ledgerTable(dynamo);
        String stateTable = Fixtures.stateTable(dynamo);
        String sendQueue = Fixtures.queue(sqs, "winback-campaign-send");
        String callQueue = Fixtures.queue(sqs, "winback-calls");
        DynamoDirectory directory = new DynamoDirectory(dynamo, directoryTable, ledgerTable);

        // --- D1: the import is all or nothing --------------------------------------------------
        List<DirectoryEntry> traders = GeoFixtures.traders("e-", 300, 40, 4242);
        List<String> lines = traders.stream().map(GeoCampaignEndToEndTest::jsonLine).toList();
        List<String> withBadLine = new ArrayList<>(lines);
        withBadLine.set(136, withBadLine.get(136).replace("\"role\":\"supplier\"", "\"role\":\"trader\""));
        Path bad = Files.write(dir.resolve("crm-bad.jsonl"), withBadLine);
        Run rejected = winback("import", bad.toString(), "--directory-table", directoryTable,
                "--endpoint", DynamoDbLocal.endpoint().toString());
        assertThat(rejected.exitCode()).isEqualTo(1);
        assertThat(rejected.err()).contains("line 137: role: must be supplier or buyer, got 'trader'");
        assertThat(dynamo.scan(b -> b.tableName(directoryTable).select("COUNT")).count()).isZero();

        Path good = Files.write(dir.resolve("crm.jsonl"), lines);
        Run imported = winback("import", good.toString(), "--directory-table", directoryTable,
                "--endpoint", DynamoDbLocal.endpoint().toString());
        assertThat(imported.exitCode()).as(imported.err()).isZero();
        assertThat(imported.out()).contains("imported 300 directory entries into " + directoryTable + ": 300 new");

        // --- D1/D3: a profile change moves the placement, through DirectoryFunction ------------
        DirectoryEntry mover = traders.get(1);
        String before = DirectoryIndex.keysOf(mover).get(0);
        DirectoryHandler directoryFunction = new DirectoryHandler(new DirectoryConsumer(POLICY,
                new DynamoDirectory(dynamo, directoryTable, ledgerTable), new CampaignFeedback(), 8), GeoMetrics.none());
        directoryFunction.handleRequest(GeoFixtures.kinesis(List.of(event("profile_updated", mover.userId(),
                "2026-10-23T00:10:00Z", Map.of("lat", 41.36, "lon", 123.70))), 5000, LAUNCH), new LocalContext("DirectoryFunction"));
        DirectoryEntry moved = directory.load(List.of(mover.userId())).get(mover.userId()).entry();
        String after = DirectoryIndex.keysOf(moved).get(0);
        assertThat(after).isNotEqualTo(before);
        assertThat(placed(directoryTable, before)).doesNotContain(mover.userId());
        assertThat(placed(directoryTable, after)).contains(mover.userId());

        // --- D2-D4: the launch reads only the covering keys, plans, records, fans out ------------
        CampaignHandler campaignFunction = new CampaignHandler(new SiteCampaignRequests(POLICY, new CampaignLaunch(POLICY,
                new DynamoDirectory(recorded, directoryTable, ledgerTable), new DynamoCampaignLedger(recorded, ledgerTable),
                new SqsCampaignQueue(sqs, sendQueue), clock)), clock, GeoMetrics.none());
        calls.clear();
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        campaignFunction.handleRequest(new ByteArrayInputStream(Files.readAllBytes(
                RepoRoot.get().resolve("events/function-url-site-campaign.json"))), response, new LocalContext("CampaignFunction"));
        JsonNode answer = JSON.readTree(response.toByteArray());
        assertThat(answer.path("statusCode").asInt()).isEqualTo(202);
        CampaignPlanRecord plan = new DynamoCampaignLedger(dynamo, ledgerTable).plan("c-1023").orElseThrow();
        long queries = calls.calls().stream().filter(c -> c.operation().equals("Query")).count();
        assertThat(queries).as("one Query per covering key of 30 km (docs/geo-index.md)").isEqualTo(151);
        assertThat(calls.calls()).noneMatch(c -> c.operation().equals("Scan"));
        long within30 = traders.stream().filter(t -> dev.winback.core.geo.GeoDistance.km(41.33, 123.76,
                t.userId().equals(mover.userId()) ? 41.36 : t.lat(), t.userId().equals(mover.userId()) ? 123.70 : t.lon()) <= 30).count();
        assertThat(plan.preselected()).isEqualTo((int) within30);

        // --- D5: the send tasks through CampaignSendFunction, every channel of each target -------
        Clock sendClock = Clock.fixed(LAUNCH.plusSeconds(20), ZoneOffset.UTC);
        wechat = new WeChatOfficialNotifierTest.FakeWeChat("wx0123456789abcdef", "secret", sendClock);
        wechat.templates.put(TEMPLATE, Set.of("thing1"));
        traders.stream().filter(t -> t.wechatOpenId() != null).forEach(t -> wechat.followers.add(t.wechatOpenId()));
        CampaignSendHandler sendFunction = sendFunction(directoryTable, ledgerTable, stateTable, sendQueue, callQueue, sendClock);
        SqsPoller.Poll poll = new SqsPoller(sqs, sendQueue, Fixtures.queueArn(sqs, sendQueue))
                .pollUntil(plan.tasks(), sendFunction::handleRequest, Duration.ofSeconds(90));
        assertThat(poll.failed()).isZero();

        Map<String, DirectoryEntry> byId = new HashMap<>();
        traders.forEach(t -> byId.put(t.userId(), t));
        List<String> targets = targets(ledgerTable, plan);
        assertThat(targets).hasSize(plan.targets());
        long verified = targets.stream().filter(id -> byId.get(id).verified()).count();
        long verifiedWithOpenId = targets.stream().filter(id -> byId.get(id).verified() && byId.get(id).wechatOpenId() != null).count();
        Map<String, Integer> sms = smsByPhone(targets.stream().map(id -> byId.get(id).phone()).toList());
        assertThat(sms.values()).as("one SMS to every target").hasSize(plan.targets()).containsOnly(1);
        assertThat(wechat.delivered).hasSize((int) verifiedWithOpenId).doesNotHaveDuplicates();
        assertThat(callTasks(callQueue)).hasSize(plan.targets() - (int) verified);
        assertThat(dynamo.scan(b -> b.tableName(ledgerTable).filterExpression("begins_with(sk, :inbox)")
                .expressionAttributeValues(Map.of(":inbox", AttributeValue.fromS("inbox#")))).count()).isEqualTo((int) verified);
        Decision one = new DynamoDecisionLog(dynamo, ledgerTable).find(targets.get(0), LAUNCH,
                CampaignMessageIds.of("c-1023", targets.get(0))).orElseThrow();
        assertThat(one.outcome()).isEqualTo(Decision.Outcome.SENT);
        System.out.printf("geo e2e: 300 traders, %d preselected within 30 km, %d clusters, %d targets in %d tasks; "
                        + "%d index Queries; sent %d SMS, %d WeChat, %d in-app, %d call tasks%n", plan.preselected(),
                plan.clusters(), plan.targets(), plan.tasks(), queries, plan.targets(), verifiedWithOpenId, verified,
                plan.targets() - verified);

        // --- D7: feedback through DirectoryFunction ----------------------------------------------
        List<String> feedback = new ArrayList<>();
        List<String> readers = targets.subList(0, 30);
        for (int i = 0; i < readers.size(); i++) {
            String user = readers.get(i);
            String message = CampaignMessageIds.of("c-1023", user);
            feedback.add(event("message_read", user, "2026-10-23T01:0" + (i % 10) + ":00Z", Map.of("messageId", message)));
            if (i < 10) {
                feedback.add(event("message_clicked", user, "2026-10-23T01:1" + i + ":00Z", Map.of("messageId", message)));
            }
            if (i < 5) {
                feedback.add(event("transaction", user, "2026-10-23T05:0" + i + ":00Z",
                        Map.of("messageId", message, "amount", "32000.00", "siteId", "site-bx")));
            }
        }
        String notTargeted = traders.stream().map(DirectoryEntry::userId).filter(id -> !targets.contains(id)).findFirst()
                .orElseThrow();
        feedback.add(event("transaction", notTargeted, "2026-10-23T06:00:00Z", Map.of("amount", "900.00")));
        assertThat(directoryFunction.handleRequest(GeoFixtures.kinesis(feedback, 6000, LAUNCH.plusSeconds(21_600)),
                new LocalContext("DirectoryFunction")).getBatchItemFailures()).isEmpty();

        DirectoryEntry clicker = directory.load(List.of(readers.get(7))).get(readers.get(7)).entry();
        double importedSensitivity = byId.get(readers.get(7)).messageSensitivity();
        assertThat(clicker.messageSensitivity()).as("decayed by the send, credited 0.2 × 1 for the click")
                .isCloseTo(importedSensitivity * 0.8 + 0.2, within(1e-9));
        DirectoryEntry buyer = directory.load(List.of(readers.get(2))).get(readers.get(2)).entry();
        assertThat(buyer.lastDealAt()).isEqualTo(Instant.parse("2026-10-23T05:02:00Z"));
        assertThat(buyer.conversionRate()).isEqualTo(1.0);
        assertThat(directory.load(List.of(notTargeted)).get(notTargeted).entry().lastDealAt())
                .isEqualTo(Instant.parse("2026-10-23T06:00:00Z"));

        // --- D8: the report from the ledger -----------------------------------------------------
        Run report = winback("report", "--ledger-table", ledgerTable, "--campaign", "c-1023", "--json",
                "--endpoint", DynamoDbLocal.endpoint().toString());
        assertThat(report.exitCode()).as(report.err()).isZero();
        JsonNode figures = JSON.readTree(report.out());
        assertThat(figures.path("targets").asInt()).isEqualTo(plan.targets());
        assertThat(figures.path("reached").asInt()).isEqualTo(plan.targets());
        assertThat(figures.path("read").asInt()).isEqualTo(30);
        assertThat(figures.path("clicked").asInt()).isEqualTo(10);
        assertThat(figures.path("transacted").asInt()).isEqualTo(5);
        assertThat(figures.path("conversionRate").asDouble()).isCloseTo(5.0 / plan.targets(), within(1e-12));
        assertThat(figures.path("potentialCustomerShare").asDouble()).isCloseTo(30.0 / plan.targets(), within(1e-12));
        Run table = winback("report", "--ledger-table", ledgerTable, "--campaign", "c-1023",
                "--endpoint", DynamoDbLocal.endpoint().toString());
        assertThat(table.out()).contains("Campaign c-1023 (purchase by 辽宁吉和源本溪溪湖中心基地").contains("potential customers");
        System.out.print(table.out());
    }

    private CampaignSendHandler sendFunction(String directoryTable, String ledgerTable, String stateTable, String sendQueue,
                                             String callQueue, Clock sendClock) {
        WeChatOfficialCredentials credentials = () -> new WeChatOfficialCredentials.Credentials("wx0123456789abcdef", "secret");
        Map<String, Notifier> channels = Map.of(
                "sms", new SnsNotifier(sns, null, null),
                "wechat", new WeChatOfficialNotifier(WeChatOfficialClient.builder(credentials).baseUrl(wechat.baseUrl())
                        .clock(sendClock).build(), WeChatOfficialNotifier.Template.textIn(TEMPLATE, "thing1")),
                "inbox", new DynamoInbox(dynamo, ledgerTable, sendClock),
                "call", new SqsCallTasks(sqs, callQueue, Duration.ofHours(24), sendClock));
        SqsCampaignQueue queue = new SqsCampaignQueue(sqs, sendQueue);
        CampaignSender sender = new CampaignSender(POLICY, new CampaignSender.Ports(
                new DynamoDirectory(dynamo, directoryTable, ledgerTable),
                new StateContactCards(new DynamoStateStore(dynamo, stateTable)), new DynamoSuppressionList(dynamo, ledgerTable),
                phone -> false, new DynamoSendLedger(dynamo, ledgerTable), new ChannelNotifier(channels), channels.keySet(),
                new DynamoDecisionLog(dynamo, ledgerTable), queue), new CampaignFeedback());
        return new CampaignSendHandler(sender, queue, sendClock, GeoMetrics.none());
    }

    /** The targets whose send the ledger recorded: one engagement each. */
    private List<String> targets(String ledgerTable, CampaignPlanRecord plan) {
        return new DynamoCampaignLedger(dynamo, ledgerTable).engagements(plan.campaignId()).stream()
                .map(e -> e.userId()).sorted().toList();
    }

    private List<String> placed(String table, String key) {
        return dynamo.query(b -> b.tableName(table).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(key)))).items().stream()
                .map(i -> i.get("sk").s()).toList();
    }

    private Map<String, Integer> smsByPhone(List<String> phones) throws Exception {
        // HTTP/1.1 as the SDK speaks to MiniStack: the default h2c upgrade attempt was answered in a way
        // the JDK client read as a malformed HTTP/2 frame once MiniStack held many messages.
        HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest.newBuilder(
                MiniStack.endpoint().resolve("/_ministack/sns/sms-messages")).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode all = JSON.readTree(response.body()).path("sms_messages");
        Map<String, Integer> counts = new LinkedHashMap<>();
        Set<String> wanted = new HashSet<>(phones);
        all.fields().forEachRemaining(e -> {
            if (wanted.contains(e.getKey())) {
                counts.put(e.getKey(), e.getValue().size());
            }
        });
        return counts;
    }

    private List<JsonNode> callTasks(String queue) throws Exception {
        List<JsonNode> tasks = new ArrayList<>();
        for (List<Message> got = receive(queue); !got.isEmpty(); got = receive(queue)) {
            for (Message m : got) {
                tasks.add(JSON.readTree(m.body()));
                sqs.deleteMessage(b -> b.queueUrl(queue).receiptHandle(m.receiptHandle()));
            }
        }
        return tasks;
    }

    private List<Message> receive(String queue) {
        return sqs.receiveMessage(b -> b.queueUrl(queue).maxNumberOfMessages(10).waitTimeSeconds(1)).messages();
    }

    private static String event(String type, String userId, String at, Map<String, Object> fields) {
        ObjectNode event = JSON.createObjectNode();
        event.put("eventId", "evt-" + type + "-" + userId + "-" + at);
        event.put("type", type);
        event.put("userId", userId);
        event.put("occurredAt", at);
        fields.forEach((k, v) -> event.set(k, JSON.valueToTree(v)));
        return event.toString();
    }

    /** An entry as a directory-file line (DirectoryImport's JSON Lines format). */
    private static String jsonLine(DirectoryEntry e) {
        ObjectNode line = JSON.createObjectNode();
        line.put("userId", e.userId());
        line.put("name", e.name());
        line.put("phone", e.phone());
        if (e.wechatOpenId() != null) {
            line.put("wechatOpenId", e.wechatOpenId());
        }
        line.put("lat", e.lat());
        line.put("lon", e.lon());
        line.put("role", e.role().wireName());
        line.put("verified", e.verified());
        line.set("categories", JSON.valueToTree(e.categories()));
        line.set("materials", JSON.valueToTree(e.materials()));
        line.set("features", JSON.valueToTree(e.features()));
        line.put("tradeFrequency", e.tradeFrequency());
        line.put("messageSensitivity", e.messageSensitivity());
        line.put("conversionRate", e.conversionRate());
        if (e.lastDealAt() != null) {
            line.put("lastDealAt", e.lastDealAt().toString());
        }
        return line.toString();
    }

    private record Run(int exitCode, String out, String err) {
    }

    private static Run winback(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine command = WinbackCommand.commandLine();
        command.setOut(new PrintWriter(out));
        command.setErr(new PrintWriter(err));
        int code = command.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
