package dev.winback.local.cost;

import dev.winback.core.policy.Policy;
import dev.winback.local.Simulation;
import dev.winback.local.cost.Usage.Path;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Counts what a trace would make Winback ask of AWS and prices it: the ingest path replayed batch by
 * batch ({@link IngestReplay}), the messaging path from a simulation of the same trace
 * ({@link MessagingModel}), and what the stack costs per month whatever the traffic.
 */
public final class CostModel {

    /**
     * The EMF metrics the handlers publish (IngestMetrics 9, DecisionMetrics 5 with one per outcome,
     * ConversionMetrics 8): each name is a custom metric, billed per month while it is published.
     */
    static final int EMF_METRICS = 22;
    /** How far apart the copies of a user start when the trace stands for a larger population. */
    static final Duration COPY_SPREAD = Duration.ofMinutes(30);
    /** Records per batch the simulator delivers (its default); batching does not change decisions much. */
    private static final int SIMULATION_BATCH = 100;

    private final Policy policy;
    private final Deployment deployment;
    private final PriceTable prices;
    private final int shards;
    private final Duration window;

    /** @param window the ingest batching window to assume instead of the template's, or null */
    public CostModel(Policy policy, Deployment deployment, PriceTable prices, int shards, Duration window) {
        this.policy = policy;
        this.deployment = deployment;
        this.prices = prices;
        this.shards = shards;
        this.window = window;
    }

    /**
     * @param copies    when above 1, the ingest path is also replayed with that many copies of every user
     * @param until     keep the simulation's clock running to here (daily scans, reminders); null: stop with the trace
     * @param simulated where the simulation writes its files (decisions, sends, conversions); null: the
     *                  ingest path only (no simulation, no messaging path)
     */
    public CostReport run(java.nio.file.Path trace, int copies, Instant until, java.nio.file.Path simulated)
            throws IOException {
        StreamTrace stream = StreamTrace.read(trace, 1, COPY_SPREAD);
        Usage usage = new Usage();
        IngestReplay replay = new IngestReplay(policy, deployment, prices, shards, window);
        IngestReplay.Result ingest = replay.run(stream, usage);

        MessagingModel.Result messaging = null;
        long decisions = 0, messages = 0;
        if (simulated != null) {
            Simulation.Outcome outcome = new Simulation(policy, SIMULATION_BATCH, Clock.systemUTC(), until)
                    .run(trace, simulated);
            long conversions = lines(simulated.resolve("conversions.jsonl"));
            messaging = new MessagingModel(policy, deployment, prices).add(usage, ingest, stream,
                    outcome.decisions(), outcome.sends(), conversions, outcome.rewardConversions());
            decisions = outcome.decisions().size();
            messages = outcome.sends().size();
        }
        monthly(usage, ingest, messaging);

        CostReport.Scaled scaled = null;
        if (copies > 1) {
            Usage scaledUsage = new Usage();
            IngestReplay.Result result = replay.run(StreamTrace.read(trace, copies, COPY_SPREAD), scaledUsage);
            scaled = new CostReport.Scaled(copies, result, scaledUsage);
        }
        return new CostReport(prices, deployment, shards, replay.window(deployment.function("IngestFunction")
                .eventsOfType("Kinesis").getFirst()), trace.toString(), ingest, messaging, decisions, messages, usage, scaled);
    }

