package dev.winback.local.bench;

import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.state.UserState;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Segment membership latency (C2), the in-function part: from the moment the function receives an
 * order that lifts a buyer's 90-day spend over the {@code high_value} threshold to the moment the
 * user's state with that tag is stored — decode, fold, recompute every segment, encode, write (to the
 * in-memory store: a DynamoDB PutItem adds its own round trip, ~5–10 ms in-region). {@code batch}
 * 1 is the order alone; 500 is the order as the last record of a full batch, which it waits for.
 * The trial set-up checks the tag really appears.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class SegmentLatencyBenchmark {

    static final String BUYER = "u-latency";

    @Param({"1", "500"})
    public int batch;

    @Param({"none", "three"})
    public String custom;

    private Policy policy;
    private InMemoryStateStore history;
    private List<StreamRecord> records;
    private StreamIngest ingest;

    @Setup(Level.Trial)
    public void history() {
        policy = SegmentBenchmark.policy("three".equals(custom) ? SegmentBenchmark.THREE : Map.of());
        List<List<StreamRecord>> batches = IngestBenchmark.batches();
        history = IngestBenchmark.historyBefore(policy, batches);
        Instant start = Instant.parse("2026-11-21T02:00:00Z");
        List<StreamRecord> buyer = new ArrayList<>();
        for (int i = 0; i < 4; i++) { // 480.00 spent: one order short of high_value (500.00)
            buyer.add(record(900_000 + i, order("o-" + i, "120.00", start.plusSeconds(3600L * i))));
        }
        new StreamIngest(policy, history, new CollectingQuarantine(), Clock.systemUTC(), 1).ingest(buyer);
        StreamRecord order = record(999_999, order("o-last", "30.00", start.plusSeconds(86_000)));
        records = new ArrayList<>(batch == 1 ? List.of() : batches.getLast().subList(0, batch - 1));
        records.add(order);
        storeBeforeBatch();
        InMemoryStateStore check = history.copy();
        new StreamIngest(policy, check, new CollectingQuarantine(), Clock.systemUTC(), 1).ingest(records);
        UserState after = check.load(List.of(SubjectKey.user(BUYER))).get(SubjectKey.user(BUYER)).state(UserState.class);
        if (!after.tags.contains("high_value")) {
            throw new IllegalStateException("the measured order does not make the buyer high_value: " + after.tags);
        }
    }

    /** The state before the measured batch, afresh each time: else the high-water mark skips it all. */
    @Setup(Level.Invocation)
    public void storeBeforeBatch() {
        ingest = new StreamIngest(policy, history.copy(), new CollectingQuarantine(), Clock.systemUTC(), 1);
    }

    @Benchmark
    public IngestReport orderToTagStored() {
        return ingest.ingest(records);
    }

    private static String order(String orderId, String amount, Instant at) {
        return "{\"eventId\":\"lat-" + orderId + "\",\"userId\":\"" + BUYER + "\",\"type\":\"order_placed\",\"occurredAt\":\""
                + at + "\",\"orderId\":\"" + orderId + "\",\"amount\":\"" + amount + "\"}";
    }

    private static StreamRecord record(long sequence, String json) {
        return new StreamRecord(String.format("%056d", 900_000_000L + sequence), BUYER,
                Instant.parse("2026-11-22T02:00:00Z"), json.getBytes(StandardCharsets.UTF_8), "shardId-000000000000");
    }
}
