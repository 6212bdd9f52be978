package dev.winback.local;

import dev.winback.adapters.DynamoContactHistory;
import dev.winback.adapters.DynamoCouponLedger;
import dev.winback.adapters.DynamoDecisionLog;
import dev.winback.adapters.DynamoDormantCohort;
import dev.winback.adapters.DynamoRewardChoices;
import dev.winback.adapters.DynamoRewardStats;
import dev.winback.adapters.DynamoSendLedger;
import dev.winback.adapters.DynamoStateStore;
import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.core.dormancy.DormantCohort;
import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.recall.ContactHistory;
import dev.winback.core.recall.CouponLedger;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.DecisionLog;
import dev.winback.core.recall.SendLedger;
import dev.winback.core.scenario.RewardChoices;
import dev.winback.core.scenario.RewardStats;
import java.math.BigDecimal;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The simulator's stores on the real DynamoDB adapters the functions use in AWS ({@link DynamoStateStore},
 * {@link DynamoCouponLedger}, {@link DynamoDecisionLog} …), on DynamoDB Local: one started in this
 * process for the run, or one already running at an endpoint. Each run creates its own state and
 * ledger tables ({@link StackTables}, as template.yaml defines them), so runs never share state; on a
 * running DynamoDB Local they stay for {@code ./winback report --ledger-table … --endpoint …}.
 *
 * <p>Decisions are read back per user with the adapter's own query, and put in the order they were
 * first recorded (remembered here, as decision ids only), so the output files list them in the same
 * order as a run in memory.
 */
final class DynamoStores implements SimulationStores {

    private static final Instant BEGINNING = Instant.EPOCH;
    private static final Instant END = Instant.parse("9999-12-31T23:59:59Z");
    private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final DynamoDbClient dynamo;
    private final AutoCloseable server;
    private final URI endpoint;
    private final String stateTable;
    private final String ledgerTable;
    private final StateStore state;
    private final DormantCohort cohorts;
    private final CouponLedger coupons;
    private final SendLedger sends;
    private final ContactHistory contacts;
    private final DynamoDecisionLog decisionLog;
    private final DecisionLog decisions;
    private final DynamoRewardStats rewardStats;
    private final DynamoRewardChoices rewardChoices;
    /** Decision id → user id, in the order the decisions were first recorded. */
    private final Map<String, String> recorded = new LinkedHashMap<>();

    private DynamoStores(DynamoDbClient dynamo, AutoCloseable server, URI endpoint, Clock clock) {
        this.dynamo = dynamo;
        this.server = server;
        this.endpoint = endpoint;
        String run = "winback-sim-" + RUN_ID.format(Instant.now()) + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
        try {
            this.stateTable = StackTables.createStateTable(dynamo, run + "-state");
            this.ledgerTable = StackTables.createLedgerTable(dynamo, run + "-ledger");
        } catch (SdkException e) {
            close();
            throw new WinbackCommand.UserError("cannot create the simulation's tables on DynamoDB Local at " + endpoint
                    + ": " + e.getMessage());
        }
        this.state = new DynamoStateStore(dynamo, stateTable);
        this.cohorts = new DynamoDormantCohort(dynamo, stateTable, StackTables.COHORT_INDEX);
        this.coupons = new DynamoCouponLedger(dynamo, ledgerTable, clock);
        this.sends = new DynamoSendLedger(dynamo, ledgerTable, clock);
        this.contacts = new DynamoContactHistory(dynamo, ledgerTable);
        this.decisionLog = new DynamoDecisionLog(dynamo, ledgerTable);
        this.decisions = new Journal();
        this.rewardStats = new DynamoRewardStats(dynamo, ledgerTable);
        this.rewardChoices = new DynamoRewardChoices(dynamo, ledgerTable, clock);
    }

    /**
     * Stores on DynamoDB Local: at {@code endpoint} when given (already running), else on one started
     * in this process for each run and stopped when it ends.
     */
    static SimulationStores.Factory on(URI endpoint) {
        if (endpoint != null) {
            return clock -> new DynamoStores(LedgerTables.client(endpoint, null), null, endpoint, clock);
        }
        requireDynamoDbLocal();
        return clock -> {
            EmbeddedDynamoDb server = EmbeddedDynamoDb.start();
            return new DynamoStores(LedgerTables.client(server.endpoint(), null), server, server.endpoint(), clock);
        };
    }