    /** Charges that run by the month: they make up the idle cost, plus storage for what the trace left. */
    private void monthly(Usage usage, IngestReplay.Result ingest, MessagingModel.Result messaging) {
        double hours = prices.assumption("monthHours");
        double days = hours / 24;
        if ("ON_DEMAND".equals(deployment.streamMode())) {
            usage.add(Path.MONTHLY, "Kinesis (on-demand)", "stream-hours", "kinesis.onDemand.streamHour", hours);
        } else {
            usage.add(Path.MONTHLY, "Kinesis (provisioned)", "shard-hours", "kinesis.provisioned.shardHour", hours * shards);
        }
        usage.add(Path.MONTHLY, "KMS", "customer-managed keys", "kms.keyMonth", deployment.kmsKeys());
        // Requests while traffic flows: each (role, resource) pair refreshes its data key now and then.
        double kmsPerHour = prices.assumption("kms.requestsPerHour.dynamodb") * deployment.functions().size() * deployment.tables()
                + prices.assumption("kms.requestsPerHour.sqs") * 2 * deployment.queues()
                + prices.assumption("kms.requestsPerHour.sns") * deployment.topics()
                + prices.assumption("kms.requestsPerHour.kinesis") * shards * (1 + deployment.streamConsumers());
        usage.add(Path.MONTHLY, "KMS", "data-key requests while traffic flows (estimate)", "kms.requests", kmsPerHour * hours);
        usage.add(Path.MONTHLY, "CloudWatch", "alarms", "cloudwatch.alarmMonth", deployment.alarms());
        usage.add(Path.MONTHLY, "CloudWatch", "EMF custom metrics", "cloudwatch.customMetricMonth", EMF_METRICS);
        usage.add(Path.MONTHLY, "SQS", "Lambda pollers on idle queues (20 s long polls)", "sqs.standard.requests",
                deployment.sqsMappings() * prices.assumption("sqs.idlePollers") * 180 * hours);

        // The daily dormant scan runs whether or not anyone is due.
        int indexShards = policy.dormancy().indexShards();
        int cohortDays = policy.dormancy().maxPerEpisode();
        usage.add(Path.MONTHLY, "EventBridge Scheduler", "daily scan schedule", "scheduler.invocations", days);
        usage.add(Path.MONTHLY, "SQS", "daily shard tasks: SendMessageBatch, ReceiveMessage, DeleteMessage",
                "sqs.standard.requests", days * (IngestReplay.ceilDiv(indexShards, 10) + 2.0 * indexShards));
        usage.add(Path.MONTHLY, "DynamoDB state table", "daily DormantCohort queries (eventually consistent)",
                "dynamodb.onDemand.readRequestUnits", days * indexShards * cohortDays * 0.5);
        double dynamoMs = prices.assumption("latencyMs.dynamodb");
        double cpuMs = prices.assumption("cpuMs.smallHandler");
        Deployment.Function scan = deployment.function("DormantScanFunction");
        usage.add(Path.MONTHLY, "Lambda DormantScanFunction", "invocations", "lambda.requests", days);
        usage.add(Path.MONTHLY, "Lambda DormantScanFunction", "GB-seconds", IngestReplay.gbSecondKey(scan),
                days * (cpuMs + IngestReplay.ceilDiv(indexShards, 10) * prices.assumption("latencyMs.sqs")) / 1000 * scan.memoryGb());
        Deployment.Function shard = deployment.function("DormantShardFunction");
        usage.add(Path.MONTHLY, "Lambda DormantShardFunction", "invocations (shard tasks)", "lambda.requests", days * indexShards);
        usage.add(Path.MONTHLY, "Lambda DormantShardFunction", "GB-seconds (shard tasks)", IngestReplay.gbSecondKey(shard),
                days * indexShards * (cpuMs + cohortDays * dynamoMs) / 1000 * shard.memoryGb());
        double logBytes = days * (1 + indexShards) * (prices.assumption("logBytes.platform") + prices.assumption("logBytes.line"));
        usage.add(Path.MONTHLY, "CloudWatch Logs", "daily scan logs ingested", "cloudwatch.logsIngestedGB",
                logBytes / (1024.0 * 1024 * 1024));
        if (shard.tracing()) {
            // The shard tasks start within the same second: one trace, then the sampled share.
            usage.add(Path.MONTHLY, "X-Ray", "daily scan traces", "xray.tracesRecorded",
                    days * (1 + 1 + prices.assumption("xray.sampleShare") * (indexShards - 1)));
        }

        double gb = 1024.0 * 1024 * 1024;
        long ledger = messaging == null ? 0 : messaging.ledgerBytes();
        double stored = (ingest.stateBytes() + ingest.indexBytes() + ledger) / gb;
        usage.add(Path.MONTHLY, "DynamoDB storage", "state table, DormantCohort index, ledger (after this trace)",
                "dynamodb.storageGBMonth", stored);
        usage.add(Path.MONTHLY, "DynamoDB storage", "point-in-time recovery of both tables", "dynamodb.pitrGBMonth",
                (ingest.stateBytes() + ledger) / gb);
    }

    private static long lines(java.nio.file.Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(line -> !line.isBlank()).count();
        }
    }

    /** Deletes a directory the command created for the simulation's files. */
    public static void deleteTree(java.nio.file.Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<java.nio.file.Path> walk = Files.walk(dir)) {
            List<java.nio.file.Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (java.nio.file.Path path : paths) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
