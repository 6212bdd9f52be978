package dev.winback.local.cost;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision;
import dev.winback.local.cost.DecisionCalls.Call;
import dev.winback.local.cost.DecisionCalls.Kind;
import dev.winback.local.cost.Usage.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The messaging path priced from what the simulation decided: the timers ingest armed (each
 * delivered to DeadlineCheckFunction through the timer queue, a long one by Scheduler first), the
 * calls each decision made ({@link DecisionCalls}) turned into the AWS requests the DynamoDB, SNS,
 * SES and Scheduler adapters make for them, the SMS by country and message part, and
 * ConversionFunction over the trace's orders.
 *
 * <p>AWS requests per call (from the adapters; every ledger item but a decision is under 1 KB):
 *
 * <table>
 *   <caption>requests per port call</caption>
 *   <tr><th>call</th><th>requests</th></tr>
 *   <tr><td>state load (user)</td><td>BatchGetItem, 1 key, strongly consistent: 1 RRU per 4 KB</td></tr>
 *   <tr><td>ops load</td><td>BatchGetItem, zone and merchant: 2 RRU (at most)</td></tr>
 *   <tr><td>state save (journey)</td><td>conditional PutItem: 1 WRU per KB of the user item</td></tr>
 *   <tr><td>decision find / record</td><td>GetItem strongly consistent 1 RRU / PutItem, WRU by the decision's size</td></tr>
 *   <tr><td>suppression check</td><td>GetItem, eventually consistent: 0.5 RRU</td></tr>
 *   <tr><td>cap reserve granted / refused</td><td>GetItem 1 RRU + conditional PutItem 1 WRU / GetItem 1 RRU</td></tr>
 *   <tr><td>unreserve</td><td>GetItem 1 RRU + conditional PutItem 1 WRU</td></tr>
 *   <tr><td>stats query / pin / send-count claim / stats add</td><td>Query 1 RRU / PutItem 1 WRU / PutItem 1 WRU / UpdateItem 1 WRU</td></tr>
 *   <tr><td>coupon issue</td><td>TransactWriteItems of 2 items: 4 WRU</td></tr>
 *   <tr><td>wallet check, publish, mark</td><td>GetItem 1 RRU, SNS Publish, PutItem 1 WRU</td></tr>
 *   <tr><td>send claim</td><td>conditional PutItem 1 WRU</td></tr>
 *   <tr><td>push / SMS / ad audience</td><td>SNS Publish (+ a mobile push delivery / + the SMS parts) / SNS Publish</td></tr>
 *   <tr><td>email / inbox / WeCom</td><td>SES email / PutItem 1 WRU / nothing on AWS</td></tr>
 *   <tr><td>timer arm, reminder deferral</td><td>a Scheduler schedule: 1 invocation, SQS SendMessage, ReceiveMessage, DeleteMessage, 1 function invocation</td></tr>
 *   <tr><td>mailbox read</td><td>S3 LIST (at most; the mailbox answer is cached)</td></tr>
 * </table>
 */
public final class MessagingModel {

    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final String LEDGER = "DynamoDB ledger table";
    private static final String STATE = "DynamoDB state table";

    /** What the messaging path did, beside the priced lines. */
    public record Result(long timerDeliveries, long checks, long staleChecks, long decisions, long deferred,
                         Map<Call, Integer> calls, long sms, long smsParts, long orders, long conversionInvocations,
                         long ledgerBytes) {
    }

    private final Policy policy;
    private final Deployment deployment;
    private final PriceTable prices;
    private final DecisionCalls table;

    public MessagingModel(Policy policy, Deployment deployment, PriceTable prices) {
        this.policy = policy;
        this.deployment = deployment;
        this.prices = prices;
        this.table = new DecisionCalls(policy);
    }

