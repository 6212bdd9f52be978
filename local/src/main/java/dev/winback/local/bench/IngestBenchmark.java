package dev.winback.local.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.local.SyntheticTrace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Ingest throughput on one core against its floor: parsing the same records with Jackson and doing
 * nothing else. Both consume the same 500-record batch of a realistic trace, delivered after the
 * previous batches so that most users already have state to load, update and store.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class IngestBenchmark {

    public static final int BATCH = 500;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Policy policy;
    private List<StreamRecord> records;
    private InMemoryStateStore history;
    private StreamIngest ingest;

    @Setup(Level.Trial)
    public void trace() {
        policy = PolicyLoader.defaults();
        List<List<StreamRecord>> batches = batches();
        history = historyBefore(policy, batches);
        records = batches.getLast();
    }

    /** The state before the measured batch, afresh each time: else the high-water mark skips it all. */
    @Setup(Level.Invocation)
    public void storeBeforeBatch() {
        ingest = new StreamIngest(policy, history.copy(), new CollectingQuarantine(), Clock.systemUTC(), 1);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public IngestReport ingestBatch() {
        return ingest.ingest(records);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void jacksonDecodeOnly(Blackhole blackhole) throws IOException {
        for (StreamRecord record : records) {
            blackhole.consume(JSON.readTree(record.data()));
        }
    }

    /** The state after every batch but the last: what the measured (last) batch meets. */
    static InMemoryStateStore historyBefore(Policy policy, List<List<StreamRecord>> batches) {
        InMemoryStateStore history = InMemoryStateStore.encoding(); // what a function pays: encode and decode
        StreamIngest warm = new StreamIngest(policy, history, new CollectingQuarantine(), Clock.systemUTC(), 1);
        batches.subList(0, batches.size() - 1).forEach(warm::ingest);
        return history;
    }

    /**
     * A seeded trace (400 users, 3 sessions each) cut into batches of {@link #BATCH} records as
     * Kinesis delivers them; the measured batch is the middle one, where most users have history.
     */
    public static List<List<StreamRecord>> batches() {
        List<String> lines = new SyntheticTrace(42, Instant.parse("2026-11-21T00:00:00Z")).sessions(400, 3);
        Instant arrived = Instant.parse("2026-11-22T00:00:00Z");
        List<List<StreamRecord>> batches = new ArrayList<>();
        for (int from = 0; from < lines.size() / 2; from += BATCH) {
            List<StreamRecord> batch = new ArrayList<>(BATCH);
            for (int i = from; i < from + BATCH; i++) {
                batch.add(new StreamRecord(String.format("%056d", 1_000_000L + i), "p", arrived,
                        lines.get(i).getBytes(StandardCharsets.UTF_8), "shardId-000000000000"));
            }
            batches.add(batch);
        }
        return batches;
    }
}
