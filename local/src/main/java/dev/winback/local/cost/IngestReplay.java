package dev.winback.local.cost;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.winback.adapters.DelayRoutedTimerScheduler;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.Quarantine;
import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerScheduler;
import dev.winback.handlers.IngestHandler;
import dev.winback.local.LocalContext;
import dev.winback.local.cost.Usage.Path;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The ingest path of a trace, request by request: the trace cut into the batches the Kinesis
 * mapping would form (shards, batch size and window from the template), each handed to the real
 * {@link IngestHandler} on the in-memory store behind counting decorators, on a clock set to when
 * the batch would be invoked. Counted: BatchGetItem requests and read units (eventually consistent,
 * by the sizes of the items found; a conflict's reread strongly), conditional PutItems and write units (by the size of each item
 * written), DormantCohort index writes, state-stream records, quarantine batches, and the timers the
 * batches arm (SQS message timers in batches of 10, Scheduler schedules — a re-armed schedule
 * replaces the pending one, so it fires once).
 *
 * <p>Billed duration is a proxy: the handler's time measured here on the in-memory store, scaled to
 * the CPU share Lambda gives the function's memory (a full vCPU at 1,769 MB), plus an assumed
 * latency for each round trip the function waits on in AWS (one per BatchGetItem, one per 16
 * conditional writes since the function writes 16 subjects at once, one per SQS batch and per
 * schedule), rounded up to the millisecond.
 */
public final class IngestReplay {

    /** A full vCPU at this much memory (Lambda's documented figure). */
    static final double FULL_VCPU_MB = 1769;
    /** Subjects the ingest function writes at once (Wiring.WRITE_PARALLELISM). */
    static final int WRITE_PARALLELISM = 16;
    private static final int WARM_UP_RECORDS = 20_000;

    /** What the ingest path did, beside the priced lines. */
    public record Result(long records, long bytes, long invocations, double recordsPerBatch, int maxBatch,
                         long subjectsWritten, long stateWrites, long writeUnits, double readUnits, long indexWrites,
                         long segmentChanges, long quarantined, long shortTimers, long longTimerFires,
                         long timerBatchRequests, double measuredMs, double billedMs, double userItemBytes,
                         long stateBytes, long indexBytes, int stateItems, List<Instant> timerDueTimes,
                         Instant first, Instant last, long putPayloadUnits) {

        public Duration span() {
            return Duration.between(first, last);
        }
    }

    private final Policy policy;
    private final Deployment deployment;
    private final PriceTable prices;
    private final int shards;
    private final Duration window;

    /** @param window the batching window to assume instead of the template's (a what-if), or null */
    public IngestReplay(Policy policy, Deployment deployment, PriceTable prices, int shards, Duration window) {
        this.policy = policy;
        this.deployment = deployment;
        this.prices = prices;
        this.shards = shards;
        this.window = window;
    }

    /** The ingest mapping's batching window: the template's, unless a what-if replaces it. */
    Duration window(Deployment.EventSource mapping) {
        return window != null ? window : Duration.ofSeconds(mapping.windowSeconds());
    }

