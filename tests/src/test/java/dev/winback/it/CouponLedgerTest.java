package dev.winback.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.winback.adapters.DynamoCouponLedger;
import dev.winback.core.recall.CouponLedger;
import dev.winback.core.recall.CouponLedger.Issue;
import dev.winback.it.support.DynamoDbLocal;
import dev.winback.it.support.Fixtures;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/** The coupon ledger on DynamoDB Local: one coupon per decision, and the day's budget holds under concurrency. */
class CouponLedgerTest {

    private static final LocalDate DAY = LocalDate.of(2026, 11, 22);

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

    @Test
    void aDecisionIssuesOneCouponHoweverOftenItIsRetried() {
        CouponLedger ledger = new DynamoCouponLedger(dynamo, table);
        LocalDate day = DAY.plusDays(1);

        Issue first = ledger.issue("dl-once", "u-1", new BigDecimal("6.00"), day, new BigDecimal("100.00"));
        Issue again = ledger.issue("dl-once", "u-1", new BigDecimal("6.00"), day, new BigDecimal("100.00"));

        assertThat(first).isEqualTo(new Issue.Issued("cp-dl-once", new BigDecimal("6.00"), true));
        assertThat(again).isEqualTo(new Issue.Issued("cp-dl-once", new BigDecimal("6.00"), false));
        assertThat(spent(day)).isEqualByComparingTo("6.00");
    }

    @Test
    void concurrentDecisionsNeverExceedTheDailyBudget() throws Exception {
        CouponLedger ledger = new DynamoCouponLedger(dynamo, table);
        LocalDate day = DAY.plusDays(2);
        int decisions = 40;

        List<Issue> results = concurrently(decisions, i -> ledger.issue("dl-budget-" + i, "u-" + i,
                new BigDecimal("3.00"), day, new BigDecimal("50.00")));

        List<Issue> issued = results.stream().filter(r -> r instanceof Issue.Issued).toList();
        List<Issue> exhausted = results.stream().filter(r -> r instanceof Issue.BudgetExhausted).toList();
        assertThat(issued).hasSize(16).allMatch(r -> ((Issue.Issued) r).firstTime());
        assertThat(exhausted).hasSize(decisions - 16)
                .allSatisfy(r -> assertThat(((Issue.BudgetExhausted) r).remaining()).isEqualByComparingTo("2.00"));
        assertThat(spent(day)).isEqualByComparingTo("48.00").isLessThanOrEqualTo(new BigDecimal("50.00"));
        assertThat(couponsOfDay(day)).isEqualTo(16);
    }

    @Test
    void concurrentRetriesOfOneDecisionIssueOneCoupon() throws Exception {
        CouponLedger ledger = new DynamoCouponLedger(dynamo, table);
        LocalDate day = DAY.plusDays(3);

        List<Issue> results = concurrently(16, i -> ledger.issue("dl-retried", "u-9",
                new BigDecimal("4.50"), day, new BigDecimal("50.00")));

        assertThat(results).allSatisfy(r -> {
            assertThat(r).isInstanceOf(Issue.Issued.class);
            assertThat(((Issue.Issued) r).couponId()).isEqualTo("cp-dl-retried");
            assertThat(((Issue.Issued) r).amount()).isEqualTo(new BigDecimal("4.50"));
        });
        assertThat(results.stream().filter(r -> ((Issue.Issued) r).firstTime())).hasSize(1);
        assertThat(spent(day)).isEqualByComparingTo("4.50");
    }

    @Test
    void anAmountLargerThanTheWholeBudgetIsRefusedOnAFreshDay() {
        CouponLedger ledger = new DynamoCouponLedger(dynamo, table);
        LocalDate day = DAY.plusDays(4);

        Issue result = ledger.issue("dl-huge", "u-1", new BigDecimal("80.00"), day, new BigDecimal("50.00"));

        assertThat(result).isInstanceOf(Issue.BudgetExhausted.class);
        assertThat(((Issue.BudgetExhausted) result).remaining()).isEqualByComparingTo("50.00");
        assertThat(spent(day)).isNull();
    }

    @Test
    void aRetryFindsItsCouponEvenAfterTheBudgetRanOut() {
        CouponLedger ledger = new DynamoCouponLedger(dynamo, table);
        LocalDate day = DAY.plusDays(5);
        ledger.issue("dl-early", "u-1", new BigDecimal("10.00"), day, new BigDecimal("10.00"));

        Issue retry = ledger.issue("dl-early", "u-1", new BigDecimal("10.00"), day, new BigDecimal("10.00"));
        Issue other = ledger.issue("dl-late", "u-2", new BigDecimal("3.00"), day, new BigDecimal("10.00"));

        assertThat(retry).isEqualTo(new Issue.Issued("cp-dl-early", new BigDecimal("10.00"), false));
        assertThat(other).isEqualTo(new Issue.BudgetExhausted(new BigDecimal("0.00")));
    }

    /**
     * DynamoDB Local serialises transactions, so it never answers TransactionConflict the way AWS does
     * when transactions on the hot budget item overlap; inject two such cancellations.
     */
    @Test
    void aTransactionConflictIsRetried() {
        java.util.concurrent.atomic.AtomicInteger conflicts = new java.util.concurrent.atomic.AtomicInteger(2);
        try (DynamoDbClient conflicting = DynamoDbLocal.configure(DynamoDbClient.builder())
                .overrideConfiguration(c -> c.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
                        if (context.request() instanceof TransactWriteItemsRequest && conflicts.getAndDecrement() > 0) {
                            throw TransactionCanceledException.builder().message("Transaction cancelled")
                                    .cancellationReasons(CancellationReason.builder().code("None").build(),
                                            CancellationReason.builder().code("TransactionConflict").build())
                                    .build();
                        }
                    }
                })).build()) {
            LocalDate day = DAY.plusDays(6);

            Issue issue = new DynamoCouponLedger(conflicting, table)
                    .issue("dl-conflict", "u-1", new BigDecimal("3.00"), day, new BigDecimal("50.00"));

            assertThat(issue).isEqualTo(new Issue.Issued("cp-dl-conflict", new BigDecimal("3.00"), true));
            assertThat(conflicts.get()).isNegative();
            assertThat(spent(day)).isEqualByComparingTo("3.00");
        }
    }

    private interface Attempt {
        Issue run(int i);
    }

    /** Runs {@code n} attempts at once, released together, on n threads sharing one client (as a Lambda would). */
    private static List<Issue> concurrently(int n, Attempt attempt) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Issue>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                Callable<Issue> task = () -> {
                    start.await();
                    return attempt.run(index);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<Issue> results = new ArrayList<>();
            for (Future<Issue> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    private static BigDecimal spent(LocalDate day) {
        Map<String, AttributeValue> item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("budget#" + day), "sk", AttributeValue.fromS("coupon")))).item();
        return item == null || item.isEmpty() ? null : new BigDecimal(item.get("spent").n());
    }

    private static long couponsOfDay(LocalDate day) {
        return dynamo.scanPaginator(b -> b.tableName(table)).items().stream()
                .filter(item -> "coupon".equals(item.get("sk").s()) && item.get("pk").s().startsWith("decision#"))
                .filter(item -> day.toString().equals(item.get("day").s()))
                .count();
    }
}
