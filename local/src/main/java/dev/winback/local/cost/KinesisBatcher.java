package dev.winback.local.cost;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Cuts the stream into the batches a Kinesis event source mapping hands a function, shard by shard:
 * a record goes to the shard whose hash-key range holds the MD5 of its partition key (shards split
 * the range evenly, as an on-demand stream's do); a shard's batch opens with its first record and
 * is handed over when it holds {@code batchSize} records or when the batching window since it
 * opened has passed, whichever comes first.
 *
 * <p>What it leaves out: a shard's next batch waiting for the previous invocation to finish, the
 * 6 MB payload limit (records here are a few hundred bytes), and re-sharding.
 */
public final class KinesisBatcher<T> {

    /** A batch as handed to the function at {@code invokedAt}. */
    public record Batch<T>(int shard, Instant openedAt, Instant invokedAt, List<T> records) {
    }

    private final int shards;
    private final int batchSize;
    private final Duration window;
    private final Consumer<Batch<T>> sink;
    private final List<List<T>> open = new ArrayList<>();
    private final Instant[] openedAt;

    public KinesisBatcher(int shards, int batchSize, Duration window, Consumer<Batch<T>> sink) {
        if (shards < 1 || batchSize < 1 || window.isNegative()) {
            throw new IllegalArgumentException("shards and batch size must be positive, the window not negative");
        }
        this.shards = shards;
        this.batchSize = batchSize;
        this.window = window;
        this.sink = sink;
        this.openedAt = new Instant[shards];
        for (int i = 0; i < shards; i++) {
            open.add(new ArrayList<>());
        }
    }

    /** The shard of a partition key among {@code shards} equal hash-key ranges. */
    public static int shardOf(String partitionKey, int shards) {
        try {
            byte[] md5 = MessageDigest.getInstance("MD5").digest(partitionKey.getBytes(StandardCharsets.UTF_8));
            long high = 0;
            for (int i = 0; i < 8; i++) {
                high = (high << 8) | (md5[i] & 0xff);
            }
            return (int) Math.unsignedMultiplyHigh(high, shards);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records must come in arrival order; batches whose window ended before {@code at} go first. */
    public void add(T record, String partitionKey, Instant at) {
        flushUntil(at);
        int shard = shardOf(partitionKey, shards);
        List<T> batch = open.get(shard);
        if (batch.isEmpty()) {
            openedAt[shard] = at;
        }
        batch.add(record);
        if (batch.size() == batchSize) {
            hand(shard, at);
        }
    }

    /** Hands over every open batch (the end of the stream). */
    public void finish() {
        flushUntil(Instant.MAX);
    }

    private void flushUntil(Instant at) {
        while (true) {
            int due = -1;
            for (int shard = 0; shard < shards; shard++) {
                if (!open.get(shard).isEmpty() && !openedAt[shard].plus(window).isAfter(at)
                        && (due < 0 || openedAt[shard].isBefore(openedAt[due]))) {
                    due = shard;
                }
            }
            if (due < 0) {
                return;
            }
            hand(due, openedAt[due].plus(window));
        }
    }

    private void hand(int shard, Instant invokedAt) {
        List<T> batch = open.get(shard);
        sink.accept(new Batch<>(shard, openedAt[shard], invokedAt, List.copyOf(batch)));
        batch.clear();
    }
}