    /** Replays {@code trace} and adds the ingest path's usage to {@code usage}. */
    public Result run(StreamTrace trace, Usage usage) {
        Deployment.Function function = deployment.function("IngestFunction");
        Deployment.EventSource mapping = function.eventsOfType("Kinesis").getFirst();
        warmUp(trace, mapping);

        MutableClock clock = new MutableClock();
        CountingStore store = new CountingStore(new InMemoryStateStore());
        CountingQuarantine quarantine = new CountingQuarantine();
        ShortTimers shortTimers = new ShortTimers();
        LongTimers longTimers = new LongTimers();
        TimerScheduler timers = new DelayRoutedTimerScheduler(shortTimers, longTimers, policy.recall().timerQueueMaxDelay());
        List<IngestReport> reports = new ArrayList<>();
        IngestHandler handler = new IngestHandler(new StreamIngest(policy, store, quarantine, clock, 1, timers), reports::add);
        LocalContext context = new LocalContext("IngestFunction");

        double cpuScale = Math.max(1, FULL_VCPU_MB / function.memoryMb());
        double dynamoMs = prices.assumption("latencyMs.dynamodb");
        double sqsMs = prices.assumption("latencyMs.sqs");
        double schedulerMs = prices.assumption("latencyMs.scheduler");
        double snsMs = prices.assumption("latencyMs.sns");
        double smallCpuMs = prices.assumption("cpuMs.smallHandler");
        Deployment.Function segmentsFunction = deployment.function("SegmentChangesFunction");
        // With the template's filter (DynamoStateStore marks writes that changed tags), only batches
        // that changed someone's tags invoke SegmentChangesFunction; without it, every batch that wrote.
        boolean segmentsFiltered = segmentsFunction.eventsOfType("DynamoDB").stream()
                .anyMatch(Deployment.EventSource::filtered);

        long[] totals = new long[4]; // records, bytes, invocations, max batch
        double[] time = new double[2]; // measured ms, billed ms
        long[] kinesis = new long[2]; // 1 KB-rounded bytes in, PUT payload units
        long[] segments = new long[5]; // invocations, publish batches, changes, billed ms, batches that wrote
        List<Instant> invokedAt = new ArrayList<>();
        List<Instant> segmentsInvokedAt = new ArrayList<>();
        long[] sequence = {49_000_000_000_000_000L};

        KinesisBatcher<StreamTrace.Record> batcher = new KinesisBatcher<>(shards, mapping.batchSize(),
                window(mapping), batch -> {
            KinesisEvent event = event(batch, sequence);
            clock.set(batch.invokedAt());
            long[] before = {store.loadRequests, store.puts, shortTimers.requests, quarantine.requests, longTimers.creates};
            long start = System.nanoTime();
            StreamsEventResponse response = handler.handleRequest(event, context);
            double ms = (System.nanoTime() - start) / 1e6;
            if (!response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("in-memory ingest reported failures: " + response.getBatchItemFailures());
            }
            long puts = store.puts - before[1];
            double waits = (store.loadRequests - before[0] + ceilDiv(puts, WRITE_PARALLELISM)) * dynamoMs
                    + (shortTimers.requests - before[2] + quarantine.requests - before[3]) * sqsMs
                    + (longTimers.creates - before[4]) * schedulerMs;
            time[0] += ms;
            time[1] += Math.ceil(ms * cpuScale + waits);
            totals[2]++;
            totals[3] = Math.max(totals[3], batch.records().size());
            invokedAt.add(batch.invokedAt());
            IngestReport report = reports.getLast();
            if (report.writes() > 0) {
                segments[4]++; // the stream records the trigger reads (free), filtered or not
            }
            if (segmentsFiltered ? !report.segmentChanges().isEmpty() : report.writes() > 0) {
                // SegmentChangesFunction: the batch's writes reach it through the table's stream, together.
                long publishes = ceilDiv(report.segmentChanges().size(), 10);
                segmentsInvokedAt.add(batch.invokedAt());
                segments[0]++;
                segments[1] += publishes;
                segments[2] += report.segmentChanges().size();
                segments[3] += (long) Math.ceil(smallCpuMs + publishes * snsMs);
            }
        });
        Instant[] span = {null, null};
        trace.forEach(Integer.MAX_VALUE, record -> {
            totals[0]++;
            totals[1] += record.data().length;
            kinesis[0] += DynamoUnits.ceilDiv(record.data().length, 1024) * 1024;
            kinesis[1] += Math.max(1, DynamoUnits.ceilDiv(record.data().length, 25 * 1024));
            span[0] = span[0] == null ? record.arrivedAt() : span[0];
            span[1] = record.arrivedAt();
            batcher.add(record, record.partitionKey(), record.arrivedAt());
        });
        batcher.finish();

        long writes = reports.stream().mapToLong(IngestReport::writes).sum();
        long quarantined = reports.stream().mapToLong(IngestReport::quarantined).sum();
        Map<String, StoredState> items = store.delegate.all();
        long stateBytes = 0, indexBytes = 0, userBytes = 0, users = 0;
        for (StoredState item : items.values()) {
            stateBytes += DynamoUnits.stateItemBytes(item) + DynamoUnits.INDEX_OVERHEAD_BYTES;
            indexBytes += DynamoUnits.cohortEntryBytes(item);
            if (SubjectKey.isUser(item.key())) {
                userBytes += DynamoUnits.stateItemBytes(item);
                users++;
            }
        }

        double gb = 1024.0 * 1024 * 1024;
        String kinesisService = "Kinesis (" + deployment.streamMode().toLowerCase().replace('_', '-') + ")";
        usage.add(Path.INGEST, kinesisService, "data in (records rounded up to 1 KB)", "kinesis.onDemand.dataInGB", kinesis[0] / gb);
        usage.add(Path.INGEST, kinesisService, "data out to IngestFunction", "kinesis.onDemand.dataOutGB", totals[1] / gb);
        lambda(usage, "IngestFunction", function, totals[2], time[1], invokedAt, 1, true);
        usage.add(Path.INGEST, "DynamoDB state table", "BatchGetItem read units (eventually consistent; rereads after a conflict strongly)",
                "dynamodb.onDemand.readRequestUnits", store.readUnits);
        usage.add(Path.INGEST, "DynamoDB state table", "conditional PutItem write units",
                "dynamodb.onDemand.writeRequestUnits", store.writeUnits);
        usage.add(Path.INGEST, "DynamoDB state table", "DormantCohort index write units",
                "dynamodb.onDemand.writeRequestUnits", store.indexWriteUnits);
        usage.add(Path.INGEST, "DynamoDB state table", "stream reads by SegmentChangesFunction",
                "dynamodb.streamReadsByLambda", segments[4]);
        usage.add(Path.INGEST, "SQS", "quarantine SendMessageBatch", "sqs.standard.requests", quarantine.requests);
        lambda(usage, "SegmentChangesFunction", segmentsFunction, segments[0], segments[3], segmentsInvokedAt, 1, false);
        usage.add(Path.INGEST, "SNS", "segment changes PublishBatch", "sns.publishes", segments[1]);

        return new Result(totals[0], totals[1], totals[2], totals[2] == 0 ? 0 : (double) totals[0] / totals[2],
                (int) totals[3], store.puts, writes, store.writeUnits, store.readUnits, store.indexWriteUnits,
                segments[2], quarantined, shortTimers.messages, longTimers.fires(), shortTimers.requests,
                time[0], time[1], users == 0 ? 0 : (double) userBytes / users, stateBytes, indexBytes, items.size(),
                timerDueTimes(shortTimers, longTimers), span[0] == null ? Instant.EPOCH : span[0],
                span[1] == null ? Instant.EPOCH : span[1], kinesis[1]);
    }