    /** Before loading {@link EmbeddedDynamoDb}, whose classes link to DynamoDB Local's. */
    private static void requireDynamoDbLocal() {
        try {
            Class.forName("software.amazon.dynamodb.services.local.main.ServerRunner", false,
                    DynamoStores.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError missing) {
            throw new WinbackCommand.UserError("DynamoDB Local is not on the class path: the build copies it to"
                    + " local/target/dynamodb-local/ beside winback.jar (run ./winback, or ./mvnw package);"
                    + " or pass --endpoint URL of a running DynamoDB Local");
        }
    }

    @Override
    public StateStore state() {
        return state;
    }

    @Override
    public DormantCohort cohorts() {
        return cohorts;
    }

    @Override
    public CouponLedger coupons() {
        return coupons;
    }

    @Override
    public SendLedger sends() {
        return sends;
    }

    @Override
    public ContactHistory contacts() {
        return contacts;
    }

    @Override
    public DecisionLog decisions() {
        return decisions;
    }

    @Override
    public RewardStats rewardStats() {
        return rewardStats;
    }

    @Override
    public RewardChoices rewardChoices() {
        return rewardChoices;
    }

    @Override
    public List<Decision> decisionsOf(String userId) {
        return decisionLog.forUser(userId, BEGINNING, END);
    }

    @Override
    public Map<String, StoredState> allStates() {
        List<String> keys = new ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(stateTable).projectionExpression("pk")).items()
                .forEach(item -> keys.add(item.get("pk").s()));
        return new TreeMap<>(state.load(keys));
    }

    @Override
    public DecisionCounts writeDecisions(java.nio.file.Path file) throws java.io.IOException {
        List<Decision> decisions = allDecisions();
        SimulationFiles.lines(file, decisions.stream().map(SimulationFiles::decision).toList());
        return DecisionCounts.of(decisions);
    }

    /** Every decision, in the order it was first recorded. */
    private synchronized List<Decision> allDecisions() {
        Map<String, Decision> byId = new HashMap<>();
        for (String userId : new java.util.LinkedHashSet<>(recorded.values())) {
            decisionLog.forUser(userId, BEGINNING, END).forEach(d -> byId.put(d.decisionId(), d));
        }
        List<Decision> ordered = new ArrayList<>();
        recorded.keySet().forEach(id -> {
            Decision decision = byId.get(id);
            if (decision != null) {
                ordered.add(decision);
            }
        });
        return ordered;
    }

    /** Coupon items ({@code pk = decision#…}, {@code sk = coupon}), in the order of their decisions. */
    @Override
    public synchronized List<InMemoryRecallLedgers.IssuedCoupon> allCoupons() {
        List<InMemoryRecallLedgers.IssuedCoupon> found = new ArrayList<>();
        dynamo.scanPaginator(b -> b.tableName(ledgerTable)
                        .filterExpression("sk = :coupon AND begins_with(pk, :decision)")
                        .expressionAttributeValues(Map.of(":coupon", AttributeValue.fromS("coupon"),
                                ":decision", AttributeValue.fromS("decision#"))))
                .items().forEach(item -> found.add(new InMemoryRecallLedgers.IssuedCoupon(item.get("couponId").s(),
                        item.get("pk").s().substring("decision#".length()), item.get("userId").s(),
                        money(item.get("amount").n()), LocalDate.parse(item.get("day").s()))));
        Map<String, Integer> order = new HashMap<>();
        recorded.keySet().forEach(id -> order.put(id, order.size()));
        found.sort(Comparator.comparingInt((InMemoryRecallLedgers.IssuedCoupon c) ->
                order.getOrDefault(c.decisionId(), Integer.MAX_VALUE)).thenComparing(InMemoryRecallLedgers.IssuedCoupon::couponId));
        return found;
    }

    /** DynamoDB stores 6.80 as 6.8: amounts come back with cents again, as the ledger adapters read them. */
    private static BigDecimal money(String dynamoNumber) {
        BigDecimal value = new BigDecimal(dynamoNumber);
        return value.scale() < 2 ? value.setScale(2) : value;
    }

    @Override
    public String location() {
        return "DynamoDB Local at " + endpoint + (server == null ? "" : " (in this process, gone with it)")
                + ", tables " + stateTable + " and " + ledgerTable;
    }

    @Override
    public void close() {
        dynamo.close();
        if (server != null) {
            try {
                server.close();
            } catch (Exception ignored) {
                // in memory: nothing to lose
            }
        }
    }

    /** The adapter's decision log, remembering which decisions were recorded and in what order. */
    private final class Journal implements DecisionLog {
        @Override
        public void record(Decision decision) {
            decisionLog.record(decision);
            synchronized (DynamoStores.this) {
                recorded.putIfAbsent(decision.decisionId(), decision.userId());
            }
        }

        @Override
        public List<Decision> forUser(String userId, Instant from, Instant to) {
            return decisionLog.forUser(userId, from, to);
        }

        @Override
        public java.util.Optional<Decision> find(String userId, Instant at, String decisionId) {
            return decisionLog.find(userId, at, decisionId);
        }
    }
}
