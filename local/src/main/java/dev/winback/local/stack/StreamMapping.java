package dev.winback.local.stack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.core.ingest.SequenceNumbers;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Kinesis or DynamoDB-stream event source mapping run locally: each shard read in order from the
 * mapping's starting position; records that fail the filter skipped; batches of up to BatchSize
 * records, waiting up to the batching window for more; the function invoked with the batch as Lambda
 * builds it. A failed batch (reported items, with ReportBatchItemFailures, or a function error) is
 * retried from its lowest failed record, with back-off, at most MaximumRetryAttempts times; then its
 * description goes to the on-failure queue (as Lambda sends it) and the shard moves past it.
 * Not emulated: bisecting on function errors (the whole batch is retried), MaximumRecordAgeInSeconds,
 * ParallelizationFactor above 1.
 */
public final class StreamMapping implements Runnable {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Between reads of a caught-up stream (Lambda polls each shard about once a second). */
    private static final Duration IDLE = Duration.ofMillis(500);
    /** How often the shard list is read again (an on-demand stream may add shards). */
    private static final Duration SHARD_REFRESH = Duration.ofSeconds(30);

    /** A stream's shards as the mapping reads them; R is the service's record type. */
    public interface Shards<R> {
        List<String> shardIds();

        /** An iterator of this type (TRIM_HORIZON, LATEST, AT_SEQUENCE_NUMBER, AFTER_SEQUENCE_NUMBER). */
        String iterator(String shardId, String type, String sequenceNumber);

        Page<R> read(String iterator, int limit);

        String sequenceNumber(R record);

        Instant arrival(R record);

        /** The record as filter patterns see it. */
        JsonNode filterView(R record);

        /** The Lambda event JSON for a batch of one shard. */
        byte[] event(String shardId, List<R> records);

        /** "KinesisBatchInfo" or "DDBStreamBatchInfo": how an on-failure record names the batch. */
        String batchInfoName();
    }

    public record Page<R>(List<R> records, String nextIterator) {
    }

    private final MappingSettings settings;
    private final LocalFunction function;
    private final Shards<?> shards;
    private final BatchDelivery delivery;
    private final Duration retryBackoff;
    private volatile boolean running = true;

    StreamMapping(MappingSettings settings, LocalFunction function, Shards<?> shards, BatchDelivery delivery,
                  Duration retryBackoff) {
        this.settings = settings;
        this.function = function;
        this.shards = shards;
        this.delivery = delivery;
        this.retryBackoff = retryBackoff;
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        run(shards);
    }