    /**
     * A function's invocations, GB-seconds, logs and X-Ray traces on the ingest path. SegmentChanges
     * invocations follow the ingest batches that invoke them, so they take their timestamps.
     */
    private void lambda(Usage usage, String name, Deployment.Function function, long invocations, double billedMs,
                        List<Instant> at, int lines, boolean emf) {
        usage.add(Path.INGEST, "Lambda " + name, "invocations", "lambda.requests", invocations);
        usage.add(Path.INGEST, "Lambda " + name, "GB-seconds (" + function.memoryMb() + " MB, " + function.architecture() + ")",
                gbSecondKey(function), billedMs / 1000 * function.memoryGb());
        LambdaExtras.logsAndTraces(usage, Path.INGEST, name, function, deployment.logRetentionDays(), prices,
                invocations, lines, emf, at);
    }

    static String gbSecondKey(Deployment.Function function) {
        if (!"arm64".equals(function.architecture())) {
            throw new IllegalStateException(function.name() + " runs on " + function.architecture()
                    + "; the price table has arm64 duration prices only");
        }
        return "lambda.arm64.gbSecond";
    }

    /** Runs the first records through a throwaway store so the measured replay starts with warm code. */
    private void warmUp(StreamTrace trace, Deployment.EventSource mapping) {
        MutableClock clock = new MutableClock();
        IngestHandler handler = new IngestHandler(new StreamIngest(policy, new InMemoryStateStore(),
                new CountingQuarantine(), clock, 1, (armed, now) -> { }), report -> { });
        LocalContext context = new LocalContext("IngestFunction");
        long[] sequence = {1_000_000_000_000_000L};
        KinesisBatcher<StreamTrace.Record> batcher = new KinesisBatcher<>(shards, mapping.batchSize(),
                window(mapping), batch -> {
            clock.set(batch.invokedAt());
            handler.handleRequest(event(batch, sequence), context);
        });
        trace.forEach(WARM_UP_RECORDS, record -> batcher.add(record, record.partitionKey(), record.arrivedAt()));
        batcher.finish();
    }

