package dev.winback.local;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.adapters.StateContactCards;
import dev.winback.adapters.InMemoryCampaignLedger;
import dev.winback.adapters.InMemoryCampaignQueue;
import dev.winback.adapters.InMemoryDirectory;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import dev.winback.core.geo.CampaignFeedback;
import dev.winback.core.geo.CampaignLaunch;
import dev.winback.core.geo.CampaignReport;
import dev.winback.core.geo.CampaignSendTask;
import dev.winback.core.geo.CampaignSender;
import dev.winback.core.geo.DirectoryConsumer;
import dev.winback.core.geo.SiteCampaigns;
import dev.winback.core.ingest.StateStore;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.DecisionLog;
import dev.winback.core.recall.SendLedger;
import dev.winback.core.recall.SuppressionList;
import dev.winback.handlers.DirectoryHandler;
import dev.winback.handlers.GeoMetrics;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * D1–D8 on the virtual clock: the directory kept by the real DirectoryFunction handler from the same
 * batches ingest sees (profiles, reads, clicks, deals), a {@code site_campaign} line launched by the same
 * {@link CampaignLaunch} CampaignFunction runs (plan, record, fan-out into tasks), and each task sent by
 * the same {@link CampaignSender} CampaignSendFunction runs — at once, or when a target's quiet hours end.
 * Decisions ({@code trigger: "campaign:<id>"}) and sends go where every other trigger's go.
 */
final class SimulatedCampaigns {

    static final String FILE = "campaigns.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Due(Instant at, long order, CampaignSendTask task) {
    }

    private final Policy policy;
    private final Clock clock;
    private final InMemoryDirectory directory = new InMemoryDirectory();
    private final InMemoryCampaignLedger ledger = new InMemoryCampaignLedger(directory);
    private final InMemoryCampaignQueue queue = new InMemoryCampaignQueue();
    private final DirectoryHandler directoryHandler;
    private final CampaignLaunch launch;
    private final CampaignSender sender;
    private final EventDecoder decoder;
    private final PriorityQueue<Due> waiting = new PriorityQueue<>((a, b) -> a.at().equals(b.at())
            ? Long.compare(a.order(), b.order()) : a.at().compareTo(b.at()));
    private final Map<String, Integer> targets = new LinkedHashMap<>();
    private final LocalContext directoryContext = new LocalContext("DirectoryFunction");
    private long order;

    SimulatedCampaigns(Policy policy, Clock clock, StateStore states, RecordingChannels channels,
                       SendLedger sends, DecisionLog decisions, SuppressionList suppressed) {
        this.policy = policy;
        this.clock = clock;
        this.directoryHandler = new DirectoryHandler(new DirectoryConsumer(policy, directory, new CampaignFeedback(), 1),
                GeoMetrics.none());
        this.launch = new CampaignLaunch(policy, directory, ledger, queue, clock);
        this.sender = new CampaignSender(policy, new CampaignSender.Ports(directory, new StateContactCards(states),
                suppressed, channels, sends, channels,
                Set.of(CampaignSender.SMS, CampaignSender.WECHAT, CampaignSender.INBOX, CampaignSender.CALL),
                decisions, queue), new CampaignFeedback());
        this.decoder = new EventDecoder(policy.ingest().maxRecordBytes(), policy.ingest().maxFutureSkew());
    }

    /** DirectoryFunction's event source mapping filter (template.yaml): the types the directory folds. */
    private static final Set<String> DIRECTORY_TYPES = Set.of("profile_updated", "message_read", "message_clicked",
            "transaction");

    /**
     * Whether the mapping's filter lets a trace line through to DirectoryFunction. The consumer skips the
     * others itself (and a line that is not JSON), so filtering first only saves decoding them again.
     */
    static boolean passesDirectoryFilter(TraceLine event) {
        return event.type() != null && DIRECTORY_TYPES.contains(event.type());
    }

    /** The records of the batch ingest just applied that DirectoryFunction's filtered mapping receives. */
    void consume(KinesisEvent batch) {
        var response = directoryHandler.handleRequest(batch, directoryContext);
        if (!response.getBatchItemFailures().isEmpty()) {
            throw new IllegalStateException("in-memory directory reported failures: " + response.getBatchItemFailures());
        }
    }

    /** A {@code site_campaign} line of the trace: launched now, its tasks sent at once. A bad one is ingest's to quarantine. */
    void launch(String line, String eventId) {
        Decoded decoded = SiteCampaigns.decodeRequest(decoder, line.getBytes(StandardCharsets.UTF_8), eventId, null);
        if (!(decoded instanceof Decoded.Accepted accepted)
                || !(accepted.event() instanceof BehaviorEvent.SiteCampaign event)) {
            return;
        }
        CampaignLaunch.Result result = launch.launch(SiteCampaigns.toCampaign(event, clock.instant(), policy.timeZone()));
        targets.put(result.record().campaignId(), result.record().targets());
        sendQueued();
    }

    /** Sends every task that waited out a target's quiet hours and is due before {@code at}. */
    void runDue(Instant at) {
        while (!waiting.isEmpty() && waiting.peek().at().isBefore(at)) {
            Due due = waiting.poll();
            if (clock instanceof Simulation.VirtualClock virtual) {
                virtual.advanceTo(due.at());
            }
            send(due.task());
        }
    }

    /** After the trace: what still waits is sent at its time. */
    void finish() {
        runDue(Instant.MAX);
    }

    private void sendQueued() {
        for (CampaignSendTask task : queue.drain()) {
            send(task);
        }
    }

    private void send(CampaignSendTask task) {
        CampaignSender.Result result = sender.send(task, clock.instant());
        if (result.retry() > 0) {
            throw new IllegalStateException("in-memory campaign send asked for a retry: " + result);
        }
        for (InMemoryCampaignQueue.Deferred deferred : queue.deferredAndClear()) {
            Instant at = deferred.task().notBefore() != null ? deferred.task().notBefore()
                    : clock.instant().plus(deferred.delay());
            waiting.add(new Due(at, order++, deferred.task()));
        }
        sendQueued();
    }

    /** D8 per campaign: targets, reached, read, clicked, transacted, conversion, potential customers. */
    List<CampaignReport> reports() {
        List<CampaignReport> reports = new ArrayList<>();
        targets.forEach((id, count) -> reports.add(CampaignReport.of(id, count, directory.engagementsOf(id))));
        return reports;
    }

    void write(Path outDir) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(outDir.resolve(FILE), StandardCharsets.UTF_8)) {
            for (CampaignReport report : reports()) {
                ObjectNode node = JSON.valueToTree(report);
                out.write(node.toString());
                out.newLine();
            }
        }
    }
}
