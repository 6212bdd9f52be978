package dev.winback.local;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.winback.adapters.CollectingQuarantine;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.core.ingest.IngestReport;
import dev.winback.core.ingest.Quarantine;
import dev.winback.core.ingest.QuarantineMessage;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.state.OpsState;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import dev.winback.handlers.IngestHandler;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Replays a trace (JSON Lines, one behavior event per line) through the real IngestFunction handler
 * with in-memory stores, in batches as the Kinesis event source mapping would deliver them.
 */
public final class Simulation {

    private final Policy policy;
    private final int batchSize;
    private final Clock clock;

    public Simulation(Policy policy, int batchSize, Clock clock) {
        this.policy = policy;
        this.batchSize = batchSize;
        this.clock = clock;
    }

    /** What a run produced, for the summary and for tests. */
    public record Outcome(int lines, int received, int applied, int duplicates, int writes,
                          Map<String, Integer> quarantinedByReason, Map<String, UserState> users,
                          Map<String, OpsState> ops) {

        public int quarantined() {
            return quarantinedByReason.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    public Outcome run(Path trace, Path outDir) throws IOException {
        InMemoryStateStore store = new InMemoryStateStore();
        CollectingQuarantine quarantine = new CollectingQuarantine();
        List<IngestReport> reports = new ArrayList<>();
        IngestHandler handler = new IngestHandler(new StreamIngest(policy, store, quarantine, clock, 1), reports::add);
        LocalContext context = new LocalContext("IngestFunction");

        int lines = 0;
        try (BufferedReader reader = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            List<KinesisEvent.KinesisEventRecord> batch = new ArrayList<>(batchSize);
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                lines++;
                if (line.isBlank()) {
                    continue;
                }
                batch.add(record(trace, lines, line));
                if (batch.size() == batchSize) {
                    deliver(handler, context, batch);
                    batch = new ArrayList<>(batchSize);
                }
            }
            if (!batch.isEmpty()) {
                deliver(handler, context, batch);
            }
        } catch (NoSuchFileException e) {
            throw new IOException("trace file not found: " + trace, e);
        }

        Outcome outcome = outcome(lines, reports, quarantine, store);
        write(outDir, outcome, quarantine);
        return outcome;
    }

    /** A trace line becomes a Kinesis record; its line number is its sequence number. */
    private KinesisEvent.KinesisEventRecord record(Path trace, int lineNumber, String line) {
        KinesisEvent.Record kinesis = new KinesisEvent.Record();
        kinesis.setData(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
        kinesis.setSequenceNumber(Integer.toString(lineNumber));
        kinesis.setPartitionKey(trace.getFileName().toString());
        // The trace is history: "now" for the future-timestamp rule is the wall clock of this run.
        kinesis.setApproximateArrivalTimestamp(Date.from(clock.instant()));
        KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
        record.setKinesis(kinesis);
        record.setEventID(trace.getFileName() + ":" + lineNumber);
        return record;
    }

    private static void deliver(IngestHandler handler, LocalContext context, List<KinesisEvent.KinesisEventRecord> batch) {
        KinesisEvent event = new KinesisEvent();
        event.setRecords(batch);
        StreamsEventResponse response = handler.handleRequest(event, context);
        if (!response.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException("in-memory ingest reported failures: " + response.getBatchItemFailures());
        }
    }

    private static Outcome outcome(int lines, List<IngestReport> reports, CollectingQuarantine quarantine,
                                   InMemoryStateStore store) {
        Map<String, Integer> byReason = new TreeMap<>();
        quarantine.records().forEach(q -> byReason.merge(q.reason().code(), 1, Integer::sum));
        Map<String, UserState> users = new TreeMap<>();
        Map<String, OpsState> ops = new TreeMap<>();
        for (StoredState stored : store.all().values()) {
            if (SubjectKey.isUser(stored.key())) {
                UserState user = StateCodec.fromBytes(stored.body(), UserState.class);
                users.put(user.userId, user);
            } else {
                ops.put(stored.key(), StateCodec.fromBytes(stored.body(), OpsState.class));
            }
        }
        return new Outcome(lines,
                reports.stream().mapToInt(IngestReport::received).sum(),
                reports.stream().mapToInt(IngestReport::applied).sum(),
                reports.stream().mapToInt(IngestReport::duplicates).sum(),
                reports.stream().mapToInt(IngestReport::writes).sum(),
                byReason, users, ops);
    }

    private static void write(Path outDir, Outcome outcome, CollectingQuarantine quarantine) throws IOException {
        Files.createDirectories(outDir);
        try (BufferedWriter out = Files.newBufferedWriter(outDir.resolve("users.jsonl"))) {
            for (UserState user : outcome.users().values()) {
                out.write(StateCodec.toJson(user));
                out.newLine();
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(outDir.resolve("ops.jsonl"))) {
            for (Map.Entry<String, OpsState> ops : outcome.ops().entrySet()) {
                out.write(StateCodec.toJson(ops.getValue()));
                out.newLine();
            }
        }
        try (BufferedWriter out = Files.newBufferedWriter(outDir.resolve("quarantine.jsonl"))) {
            for (Quarantine.QuarantinedRecord q : quarantine.records()) {
                var json = QuarantineMessage.toJson(q);
                json.put("line", Integer.parseInt(q.record().sequenceNumber()));
                out.write(json.toString());
                out.newLine();
            }
        }
    }
}