    private static KinesisEvent event(KinesisBatcher.Batch<StreamTrace.Record> batch, long[] sequence) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>(batch.records().size());
        for (StreamTrace.Record record : batch.records()) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setData(ByteBuffer.wrap(record.data()));
            // Kinesis sequence numbers are 56 digits: the high-water attribute is billed at that length.
            String number = String.format("%056d", sequence[0]++);
            kinesis.setSequenceNumber(number);
            kinesis.setPartitionKey(record.partitionKey());
            kinesis.setApproximateArrivalTimestamp(Date.from(record.arrivedAt()));
            KinesisEvent.KinesisEventRecord wrapped = new KinesisEvent.KinesisEventRecord();
            wrapped.setKinesis(kinesis);
            wrapped.setEventID(String.format("shardId-%012d:%s", batch.shard(), number));
            records.add(wrapped);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }

    private static List<Instant> timerDueTimes(ShortTimers shortTimers, LongTimers longTimers) {
        List<Instant> due = new ArrayList<>(shortTimers.dueTimes);
        due.addAll(longTimers.pending.values());
        due.addAll(longTimers.firedDueTimes);
        due.sort(null);
        return due;
    }

    static long ceilDiv(long value, long unit) {
        return DynamoUnits.ceilDiv(value, unit);
    }

    /** The state table as DynamoDB would bill it: requests, read and write units, index writes. */
    private static final class CountingStore implements StateStore {
        final InMemoryStateStore delegate;
        long loadRequests;
        double readUnits;
        long puts;
        long writeUnits;
        long indexWriteUnits;

        CountingStore(InMemoryStateStore delegate) {
            this.delegate = delegate;
        }

        /** A conflict's reread: strongly consistent, as DynamoStateStore.load. */
        @Override
        public Map<String, StoredState> load(Collection<String> keys) {
            return counted(keys, true);
        }

        /** A batch's read: eventually consistent, as DynamoStateStore.loadRecent. */
        @Override
        public Map<String, StoredState> loadRecent(Collection<String> keys) {
            return counted(keys, false);
        }

        private Map<String, StoredState> counted(Collection<String> keys, boolean consistent) {
            Map<String, StoredState> found = delegate.load(keys);
            loadRequests += ceilDiv(Set.copyOf(keys).size(), 100);
            for (String key : Set.copyOf(keys)) {
                StoredState item = found.get(key);
                readUnits += DynamoUnits.readUnits(item == null ? 0 : DynamoUnits.stateItemBytes(item), consistent);
            }
            return found;
        }

        @Override
        public SaveOutcome save(StoredState next, long expectedVersion) {
            StoredState previous = delegate.load(List.of(next.key())).get(next.key());
            SaveOutcome outcome = delegate.save(next, expectedVersion);
            puts++;
            // A conditional write whose condition fails is billed too.
            writeUnits += DynamoUnits.writeUnits(DynamoUnits.stateItemBytes(next));
            if (outcome == SaveOutcome.SAVED) {
                int indexWrites = DynamoUnits.cohortIndexWrites(previous, next);
                if (indexWrites > 0) {
                    int entry = Math.max(DynamoUnits.cohortEntryBytes(next),
                            previous == null ? 0 : DynamoUnits.cohortEntryBytes(previous));
                    indexWriteUnits += indexWrites * DynamoUnits.writeUnits(entry);
                }
            }
            return outcome;
        }
    }

    /** SQS message timers: one SendMessageBatch per 10 timers; every message fires (it cannot be withdrawn). */
    private static final class ShortTimers implements TimerScheduler {
        long requests;
        long messages;
        final List<Instant> dueTimes = new ArrayList<>();

        @Override
        public void schedule(List<Timer> timers, Instant now) {
            requests += ceilDiv(timers.size(), 10);
            messages += timers.size();
            timers.forEach(t -> dueTimes.add(t.dueAt()));
        }
    }

    /**
     * Scheduler schedules, one per user and page kind ({@link Timer#slot()}): arming a slot whose
     * schedule has not fired yet updates it in place, so only the last one fires.
     */
    private static final class LongTimers implements TimerScheduler {
        long creates;
        final Map<String, Instant> pending = new HashMap<>();
        final List<Instant> firedDueTimes = new ArrayList<>();

        @Override
        public void schedule(List<Timer> timers, Instant now) {
            for (Timer timer : timers) {
                creates++;
                Instant earlier = pending.put(timer.slot(), timer.dueAt());
                if (earlier != null && !earlier.isAfter(now)) {
                    firedDueTimes.add(earlier); // it fired before this re-arm
                }
            }
        }

        long fires() {
            return firedDueTimes.size() + pending.size();
        }
    }

    /** Quarantine batches as SqsQuarantine sends them (StreamIngest hands it at most 10 at a time). */
    private static final class CountingQuarantine implements Quarantine {
        long requests;

        @Override
        public Set<String> send(List<QuarantinedRecord> records) {
            requests += ceilDiv(records.size(), 10);
            return Set.of();
        }
    }

    /** The time a batch is invoked at: a timer armed by it is due relative to that. */
    static final class MutableClock extends Clock {
        private Instant now = Instant.EPOCH;

        void set(Instant at) {
            now = at;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