    /**
     * @param ingest         the trace's ingest replay (the timers it armed, the user item size)
     * @param trace          the trace as given (its orders reach ConversionFunction)
     * @param conversions    orders attributed to a touch (conversions.jsonl)
     * @param rewardCounted  conversions counted for a scenario reward
     */
    public Result add(Usage usage, IngestReplay.Result ingest, StreamTrace trace, List<Decision> decisions,
                      List<RecordingChannels.Sent> sends, long conversions, long rewardCounted) {
        DecisionCalls.Counts checkCalls = new DecisionCalls.Counts();
        DecisionCalls.Counts reminderCalls = new DecisionCalls.Counts();
        long fromTimers = 0, deferred = 0, decisionWriteUnits = 0, decisionBytes = 0;
        List<Instant> checkTimes = new ArrayList<>(ingest.timerDueTimes());
        List<Instant> reminderTimes = new ArrayList<>();
        for (Decision decision : decisions) {
            DecisionCalls.Counts calls = table.of(decision);
            Kind kind = Kind.of(decision);
            boolean wasDeferred = table.wasDeferred(decision);
            deferred += wasDeferred ? 1 : 0;
            long bytes = decisionItemBytes(decision);
            decisionBytes += bytes + DynamoUnits.INDEX_OVERHEAD_BYTES;
            decisionWriteUnits += DynamoUnits.writeUnits(bytes);
            if (kind == Kind.DORMANT) {
                reminderCalls.addAll(calls);
                if (wasDeferred) {
                    reminderTimes.add(decision.at());
                }
            } else {
                checkCalls.addAll(calls);
                fromTimers++;
                for (int i = 0; i < calls.get(Call.TIMER_ARM); i++) {
                    checkTimes.add(decision.at());
                }
            }
        }
        // Every timer delivered is one check: a decision, the first attempt of a deferred one, or stale.
        long deliveries = ingest.shortTimers() + ingest.longTimerFires() + checkCalls.get(Call.TIMER_ARM);
        long stale = Math.max(0, deliveries - fromTimers - countDeferred(decisions, false));
        checkCalls.add(Call.STATE_LOAD_USER, (int) stale);

        // Timers ingest armed: SQS batches (sent by IngestFunction), Scheduler for the long ones.
        usage.add(Path.MESSAGING, "SQS", "timer SendMessageBatch (IngestFunction)", "sqs.standard.requests",
                ingest.timerBatchRequests());
        usage.add(Path.MESSAGING, "EventBridge Scheduler", "long timers fired", "scheduler.invocations",
                ingest.longTimerFires());
        usage.add(Path.MESSAGING, "SQS", "timer SendMessage by Scheduler", "sqs.standard.requests", ingest.longTimerFires());
        usage.add(Path.MESSAGING, "SQS", "timer ReceiveMessage + DeleteMessage (one message each at this rate)",
                "sqs.standard.requests", 2.0 * (ingest.shortTimers() + ingest.longTimerFires()));

        DecisionCalls.Counts all = new DecisionCalls.Counts().addAll(checkCalls).addAll(reminderCalls);
        double ledgerBytes = decisionBytes + ledgerItems(all) + 500.0 * conversions;
        requests(usage, all, ingest.userItemBytes(), decisionWriteUnits);
        long[] sms = sms(usage, sends);

        // DeadlineCheckFunction: one invocation per delivered timer (batch 10, no window: one at a time here).
        Deployment.Function checks = deployment.function("DeadlineCheckFunction");
        double checkMs = deliveries * (prices.assumption("cpuMs.smallHandler") + 0.5) + waitMs(checkCalls);
        lambda(usage, "DeadlineCheckFunction", checks, deliveries, checkMs, 1, true, checkTimes);

        // Reminders: their work runs in DormantShardFunction's daily shard tasks (counted per month);
        // a reminder deferred past quiet hours comes back as its own invocation.
        Deployment.Function shards = deployment.function("DormantShardFunction");
        long deferredReminders = reminderCalls.get(Call.REMINDER_DEFER);
        double reminderMs = deferredReminders * (prices.assumption("cpuMs.smallHandler") + 0.5) + waitMs(reminderCalls);
        lambda(usage, "DormantShardFunction", shards, deferredReminders, reminderMs, 1, false, reminderTimes);

        long[] orders = conversions(usage, trace, conversions, rewardCounted);
        return new Result(deliveries, deliveries + deferredReminders, stale, decisions.size(), deferred, all.asMap(),
                sms[0], sms[1], orders[0], orders[1], (long) ledgerBytes);
    }