    private <R> void run(Shards<R> source) {
        Map<String, ShardState<R>> states = new LinkedHashMap<>();
        long shardsRead = 0;
        while (running) {
            boolean busy = false;
            try {
                if (states.isEmpty() || System.nanoTime() - shardsRead > SHARD_REFRESH.toNanos()) {
                    for (String shardId : source.shardIds()) {
                        states.computeIfAbsent(shardId, ShardState::new);
                    }
                    shardsRead = System.nanoTime();
                }
                for (ShardState<R> state : states.values()) {
                    busy |= poll(source, state);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                delivery.log(settings.name() + ": reading the stream failed, retrying: " + e.getMessage());
                states.values().forEach(s -> s.iterator = null); // start again from the checkpoints
            }
            if (!busy && !sleep(IDLE)) {
                return;
            }
        }
    }

    /** One read of one shard, and a delivery when a batch is ready; true when records came. */
    private <R> boolean poll(Shards<R> source, ShardState<R> state) {
        if (state.iterator == null) {
            state.iterator = state.checkpoint == null
                    ? source.iterator(state.shardId, settings.startingPosition(), null)
                    : source.iterator(state.shardId, "AFTER_SEQUENCE_NUMBER", state.checkpoint);
            if (state.iterator == null) {
                return false;
            }
        }
        Page<R> page = source.read(state.iterator, Math.max(1, settings.batchSize() - state.batch.size()));
        state.iterator = page.nextIterator();
        for (R record : page.records()) {
            state.lastRead = source.sequenceNumber(record);
            if (settings.filter().matches(source.filterView(record))) {
                if (state.batch.isEmpty()) {
                    state.batchStarted = System.nanoTime();
                }
                state.batch.add(record);
            }
        }
        if (state.batch.isEmpty()) {
            if (state.lastRead != null) {
                state.checkpoint = state.lastRead; // only filtered-out records: nothing to deliver
            }
            return !page.records().isEmpty();
        }
        boolean full = state.batch.size() >= settings.batchSize();
        boolean windowOver = System.nanoTime() - state.batchStarted >= Duration.ofSeconds(settings.batchingWindowSeconds()).toNanos();
        if (full || windowOver) {
            deliver(source, state);
        }
        return !page.records().isEmpty();
    }

    private <R> void deliver(Shards<R> source, ShardState<R> state) {
        List<R> batch = List.copyOf(state.batch);
        state.batch.clear();
        BatchDelivery.Outcome outcome = delivery.invoke(function, settings, state.shardId, batch.size(),
                source.event(state.shardId, batch));
        String failedFrom = outcome.functionError() ? source.sequenceNumber(batch.get(0))
                : lowest(outcome.failedItems(), batch, source);
        if (failedFrom == null) {
            state.checkpoint = state.lastRead;
            state.failingFrom = null;
            state.attempts = 0;
            return;
        }
        state.attempts = failedFrom.equals(state.failingFrom) ? state.attempts + 1 : 1;
        state.failingFrom = failedFrom;
        List<R> failed = batch.stream()
                .filter(r -> SequenceNumbers.ORDER.compare(source.sequenceNumber(r), failedFrom) >= 0).toList();
        if (settings.maxRetryAttempts() >= 0 && state.attempts > settings.maxRetryAttempts()) {
            delivery.sendToOnFailure(settings, function, source.batchInfoName(), batchInfo(source, state.shardId, failed),
                    state.attempts);
            state.checkpoint = state.lastRead;
            state.failingFrom = null;
            state.attempts = 0;
            return;
        }
        // Everything before the first failed record is done; read again from it.
        for (R record : batch) {
            if (SequenceNumbers.ORDER.compare(source.sequenceNumber(record), failedFrom) < 0) {
                state.checkpoint = source.sequenceNumber(record);
            }
        }
        state.iterator = source.iterator(state.shardId, "AT_SEQUENCE_NUMBER", failedFrom);
        state.lastRead = state.checkpoint;
        sleep(backoff(state.attempts));
    }

    /** The lowest reported item of the batch; an unknown or empty identifier fails the whole batch, as in Lambda. */
    private <R> String lowest(List<String> items, List<R> batch, Shards<R> source) {
        if (items.isEmpty()) {
            return null;
        }
        List<String> sequences = batch.stream().map(source::sequenceNumber).toList();
        String lowest = null;
        for (String item : items) {
            if (item == null || !sequences.contains(item)) {
                return sequences.get(0);
            }
            if (lowest == null || SequenceNumbers.ORDER.compare(item, lowest) < 0) {
                lowest = item;
            }
        }
        return lowest;
    }

    private <R> ObjectNode batchInfo(Shards<R> source, String shardId, List<R> failed) {
        ObjectNode info = JSON.createObjectNode();
        info.put("shardId", shardId);
        info.put("startSequenceNumber", source.sequenceNumber(failed.get(0)));
        info.put("endSequenceNumber", source.sequenceNumber(failed.get(failed.size() - 1)));
        Instant first = source.arrival(failed.get(0));
        Instant last = source.arrival(failed.get(failed.size() - 1));
        info.put("approximateArrivalOfFirstRecord", first == null ? null : first.toString());
        info.put("approximateArrivalOfLastRecord", last == null ? null : last.toString());
        info.put("batchSize", failed.size());
        info.put("streamArn", settings.sourceArn());
        return info;
    }

    private Duration backoff(int attempts) {
        long millis = retryBackoff.toMillis() << Math.min(attempts - 1, 5);
        return Duration.ofMillis(Math.min(millis, 5_000));
    }

    private boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return running;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
            return false;
        }
    }

    /** Where the mapping is in one shard. */
    private static final class ShardState<R> {
        final String shardId;
        String iterator;
        /** The last sequence number done with (delivered, filtered out or given up on). */
        String checkpoint;
        String lastRead;
        final List<R> batch = new ArrayList<>();
        long batchStarted;
        String failingFrom;
        int attempts;

        ShardState(String shardId) {
            this.shardId = shardId;
        }
    }
}
