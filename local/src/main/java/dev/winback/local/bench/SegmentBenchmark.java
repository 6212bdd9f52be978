package dev.winback.local.bench;

import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.segments.CustomSegments;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of custom segment tags (C2) in the ingest write: the same 500-record batch as
 * {@link IngestBenchmark}, with the default policy ({@code custom = none}) and with the default
 * policy plus the three CEL segments of {@link #THREE} ({@code custom = three}). Each variant replays
 * the earlier batches under its own policy, so the stored tags it starts from are its own.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class SegmentBenchmark {

    /** Three custom segments of the kinds operators write: a cart rule, a recency rule, a profile rule. */
    public static final Map<String, String> THREE = three();

    @Param({"none", "three"})
    public String custom;

    private Policy policy;
    private List<StreamRecord> records;
    private InMemoryStateStore history;
    private StreamIngest ingest;

    private static Map<String, String> three() {
        Map<String, String> segments = new LinkedHashMap<>();
        segments.put("big_cart", "cartValue >= 100.0");
        segments.put("lapsed_buyer", "orders > 0 && daysSinceLastOrder >= 30");
        segments.put("zone_vip", "'high_value' in tags || (has(profile.zone) && profile.zone == 'zone-7' && orders30d >= 1)");
        return java.util.Collections.unmodifiableMap(segments);
    }

    /** The default policy with {@code custom} as its custom segments. */
    public static Policy policy(Map<String, String> custom) {
        Policy p = PolicyLoader.defaults();
        Policy.Segments s = p.segments();
        return new Policy(p.timeZone(), p.ingest(), p.recall(), p.dormancy(),
                new Policy.Segments(s.highValueSpend90d(), s.highFrequencyOrders30d(), custom), p.scenarios(),
                p.messaging(), p.attribution(), p.geo());
    }

    @Setup(Level.Trial)
    public void trace() {
        policy = policy("three".equals(custom) ? THREE : Map.of());
        CustomSegments.of(policy.segments().custom()); // compiled once, as the policy loader does
        List<List<StreamRecord>> batches = IngestBenchmark.batches();
        history = IngestBenchmark.historyBefore(policy, batches);
        records = batches.getLast();
    }

    /** The state before the measured batch, afresh each time: else the high-water mark skips it all. */
    @Setup(Level.Invocation)
    public void storeBeforeBatch() {
        ingest = new StreamIngest(policy, history.copy(), new CollectingQuarantine(), Clock.systemUTC(), 1);
    }

    @Benchmark
    @OperationsPerInvocation(IngestBenchmark.BATCH)
    public IngestReport ingestWithSegments() {
        return ingest.ingest(records);
    }
}