    private long countDeferred(List<Decision> decisions, boolean dormant) {
        return decisions.stream().filter(d -> (Kind.of(d) == Kind.DORMANT) == dormant && table.wasDeferred(d)).count();
    }

    /** The AWS requests behind the port calls. */
    private void requests(Usage usage, DecisionCalls.Counts calls, double userItemBytes, long decisionWriteUnits) {
        String rru = "dynamodb.onDemand.readRequestUnits";
        String wru = "dynamodb.onDemand.writeRequestUnits";
        usage.add(Path.MESSAGING, STATE, "user reads by checks (BatchGetItem)", rru,
                calls.get(Call.STATE_LOAD_USER) * DynamoUnits.readUnits((long) userItemBytes, true));
        usage.add(Path.MESSAGING, STATE, "zone and merchant reads (BatchGetItem)", rru, 2.0 * calls.get(Call.OPS_LOAD));
        usage.add(Path.MESSAGING, STATE, "journey state saves (PutItem)", wru,
                calls.get(Call.STATE_SAVE) * DynamoUnits.writeUnits((long) userItemBytes));
        usage.add(Path.MESSAGING, LEDGER, "decision finds (GetItem)", rru, calls.get(Call.DECISION_FIND));
        usage.add(Path.MESSAGING, LEDGER, "decisions recorded (PutItem)", wru, decisionWriteUnits);
        usage.add(Path.MESSAGING, LEDGER, "suppression checks (GetItem, eventually consistent)", rru,
                0.5 * calls.get(Call.SUPPRESSION_CHECK));
        usage.add(Path.MESSAGING, LEDGER, "frequency-cap reads (GetItem)", rru,
                calls.get(Call.RESERVE_GRANTED) + calls.get(Call.RESERVE_REFUSED) + calls.get(Call.UNRESERVE));
        usage.add(Path.MESSAGING, LEDGER, "frequency-cap writes (PutItem)", wru,
                calls.get(Call.RESERVE_GRANTED) + calls.get(Call.UNRESERVE));
        usage.add(Path.MESSAGING, LEDGER, "coupons and budget (TransactWriteItems, 2 items)", wru,
                4.0 * calls.get(Call.COUPON_ISSUE));
        usage.add(Path.MESSAGING, LEDGER, "wallet notice checks (GetItem)", rru, calls.get(Call.WALLET_CHECK));
        usage.add(Path.MESSAGING, LEDGER, "send claims and notices (PutItem)", wru,
                calls.get(Call.SEND_CLAIM) + calls.get(Call.WALLET_MARK) + calls.get(Call.STATS_SEND_CLAIM));
        usage.add(Path.MESSAGING, LEDGER, "bandit counters (Query)", rru, calls.get(Call.STATS_QUERY));
        usage.add(Path.MESSAGING, LEDGER, "bandit pins and counter adds (PutItem, UpdateItem)", wru,
                calls.get(Call.REWARD_PIN) + calls.get(Call.STATS_ADD_SEND));
        usage.add(Path.MESSAGING, LEDGER, "in-app inbox messages (PutItem)", wru, calls.get(Call.NOTIFY_INBOX));
        usage.add(Path.MESSAGING, "SNS", "wallet notices (Publish)", "sns.publishes", calls.get(Call.WALLET_PUBLISH));
        usage.add(Path.MESSAGING, "SNS", "push (Publish)", "sns.publishes", calls.get(Call.NOTIFY_PUSH));
        usage.add(Path.MESSAGING, "SNS", "push deliveries to platform endpoints", "sns.mobilePushDeliveries",
                calls.get(Call.NOTIFY_PUSH));
        usage.add(Path.MESSAGING, "SNS", "SMS (Publish)", "sns.publishes", calls.get(Call.NOTIFY_SMS));
        usage.add(Path.MESSAGING, "SNS", "ad audience (Publish)", "sns.publishes", calls.get(Call.NOTIFY_AD_AUDIENCE));
        usage.add(Path.MESSAGING, "SES", "reminder emails", "ses.emails", calls.get(Call.NOTIFY_EMAIL));
        // D5: a phone call is a task on the call queue (SqsCallTasks); WeChat is an HTTPS call outside AWS.
        usage.add(Path.MESSAGING, "SQS", "phone-call tasks (SendMessage)", "sqs.standard.requests", calls.get(Call.NOTIFY_CALL));
        long rearmed = calls.get(Call.TIMER_ARM) + calls.get(Call.REMINDER_DEFER);
        usage.add(Path.MESSAGING, "EventBridge Scheduler", "journey steps and deferrals fired", "scheduler.invocations", rearmed);
        usage.add(Path.MESSAGING, "SQS", "their SendMessage, ReceiveMessage, DeleteMessage", "sqs.standard.requests",
                3.0 * rearmed);
        usage.add(Path.MESSAGING, "S3", "content mailbox LIST (at most one per reminder)", "s3.listRequests",
                calls.get(Call.MAILBOX_READ));
    }

