package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.adapters.ChannelNotifier;
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
import dev.winback.core.geo.CampaignSendTask;
import dev.winback.core.geo.CampaignSender;
import dev.winback.core.geo.Directory;
import dev.winback.core.geo.DirectoryEntry;
import dev.winback.core.geo.Role;
import dev.winback.core.geo.TargetEngagement;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Notifier;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import dev.winback.handlers.CampaignSendHandler;
import dev.winback.handlers.GeoMetrics;
import dev.winback.it.support.DynamoCalls;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import dev.winback.it.support.GeoFixtures;
import dev.winback.it.support.MiniStack;
import dev.winback.it.support.TemplateRoles;
import dev.winback.local.LocalContext;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * CampaignSendFunction's handler fed by {@code events/sqs-campaign-send.json} (one task of c-1023:
 * u-2001 verified, u-2002 not, u-2003 not and opted out of SMS) with every real channel: SMS through
 * MiniStack's SNS, the WeChat official account on a local server that follows WeChat's contract, call
 * tasks on MiniStack's SQS, the in-app inbox in DynamoDB Local. Every channel of each target goes once,
 * a redelivered task sends nothing more, a task not yet due is hidden on the queue, and every DynamoDB
 * call is one the role allows.
 */
class CampaignSendHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-10-23T00:30:05Z"); // 08:30 in Shanghai
    private static final String TEMPLATE = "tmpl-Campaign-Price-0001";

    private final DynamoDbClient dynamo = DynamoDbLocal.client();
    private final DynamoCalls calls = new DynamoCalls();
    private final DynamoDbClient recorded = DynamoDbLocal.configure(DynamoDbClient.builder())
            .overrideConfiguration(c -> c.addExecutionInterceptor(calls)).build();
    private final SqsClient sqs = MiniStack.sqs();
    private final SnsClient sns = MiniStack.sns();
    private String directoryTable;
    private String ledgerTable;
    private String stateTable;
    private String callQueue;
    private String sendQueue;
    private WeChatOfficialNotifierTest.FakeWeChat wechat;
    private String phone1;
    private String phone2;
    private String phone3;
    private CampaignSendHandler handler;

    @BeforeEach
    void world() throws IOException {
        directoryTable = GeoFixtures.directoryTable(dynamo);
        ledgerTable = Fixtures.ledgerTable(dynamo);
        stateTable = Fixtures.stateTable(dynamo);
        callQueue = Fixtures.queue(sqs, "winback-calls");
        sendQueue = Fixtures.queue(sqs, "winback-campaign-send");
        long unique = System.nanoTime() % 1_000_000;
        phone1 = String.format("+86138%06d01", unique);
        phone2 = String.format("+86138%06d02", unique);
        phone3 = String.format("+86138%06d03", unique);
        DynamoDirectory directory = new DynamoDirectory(dynamo, directoryTable, ledgerTable);
        for (DirectoryEntry e : List.of(
                trader("u-2001", phone1, "oBx2001-example", true),
                trader("u-2002", phone2, null, false),
                trader("u-2003", phone3, null, false))) {
            directory.save(new Directory.Change(null, e, null, List.of()));
        }
        UserState u2003 = UserState.newUser("u-2003");
        u2003.consent.put("sms", false); // a consent_updated opt-out of SMS
        new DynamoStateStore(dynamo, stateTable).save(new StoredState("user#u-2003", 1, "1", StateCodec.toBytes(u2003),
                Set.of()), 0);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        wechat = new WeChatOfficialNotifierTest.FakeWeChat("wx0123456789abcdef", "secret", clock);
        wechat.templates.put(TEMPLATE, Set.of("thing1"));
        wechat.followers.add("oBx2001-example");
        handler = handler(clock);
    }

    private CampaignSendHandler handler(Clock clock) {
        WeChatOfficialCredentials credentials = () -> new WeChatOfficialCredentials.Credentials("wx0123456789abcdef", "secret");
        Map<String, Notifier> channels = Map.of(
                "sms", new SnsNotifier(sns, null, null),
                "wechat", new WeChatOfficialNotifier(WeChatOfficialClient.builder(credentials).baseUrl(wechat.baseUrl())
                        .clock(clock).build(), WeChatOfficialNotifier.Template.textIn(TEMPLATE, "thing1")),
                "inbox", new DynamoInbox(recorded, ledgerTable, clock),
                "call", new SqsCallTasks(sqs, callQueue, Duration.ofHours(24), clock));
        SqsCampaignQueue queue = new SqsCampaignQueue(sqs, sendQueue);
        CampaignSender sender = new CampaignSender(PolicyLoader.defaults(), new CampaignSender.Ports(
                new DynamoDirectory(recorded, directoryTable, ledgerTable),
                new StateContactCards(new DynamoStateStore(recorded, stateTable)),
                new DynamoSuppressionList(recorded, ledgerTable), phone -> false, new DynamoSendLedger(recorded, ledgerTable),
                new ChannelNotifier(channels), channels.keySet(), new DynamoDecisionLog(recorded, ledgerTable), queue),
                new CampaignFeedback());
        return new CampaignSendHandler(sender, queue, clock, GeoMetrics.none());
    }

    private static DirectoryEntry trader(String userId, String phone, String openId, boolean verified) {
        return new DirectoryEntry(userId, "回收站 " + userId, phone, openId, 41.30, 123.79, "回收站", Role.SUPPLIER, verified,
                List.of("废钢"), List.of(), Map.of(), Map.of(), 3, 0.5, null, 0, 0, 0);
    }

    @AfterEach
    void close() {
        wechat.close();
        dynamo.close();
        recorded.close();
        sqs.close();
        sns.close();
    }

    private SQSBatchResponse invoke() {
        return handler.handleRequest(GeoFixtures.sqsEvent("sqs-campaign-send.json"), new LocalContext("CampaignSendFunction"));
    }

    @Test
    void everyChannelOfEachTargetGoesOnce() throws Exception {
        assertThat(invoke().getBatchItemFailures()).isEmpty();

        // u-2001, verified: SMS, WeChat, in-app.
        assertThat(sms(phone1)).hasSize(1);
        assertThat(sms(phone1).get(0).path("Message").asText()).startsWith("10月23日辽宁吉和源本溪溪湖中心基地:重废一3200跌30");
        assertThat(wechat.delivered).containsExactly("oBx2001-example");
        assertThat(wechat.sends.get(0).body().path("client_msg_id").asText()).isEqualTo("campaign:c-1023:u-2001");
        assertThat(wechat.sends.get(0).body().path("url").asText()).isEqualTo("https://example.com/p/1023");
        assertThat(inbox("u-2001")).hasSize(1);
        // u-2002, not verified: SMS and a call task; u-2003 opted out of SMS: the call task only.
        assertThat(sms(phone2)).hasSize(1);
        assertThat(sms(phone3)).isEmpty();
        List<JsonNode> tasks = callTasks();
        assertThat(tasks).extracting(t -> t.path("userId").asText()).containsExactlyInAnyOrder("u-2002", "u-2003");
        assertThat(tasks).allSatisfy(t -> {
            assertThat(t.path("campaign").asText()).isEqualTo("c-1023");
            assertThat(t.path("taskId").asText()).isEqualTo("campaign:c-1023:" + t.path("userId").asText() + "|call");
        });

        DynamoDecisionLog decisions = new DynamoDecisionLog(dynamo, ledgerTable);
        Instant launched = Instant.parse("2026-10-23T00:30:00Z");
        Decision d2003 = decisions.find("u-2003", launched, "campaign:c-1023:u-2003").orElseThrow();
        assertThat(d2003.trigger()).isEqualTo("campaign:c-1023");
        assertThat(d2003.channels()).containsExactly("call");
        assertThat(d2003.details()).containsEntry("skipped", Map.of("sms", "opted_out"));
        assertThat(decisions.find("u-2001", launched, "campaign:c-1023:u-2001").orElseThrow().channels())
                .containsExactly("sms", "wechat", "inbox");
        DynamoDirectory directory = new DynamoDirectory(dynamo, directoryTable, ledgerTable);
        assertThat(directory.load(List.of("u-2001", "u-2002", "u-2003")).values())
                .allSatisfy(s -> assertThat(s.entry().messagesReceived()).isEqualTo(1));
        assertThat(directory.engagements(List.of(new Directory.EngagementKey("c-1023", "u-2002"))).values())
                .extracting(s -> s.engagement().sentAt()).containsExactly(NOW);
    }

    @Test
    void aRedeliveredTaskSendsNothingMore() throws Exception {
        invoke();
        calls.clear();

        assertThat(invoke().getBatchItemFailures()).isEmpty();

        assertThat(sms(phone1)).hasSize(1);
        assertThat(sms(phone2)).hasSize(1);
        assertThat(wechat.delivered).hasSize(1);
        assertThat(inbox("u-2001")).hasSize(1);
        assertThat(callTasks()).hasSize(2);
        assertThat(calls.requests()).doesNotContainKey("TransactWriteItems"); // the sends were recorded already
        List<TargetEngagement> engagements = new dev.winback.adapters.DynamoCampaignLedger(dynamo, ledgerTable)
                .engagements("c-1023");
        assertThat(engagements).hasSize(3).allSatisfy(e -> assertThat(e.sentAt()).isEqualTo(NOW));
    }

    /** Reads: 3 batch reads (entries, engagements, consents) and a suppression check per target; writes: a claim per channel, the decision, the inbox item, and one transaction per target. */
    @Test
    void aTaskCostsThreeBatchReadsAndAFewWritesPerTarget() {
        invoke();

        assertThat(calls.requests()).isEqualTo(Map.of("BatchGetItem", 3L, "GetItem", 3L, "PutItem", 10L,
                "TransactWriteItems", 3L));
    }

    @Test
    void aTaskThatIsNotDueYetIsHiddenOnTheQueueUntilItIs() throws InterruptedException {
        // A 1 s visibility timeout: without the function hiding it, the task would be back within 2 s.
        sqs.setQueueAttributes(b -> b.queueUrl(sendQueue).attributes(Map.of(
                software.amazon.awssdk.services.sqs.model.QueueAttributeName.VISIBILITY_TIMEOUT, "1")));
        CampaignSendTask waiting = CampaignSendTask.fromJson(GeoFixtures.sqsEvent("sqs-campaign-send.json").getRecords().get(0)
                .getBody()).deferred(List.of(new CampaignSendTask.Target("u-2001", 14.2, 0.73, 3)),
                NOW.plus(Duration.ofHours(9)));
        sqs.sendMessage(b -> b.queueUrl(sendQueue).messageBody(waiting.toJson()));
        Message received = sqs.receiveMessage(b -> b.queueUrl(sendQueue).waitTimeSeconds(2)).messages().get(0);
        SQSEvent event = new SQSEvent();
        SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
        message.setMessageId(received.messageId());
        message.setReceiptHandle(received.receiptHandle());
        message.setBody(received.body());
        event.setRecords(List.of(message));

        SQSBatchResponse response = handler.handleRequest(event, new LocalContext("CampaignSendFunction"));

        assertThat(response.getBatchItemFailures()).extracting(SQSBatchResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(received.messageId());
        assertThat(sms(phone1)).isEmpty();
        Thread.sleep(2000);
        assertThat(sqs.receiveMessage(b -> b.queueUrl(sendQueue).waitTimeSeconds(1)).messages()).as("hidden for 9 h").isEmpty();
    }

    @Test
    void everyCallIsOneTheFunctionsRoleAllows() {
        invoke();
        invoke();

        TemplateRoles role = TemplateRoles.of("CampaignSendFunctionRole");
        Map<String, String> tables = Map.of(directoryTable, "DirectoryTable", ledgerTable, "LedgerTable",
                stateTable, "StateTable");
        assertThat(calls.calls()).extracting(DynamoCalls.Call::operation)
                .contains("BatchGetItem", "GetItem", "PutItem");
        assertThat(calls.calls()).allSatisfy(call -> assertThat(role.refusal(call, tables)).isNull());
    }

    private List<JsonNode> sms(String phone) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    MiniStack.endpoint().resolve("/_ministack/sns/sms-messages?phoneNumber="
                            + URLEncoder.encode(phone, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode sent = JSON.readTree(response.body()).path("sms_messages").path(phone);
            java.util.List<JsonNode> out = new java.util.ArrayList<>();
            sent.forEach(out::add);
            return out;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<Map<String, AttributeValue>> inbox(String userId) {
        return dynamo.query(b -> b.tableName(ledgerTable).keyConditionExpression("pk = :pk AND begins_with(sk, :inbox)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("user#" + userId),
                        ":inbox", AttributeValue.fromS("inbox#")))).items();
    }

    private List<JsonNode> callTasks() throws IOException {
        java.util.List<JsonNode> tasks = new java.util.ArrayList<>();
        for (Message m : sqs.receiveMessage(b -> b.queueUrl(callQueue).maxNumberOfMessages(10).waitTimeSeconds(1)
                .visibilityTimeout(0)).messages()) {
            tasks.add(JSON.readTree(m.body()));
        }
        return tasks;
    }
}
