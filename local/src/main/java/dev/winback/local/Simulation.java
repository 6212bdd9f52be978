package dev.winback.local;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.DeadlineCheck;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerMessage;
import dev.winback.core.state.OpsState;
import dev.winback.core.state.UserState;
import dev.winback.core.dormancy.DormantReminders;
import dev.winback.core.dormancy.ReminderMessage;
import dev.winback.core.recall.Delivery;
import dev.winback.core.recall.SuppressionList;
import dev.winback.core.scenario.JourneyCheck;
import dev.winback.core.scenario.ScenarioCheck;
import dev.winback.handlers.DeadlineCheckHandler;
import dev.winback.handlers.DormantScanHandler;
import dev.winback.handlers.DormantShardHandler;
import dev.winback.handlers.DecisionMetrics;
import dev.winback.handlers.IngestHandler;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Replays a trace (JSON Lines, one behavior event per line) through the real function handlers on a
 * virtual clock: IngestFunction receives the events in batches as the Kinesis event source mapping
 * would deliver them; the timers it arms (deadlines, scenarios, journey steps) fire into
 * DeadlineCheckFunction at their due time.
 * Every store and channel is in memory, with the same rules as the AWS ones, unless other stores are
 * given ({@link #withStores}: the DynamoDB adapters on DynamoDB Local).
 */
public final class Simulation {

    private final Policy policy;
    private final int batchSize;
    private final Clock wallClock;
    private final Instant until;
    private final SuppressionList suppressed;
    private final SimulationStores.Factory storeFactory;
    private final ReplayMonitor monitor;

    public Simulation(Policy policy, int batchSize, Clock wallClock) {
        this(policy, batchSize, wallClock, null);
    }

    /** @param until run the scheduled work (daily scans, deferred reminders) up to here after the trace ends */
    public Simulation(Policy policy, int batchSize, Clock wallClock, Instant until) {
        this(policy, batchSize, wallClock, until, SuppressionList.NONE);
    }

    /** @param suppressed the operators' suppression list (C6), as {@code ./winback suppress} keeps it in AWS */
    public Simulation(Policy policy, int batchSize, Clock wallClock, Instant until, SuppressionList suppressed) {
        this(policy, batchSize, wallClock, until, suppressed, SimulationStores.MEMORY, ReplayMonitor.NONE);
    }

    private Simulation(Policy policy, int batchSize, Clock wallClock, Instant until, SuppressionList suppressed,
                       SimulationStores.Factory storeFactory, ReplayMonitor monitor) {
        this.storeFactory = storeFactory;
        this.monitor = monitor;
        this.policy = policy;
        this.batchSize = batchSize;
        this.wallClock = wallClock;
        this.until = until;
        this.suppressed = suppressed;
    }

    /** The same simulation on other stores (state and ledger tables), e.g. {@link DynamoStores} on DynamoDB Local. */
    public Simulation withStores(SimulationStores.Factory stores) {
        return new Simulation(policy, batchSize, wallClock, until, suppressed, stores, monitor);
    }

    /** The same simulation, telling {@code monitor} as it reads the trace. */
    public Simulation withMonitor(ReplayMonitor watcher) {
        return new Simulation(policy, batchSize, wallClock, until, suppressed, storeFactory, watcher);
    }

    /**
     * What a run produced, for the summary and for tests. The decisions are counted, not held (a long
     * trace makes millions): {@link #decisions()} reads them back from {@code dir/decisions.jsonl}.
     */
    public record Outcome(int lines, int received, int applied, int duplicates, int writes,
                          Map<String, Integer> quarantinedByReason, Map<String, UserState> users,
                          Map<String, OpsState> ops, int timersArmed, DecisionCounts decisionCounts,
                          List<RecordingChannels.Sent> sends, List<InMemoryRecallLedgers.IssuedCoupon> coupons,
                          int rewardConversions, Path dir) {

        public int quarantined() {
            return quarantinedByReason.values().stream().mapToInt(Integer::intValue).sum();
        }

        /** Every decision, as {@code decisions.jsonl} records it (details as JSON values), in file order. */
        public List<Decision> decisions() {
            try {
                return SimulationFiles.readDecisions(dir.resolve(ConversionFiles.DECISIONS));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    public Outcome run(Path trace, Path outDir) throws IOException {
        VirtualClock clock = new VirtualClock();
        try (SimulationStores stores = storeFactory.open(clock)) {
            return run(trace, outDir, clock, stores);
        }
    }

    private Outcome run(Path trace, Path outDir, VirtualClock clock, SimulationStores stores) throws IOException {
        StateStore store = stores.state();
        CollectingQuarantine quarantine = new CollectingQuarantine();
        VirtualTimers timers = new VirtualTimers();
        RecordingChannels channels = new RecordingChannels(clock::instant);
        IngestTotals reports = new IngestTotals();

        IngestHandler ingest = new IngestHandler(
                new StreamIngest(policy, store, quarantine, wallClock, 1, timers), reports::add);
        Recaller recaller = new Recaller(policy, channels, stores.contacts(), stores.coupons(), stores.sends(), channels, channels,
                suppressed);
        ScenarioCheck.Ports scheduled = new ScenarioCheck.Ports(store, stores.decisions(), timers, stores.rewardStats(),
                stores.rewardChoices(), channels, stores.contacts(), stores.coupons(), stores.sends(), channels, channels,
                suppressed);
        DeadlineCheckHandler deadlines = new DeadlineCheckHandler(new DeadlineCheck(policy, store, recaller, stores.decisions()),
                new ScenarioCheck(policy, scheduled), new JourneyCheck(policy, scheduled), clock, DecisionMetrics.none());
        List<ReminderMessage.ShardTask> shardQueue = new ArrayList<>();
        VirtualDeferrals deferrals = new VirtualDeferrals();
        DormantScanHandler scan = new DormantScanHandler(policy, (runDay, shards) -> {
            for (int shard = 0; shard < shards; shard++) {
                shardQueue.add(new ReminderMessage.ShardTask(runDay, shard));
            }
        });
        DormantShardHandler shards = new DormantShardHandler(new DormantReminders(policy, stores.cohorts(), store,
                Optional::empty, channels, stores.contacts(), new Delivery(stores.sends(), channels), stores.decisions(),
                deferrals, suppressed), clock);

        OnlineConversions learning = new OnlineConversions(policy, stores);
        SimulatedCampaigns campaigns = new SimulatedCampaigns(policy, clock, store, channels, stores.sends(),
                stores.decisions(), suppressed);
        Replay replay = new Replay(trace, ingest, deadlines, timers, clock, new Scans(scan, shards, shardQueue, deferrals),
                learning, campaigns);
        int lines = 0;
        monitor.started(trace, clock);
        try (BufferedReader reader = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines++;
                if (!line.isBlank()) {
                    replay.offer(lines, line);
                }
                monitor.lineRead(lines, line);
            }
        } catch (NoSuchFileException e) {
            throw new IOException("trace file not found: " + trace, e);
        }
        monitor.traceRead();
        replay.finish(until);

        Files.createDirectories(outDir);
        DecisionCounts decided = stores.writeDecisions(outDir.resolve(ConversionFiles.DECISIONS));
        Outcome outcome = outcome(lines, reports, quarantine, stores, timers, channels, learning.counted(), decided, outDir);
        SimulationFiles.write(outDir, outcome, quarantine);
        campaigns.write(outDir);
        // C7: the trace's orders attributed to the run's touches (sent and holdout decisions), read back
        // from decisions.jsonl as `report` reads them.
        ConversionFiles.write(outDir, trace, ConversionFiles.readTouches(outDir.resolve(ConversionFiles.DECISIONS)),
                policy, wallClock.instant());
        return outcome;
    }

    /**
     * Feeds lines to the ingest handler in batches, cutting a batch where a timer falls due (so the
     * check sees exactly the events before its deadline) and after a watched-page entry (so its
     * timer is armed before later events arrive).
     */
    private final class Replay {
        private final Path trace;
        private final IngestHandler ingest;
        private final DeadlineCheckHandler deadlines;
        private final VirtualTimers timers;
        private final VirtualClock clock;
        private final Scans scans;
        private final OnlineConversions learning;
        private final SimulatedCampaigns campaigns;
        private final LocalContext ingestContext = new LocalContext("IngestFunction");
        private final LocalContext checkContext = new LocalContext("DeadlineCheckFunction");
        private List<KinesisEvent.KinesisEventRecord> batch = new ArrayList<>();
        private List<KinesisEvent.KinesisEventRecord> directoryBatch = new ArrayList<>();

        Replay(Path trace, IngestHandler ingest, DeadlineCheckHandler deadlines, VirtualTimers timers, VirtualClock clock,
               Scans scans, OnlineConversions learning, SimulatedCampaigns campaigns) {
            this.learning = learning;
            this.campaigns = campaigns;
            this.trace = trace;
            this.ingest = ingest;
            this.deadlines = deadlines;
            this.timers = timers;
            this.clock = clock;
            this.scans = scans;
        }

        void offer(int lineNumber, String line) {
            TraceLine event = TraceLine.of(line);
            Instant at = event.occurredAt();
            if (at != null) {
                scans.startAt(at);
                runScheduledBefore(at);
                campaigns.runDue(at);
                clock.advanceTo(at);
                learning.onEvent(event, at);
            }
            KinesisEvent.KinesisEventRecord record = record(lineNumber, line);
            batch.add(record);
            if (SimulatedCampaigns.passesDirectoryFilter(event)) {
                directoryBatch.add(record);
            }
            if (event.is("site_campaign")) {
                flush(); // the directory has every profile before it; then CampaignFunction's launch
                campaigns.launch(line, event.eventId() != null ? event.eventId() : "line-" + lineNumber);
            } else if (batch.size() == batchSize || entersWatchedPage(event)) {
                flush();
            }
        }

        /**
         * After the trace: with {@code until}, timers (deadlines, scenarios, journey steps), daily scans
         * and deferred reminders run in time order up to it, and what is due later stays pending; without
         * it, the pending timers fire (and the scans stop with the trace).
         */
        void finish(Instant until) {
            flush();
            campaigns.finish();
            if (until != null) {
                runScheduledBefore(until.plusNanos(1));
                clock.advanceTo(until);
                return;
            }
            for (Instant due = timers.nextDue(); due != null; due = timers.nextDue()) {
                fire(timers.takeDue(due));
            }
        }

        /** Runs, in time order, every timer, scan and deferred reminder due before {@code at}. */
        private void runScheduledBefore(Instant at) {
            while (true) {
                Instant timer = timers.nextDue();
                Instant scheduled = scans.nextDue();
                Instant next = timer == null ? scheduled : scheduled == null || timer.isBefore(scheduled) ? timer : scheduled;
                if (next == null || !next.isBefore(at)) {
                    return;
                }
                flush();
                if (next.equals(timer)) {
                    fire(timers.takeDue(timer));
                } else {
                    clock.advanceTo(next);
                    scans.runDue(next);
                }
            }
        }

        private void fire(List<Timer> due) {
            for (Timer timer : due) {
                clock.advanceTo(timer.dueAt());
                SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
                message.setMessageId(timer.id());
                message.setBody(TimerMessage.toJson(timer));
                SQSEvent event = new SQSEvent();
                event.setRecords(List.of(message));
                SQSBatchResponse response = deadlines.handleRequest(event, checkContext);
                if (!response.getBatchItemFailures().isEmpty()) {
                    throw new IllegalStateException("deadline check failed for timer " + timer.id());
                }
            }
        }

        private void flush() {
            if (batch.isEmpty()) {
                return;
            }
            KinesisEvent event = new KinesisEvent();
            event.setRecords(batch);
            StreamsEventResponse response = ingest.handleRequest(event, ingestContext);
            if (!response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("in-memory ingest reported failures: " + response.getBatchItemFailures());
            }
            if (!directoryBatch.isEmpty()) { // DirectoryFunction reads the same stream, filtered
                KinesisEvent filtered = new KinesisEvent();
                filtered.setRecords(directoryBatch);
                campaigns.consume(filtered);
                directoryBatch = new ArrayList<>();
            }
            batch = new ArrayList<>();
        }

        private boolean entersWatchedPage(TraceLine event) {
            return event.is("page_enter") && event.page() != null && policy.recall().watchedPages().containsKey(event.page());
        }

        /** A trace line becomes a Kinesis record; its line number is its sequence number. */
        private KinesisEvent.KinesisEventRecord record(int lineNumber, String line) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setData(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
            kinesis.setSequenceNumber(Integer.toString(lineNumber));
            kinesis.setPartitionKey(trace.getFileName().toString());
            // The trace is history: "now" for the future-timestamp rule is the wall clock of this run.
            kinesis.setApproximateArrivalTimestamp(Date.from(wallClock.instant()));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(kinesis);
            record.setEventID(trace.getFileName() + ":" + lineNumber);
            return record;
        }
    }

    /**
     * The daily dormant scan (at the policy's scan time, from the trace's first day) and the reminders
     * it deferred past quiet hours, on the virtual clock, through the real handlers.
     */
    private final class Scans {
        private final DormantScanHandler scan;
        private final DormantShardHandler shards;
        private final List<ReminderMessage.ShardTask> shardQueue;
        private final VirtualDeferrals deferrals;
        private final LocalContext scanContext = new LocalContext("DormantScanFunction");
        private final LocalContext shardContext = new LocalContext("DormantShardFunction");
        private Instant nextScan;

        Scans(DormantScanHandler scan, DormantShardHandler shards, List<ReminderMessage.ShardTask> shardQueue,
              VirtualDeferrals deferrals) {
            this.scan = scan;
            this.shards = shards;
            this.shardQueue = shardQueue;
            this.deferrals = deferrals;
        }

        /** The first scan is the first scan time at or after the trace's first event. */
        void startAt(Instant firstEvent) {
            if (nextScan == null) {
                java.time.ZonedDateTime local = firstEvent.atZone(policy.timeZone());
                java.time.ZonedDateTime scanTime = local.with(policy.dormancy().scanAt());
                nextScan = (scanTime.isBefore(local) ? scanTime.plusDays(1) : scanTime).toInstant();
            }
        }

        Instant nextDue() {
            Instant deferred = deferrals.nextDue();
            if (nextScan == null) {
                return deferred;
            }
            return deferred == null || nextScan.isBefore(deferred) ? nextScan : deferred;
        }

        void runDue(Instant at) {
            if (at.equals(nextScan)) {
                scan.handleRequest(Map.of("kind", "dormant_scan", "scheduledTime", at.toString()), scanContext);
                List<ReminderMessage.ShardTask> tasks = List.copyOf(shardQueue);
                shardQueue.clear();
                for (ReminderMessage.ShardTask task : tasks) {
                    deliver(ReminderMessage.shardTask(task.runDay(), task.shard()));
                }
                nextScan = nextScan.atZone(policy.timeZone()).plusDays(1).toInstant();
            } else {
                VirtualDeferrals.Due due = deferrals.take();
                deliver(ReminderMessage.deferred(due.reminder(), due.notBefore()));
            }
        }

        private void deliver(String body) {
            SQSEvent.SQSMessage message = new SQSEvent.SQSMessage();
            message.setMessageId(Integer.toHexString(body.hashCode()));
            message.setBody(body);
            SQSEvent event = new SQSEvent();
            event.setRecords(List.of(message));
            if (!shards.handleRequest(event, shardContext).getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException("dormant work item failed: " + body);
            }
        }
    }

    /** The counts of every ingest batch, summed as they come: keeping the reports grew with the trace. */
    private static final class IngestTotals {
        int received;
        int applied;
        int duplicates;
        int writes;

        void add(IngestReport report) {
            received += report.received();
            applied += report.applied();
            duplicates += report.duplicates();
            writes += report.writes();
        }
    }

    private static Outcome outcome(int lines, IngestTotals reports, CollectingQuarantine quarantine,
                                   SimulationStores stores, VirtualTimers timers, RecordingChannels channels,
                                   int rewardConversions, DecisionCounts decided, Path dir) {
        Map<String, Integer> byReason = new TreeMap<>();
        quarantine.records().forEach(q -> byReason.merge(q.reason().code(), 1, Integer::sum));
        Map<String, UserState> users = new TreeMap<>();
        Map<String, OpsState> ops = new TreeMap<>();
        for (StoredState stored : stores.allStates().values()) {
            if (SubjectKey.isUser(stored.key())) {
                UserState user = stored.state(UserState.class);
                users.put(user.userId, user);
            } else {
                ops.put(stored.key(), stored.state(OpsState.class));
            }
        }
        return new Outcome(lines,
                reports.received, reports.applied, reports.duplicates, reports.writes,
                byReason, users, ops, timers.armedCount(), decided, channels.sent(), stores.allCoupons(),
                rewardConversions, dir);
    }

    /** The simulation's clock: moves only forward, to event times and timer due times. */
    public static final class VirtualClock extends Clock {
        private Instant now = Instant.EPOCH;

        public void advanceTo(Instant at) {
            if (at.isAfter(now)) {
                now = at;
            }
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

}