    /** SMS by destination country, each message billed per part (160 GSM-7 or 70 UCS-2 characters, less when split). */
    private long[] sms(Usage usage, List<RecordingChannels.Sent> sends) {
        long messages = 0, parts = 0;
        for (RecordingChannels.Sent sent : sends) {
            if (!"sms".equals(sent.message().channel())) {
                continue;
            }
            String address = sent.message().address() == null ? "" : sent.message().address();
            String country = address.startsWith("+86") ? "CN" : address.startsWith("+1") ? "US" : "other";
            int count = smsParts(sent.message().text());
            usage.add(Path.MESSAGING, "SMS", "messages to " + ("other".equals(country) ? "other countries" : country)
                    + " (parts)", "sms." + country, count);
            messages++;
            parts += count;
        }
        return new long[] {messages, parts};
    }

    static int smsParts(String text) {
        if (text == null || text.isEmpty()) {
            return 1;
        }
        boolean gsm = text.chars().allMatch(c -> c >= 0x20 && c < 0x7f || c == '\n' || c == '\r');
        int length = text.codePointCount(0, text.length());
        int single = gsm ? 160 : 70;
        int split = gsm ? 153 : 67;
        return length <= single ? 1 : (int) DynamoUnits.ceilDiv(length, split);
    }

    /**
     * ConversionFunction: the stream's orders (its mapping's filter drops the other records before
     * invoking, but it still reads them all), batched as its mapping batches them; per order one
     * Query of the user's recent decisions, per attributed order one conditional PutItem, per
     * counted reward conversion a claim and a counter update.
     */
    private long[] conversions(Usage usage, StreamTrace trace, long conversions, long rewardCounted) {
        Deployment.Function function = deployment.function("ConversionFunction");
        Deployment.EventSource mapping = function.eventsOfType("Kinesis").getFirst();
        int shards = (int) prices.assumption("kinesis.shards");
        List<Instant> invoked = new ArrayList<>();
        long[] counts = new long[3]; // orders, invocations, bytes read
        KinesisBatcher<StreamTrace.Record> batcher = new KinesisBatcher<>(shards, mapping.batchSize(),
                Duration.ofSeconds(mapping.windowSeconds()), batch -> {
            counts[1]++;
            invoked.add(batch.invokedAt());
        });
        trace.forEach(Long.MAX_VALUE, record -> {
            counts[2] += record.data().length;
            if ("order_placed".equals(record.type())) {
                counts[0]++;
                batcher.add(record, record.partitionKey(), record.arrivedAt());
            }
        });
        batcher.finish();
        usage.add(Path.MESSAGING, "Kinesis (on-demand)", "data out to ConversionFunction", "kinesis.onDemand.dataOutGB",
                counts[2] / (1024.0 * 1024 * 1024));
        usage.add(Path.MESSAGING, LEDGER, "conversions: decision Query per order (eventually consistent)",
                "dynamodb.onDemand.readRequestUnits", 0.5 * counts[0]);
        usage.add(Path.MESSAGING, LEDGER, "conversions: conversion items and reward counts", "dynamodb.onDemand.writeRequestUnits",
                conversions + 2.0 * rewardCounted);
        double ms = counts[1] * (prices.assumption("cpuMs.smallHandler") + 0.5)
                + (counts[0] + conversions + 2.0 * rewardCounted) * prices.assumption("latencyMs.dynamodb");
        lambda(usage, "ConversionFunction", function, counts[1], ms, 1, true, invoked);
        return new long[] {counts[0], counts[1]};
    }

