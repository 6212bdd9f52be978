package dev.winback.handlers;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.winback.adapters.SdkClientPriming;
import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerMessage;
import dev.winback.core.state.SegmentRules;
import dev.winback.core.state.StateCodec;
import dev.winback.core.state.UserState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.crac.Core;
import org.crac.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.regions.Region;

/**
 * SnapStart priming: before Lambda snapshots an initialised function, runs once what its first
 * invocation would otherwise pay for — the event decoder and state codec on sample behavior events,
 * the timer message codec, the Kinesis record translation, and the SDK clients the function built,
 * through {@link SdkClientPriming} (in-process answers: no network, no write). Every step is
 * best-effort: one that fails is logged and skipped, and never fails the snapshot.
 *
 * <p>Every function registers it through {@link Wiring#fromEnvironment()}; on a JVM without CRaC
 * (local runs, tests) registering does nothing and {@link #primeRegistered()} runs the same work.
 */
public final class Priming implements Resource {

    private static final Logger LOG = LoggerFactory.getLogger(Priming.class);

    /** One behavior event of each type the stream carries (and one the decoder rejects). */
    static final String SAMPLE_EVENTS = "/winback/priming/behavior-events.jsonl";
    /** After every sample event, so none is "in the future" for the decoder. */
    private static final Instant SAMPLE_RECEIVED_AT = Instant.parse("2026-11-22T00:00:00Z");

    /** CRaC keeps registered resources only weakly: this keeps them until the snapshot. */
    private static final List<Priming> REGISTERED = new CopyOnWriteArrayList<>();

    /** The SDK clients a function may build, each primed with the operations its adapters use. */
    public enum Client { DYNAMODB, SQS, SNS, SCHEDULER, S3 }

    /**
     * @param primed  the steps that ran, in order
     * @param failed  step to what went wrong
     * @param offlineRequests SDK requests answered in-process
     */
    public record Report(List<String> primed, Map<String, String> failed, int offlineRequests, Duration took) {
    }

    private final Policy policy;
    private final Supplier<Set<Client>> clients;

    /** @param clients which clients the function built, asked when priming runs (after the handler is wired) */
    Priming(Policy policy, Supplier<Set<Client>> clients) {
        this.policy = policy;
        this.clients = clients;
    }

    /** Registers priming to run before the snapshot; a no-op hook on JVMs without CRaC. */
    static Priming onCheckpoint(Policy policy, Supplier<Set<Client>> clients) {
        Priming priming = new Priming(policy, clients);
        REGISTERED.add(priming);
        Core.getGlobalContext().register(priming);
        return priming;
    }

    /** What the snapshot hook does, for a JVM without CRaC (the local cold-start benchmark). */
    public static List<Report> primeRegistered() {
        return REGISTERED.stream().map(Priming::prime).toList();
    }

    @Override
    public void beforeCheckpoint(org.crac.Context<? extends Resource> context) {
        Report report = prime();
        LOG.info("primed {} in {} ms ({} offline SDK requests); skipped {}", report.primed(), report.took().toMillis(),
                report.offlineRequests(), report.failed().keySet());
    }

    @Override
    public void afterRestore(org.crac.Context<? extends Resource> context) {
        // Nothing to renew: SDK clients resolve credentials and open connections on their first real call.
    }

    public Report prime() {
        long started = System.nanoTime();
        List<String> primed = new ArrayList<>();
        Map<String, String> failed = new LinkedHashMap<>();
        step("events", this::events, primed, failed);
        step("timers", Priming::timers, primed, failed);
        step("kinesis", Priming::kinesis, primed, failed);
        Set<Client> built = clients.get();
        SdkClientPriming sdk = new SdkClientPriming(region());
        for (Client client : Client.values()) {
            if (built.contains(client)) {
                Runnable calls = switch (client) {
                    case DYNAMODB -> sdk::dynamoDb;
                    case SQS -> sdk::sqs;
                    case SNS -> sdk::sns;
                    case SCHEDULER -> sdk::scheduler;
                    case S3 -> sdk::s3;
                };
                step(client.name().toLowerCase(java.util.Locale.ROOT), calls, primed, failed);
            }
        }
        return new Report(List.copyOf(primed), Map.copyOf(failed), sdk.requests(),
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static void step(String name, Runnable work, List<String> primed, Map<String, String> failed) {
        try {
            work.run();
            primed.add(name);
        } catch (RuntimeException | LinkageError e) {
            failed.put(name, e.toString());
            LOG.warn("priming step {} skipped: {}", name, e.toString());
        }
    }

    /** Decodes the samples, folds them into user state, segments it and round-trips it through the codec. */
    private void events() {
        EventDecoder decoder = new EventDecoder(policy.ingest().maxRecordBytes(), policy.ingest().maxFutureSkew());
        Map<String, UserState> users = new LinkedHashMap<>();
        for (String line : sampleEvents()) {
            if (decoder.decode(line.getBytes(StandardCharsets.UTF_8), SAMPLE_RECEIVED_AT) instanceof Decoded.Accepted accepted) {
                BehaviorEvent event = accepted.event();
                String userId = event.envelope().userId();
                if (userId != null) {
                    users.computeIfAbsent(userId, UserState::newUser).apply(event, policy);
                }
            }
        }
        for (UserState user : users.values()) {
            SegmentRules.segment(user, SAMPLE_RECEIVED_AT, policy);
            UserState back = StateCodec.fromBytes(StateCodec.toBytes(user), UserState.class);
            StateCodec.toJson(back);
        }
    }

    private static void timers() {
        Timer timer = new Timer("u-priming", "order", SAMPLE_RECEIVED_AT, SAMPLE_RECEIVED_AT.plusSeconds(45));
        TimerMessage.fromJson(TimerMessage.toJson(timer));
    }

    private static void kinesis() {
        KinesisEvent.Record data = new KinesisEvent.Record();
        data.setData(ByteBuffer.wrap(sampleEvents().get(0).getBytes(StandardCharsets.UTF_8)));
        data.setSequenceNumber("1");
        data.setPartitionKey("u-priming");
        KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
        record.setKinesis(data);
        record.setEventID("shardId-000000000000:1");
        KinesisEvent event = new KinesisEvent();
        event.setRecords(List.of(record));
        KinesisRecords.of(event);
        KinesisRecords.retryFrom("1");
    }

    static List<String> sampleEvents() {
        try (InputStream in = Priming.class.getResourceAsStream(SAMPLE_EVENTS)) {
            if (in == null) {
                throw new IllegalStateException(SAMPLE_EVENTS + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Lambda sets AWS_REGION; without it (tests) any region does, as nothing is sent. */
    private static Region region() {
        String region = System.getenv("AWS_REGION");
        return region == null || region.isBlank() ? Region.US_EAST_1 : Region.of(region);
    }
}