    /** Time a function waits on AWS for these calls, one round trip after another. */
    private double waitMs(DecisionCalls.Counts calls) {
        double dynamo = prices.assumption("latencyMs.dynamodb");
        double sns = prices.assumption("latencyMs.sns");
        double scheduler = prices.assumption("latencyMs.scheduler");
        double ses = prices.assumption("latencyMs.ses");
        double ms = 0;
        for (Map.Entry<Call, Integer> entry : calls.asMap().entrySet()) {
            int n = entry.getValue();
            ms += n * switch (entry.getKey()) {
                case RESERVE_GRANTED, UNRESERVE -> 2 * dynamo;
                case WALLET_PUBLISH, NOTIFY_PUSH, NOTIFY_SMS, NOTIFY_AD_AUDIENCE -> sns;
                case NOTIFY_EMAIL -> ses;
                case NOTIFY_WECOM, NOTIFY_WECHAT -> 2 * sns; // an HTTPS call to WeCom or WeChat, outside AWS
                case NOTIFY_CALL -> prices.assumption("latencyMs.sqs");
                case TIMER_ARM, REMINDER_DEFER -> scheduler;
                case MAILBOX_READ -> 0; // cached between reminders
                default -> dynamo;
            };
        }
        return ms;
    }

    private void lambda(Usage usage, String name, Deployment.Function function, long invocations, double billedMs,
                        double lines, boolean emf, List<Instant> at) {
        usage.add(Path.MESSAGING, "Lambda " + name, "invocations", "lambda.requests", invocations);
        usage.add(Path.MESSAGING, "Lambda " + name, "GB-seconds (" + function.memoryMb() + " MB, " + function.architecture() + ")",
                IngestReplay.gbSecondKey(function), billedMs / 1000 * function.memoryGb());
        LambdaExtras.logsAndTraces(usage, Path.MESSAGING, name, function, deployment.logRetentionDays(), prices,
                invocations, lines, emf, at);
    }

    /** Approximate bytes the ledger keeps for the other items these calls write (claims, coupons, caps, pins). */
    private static double ledgerItems(DecisionCalls.Counts calls) {
        return 160.0 * (calls.get(Call.SEND_CLAIM) + calls.get(Call.WALLET_MARK) + calls.get(Call.STATS_SEND_CLAIM))
                + 260.0 * calls.get(Call.COUPON_ISSUE) + 400.0 * calls.get(Call.REWARD_PIN)
                + 300.0 * calls.get(Call.NOTIFY_INBOX) + 120.0 * calls.get(Call.RESERVE_GRANTED);
    }

    /**
     * A decision's item as {@code DynamoDecisionLog} writes it: attribute names plus values (strings
     * by UTF-8 length, numbers about one byte per two digits, list elements one byte each).
     */
    static long decisionItemBytes(Decision decision) {
        long size = 0;
        size += 2 + 5 + utf8(decision.userId());                                   // pk
        size += 2 + "decision#".length() + 24 + 1 + utf8(decision.decisionId());   // sk
        size += "decisionId".length() + utf8(decision.decisionId());
        size += "userId".length() + utf8(decision.userId());
        size += "trigger".length() + utf8(decision.trigger());
        size += "at".length() + utf8(decision.at().toString());
        size += "outcome".length() + decision.outcome().wireName().length();
        size += "reasons".length() + 3 + list(decision.reasons());
        size += "channels".length() + 3 + list(decision.channels());
        if (decision.coupon() != null) {
            size += "couponAmount".length() + 4 + "couponKind".length() + utf8(decision.coupon().kind());
        }
        size += "details".length() + utf8(json(decision.details()));
        size += "expiresAt".length() + 6;
        return size;
    }

    private static long list(List<String> values) {
        return values == null ? 0 : values.stream().mapToLong(v -> utf8(v) + 1).sum();
    }

    private static long utf8(String text) {
        return text == null ? 0 : text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String json(Map<String, Object> details) {
        try {
            return JSON.writeValueAsString(details == null ? Map.of() : details);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("decision details are not serialisable", e);
        }
    }
}
