package dev.winback.local.trace;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;

/**
 * A realistic behavior trace in the public event format, one JSON line at a time, in time order,
 * from a seed: the same {@link TraceSettings} give the same bytes on every run and JDK.
 *
 * <p>What it contains is described where it is made: consumers in {@link Shopper} (archetypes in
 * {@link Archetype}, page flows in {@link PageFlow}, dwell times in {@link Page}, time of day in
 * {@link Diurnal}), B2B traders and their answers to campaigns in {@link Trader}, the campaign
 * calendar in {@link World}, delivery pressure in {@link ZoneSource} and merchant supply in
 * {@link MerchantSource}.
 *
 * <p><b>Streaming.</b> The trace is a k-way merge: every user, zone, merchant and the campaign
 * calendar is a {@link Source} that yields its own events in time order, and a priority queue keyed
 * by each source's next event time picks the earliest. A source expands one activity (a session, a
 * push, a reading) only when that activity is the earliest thing left in the whole trace, so the
 * memory held is the sources' small fixed state plus the events of the activities in progress at
 * that moment — it depends on the population and on how many users are in a session at once, not on
 * the number of days or events. The alternative, generating a day (or an hour) for everybody into a
 * buffer and sorting it, holds a whole window of events (at a million users, millions of events per
 * hour) and must still carry sessions and deliveries across window edges; the merge needs neither,
 * and costs O(log sources) per event. {@link #bufferedPeak()} reports the largest number of events
 * held at once.
 *
 * <p>Event ids are {@code e<seed>-<n>} with n the position in the trace (seed in base 36), so traces
 * with different seeds can be replayed into the same stream without colliding.
 */
public final class TraceGenerator {

    private final World world;
    private final BufferGauge gauge = new BufferGauge();
    private final PriorityQueue<Source> queue;
    private final String idPrefix;
    private final StringBuilder line = new StringBuilder(512);
    private final Rfc3339 timestamps = new Rfc3339();
    private final Map<String, long[]> counts = new HashMap<>();
    private final int sources;
    private long written;
    private long lastAt = Long.MIN_VALUE;

    public TraceGenerator(TraceSettings settings) {
        this.world = new World(settings);
        this.idPrefix = "e" + Long.toUnsignedString(settings.seed(), 36) + "-";
        int order = 0;
        List<Source> all = new java.util.ArrayList<>();
        all.add(new CampaignSource(order++, world, gauge));
        for (int z = 0; z < settings.zones(); z++) {
            all.add(new ZoneSource(order++, world, z, gauge));
        }
        for (int m = 0; m < settings.merchants(); m++) {
            all.add(new MerchantSource(order++, world, m, gauge));
        }
        this.queue = new PriorityQueue<>(Math.max(1, all.size() + settings.users() + settings.b2bUsers()),
                Source.BY_NEXT_EVENT);
        all.forEach(this::enqueue);
        for (int u = 0; u < settings.users(); u++) {
            enqueue(new Shopper(order++, world, u, gauge));
        }
        for (int b = 0; b < settings.b2bUsers(); b++) {
            enqueue(new Trader(order++, world, b, gauge));
        }
        this.sources = order;
    }

    private void enqueue(Source source) {
        if (source.nextAt() < world.endMillis) {
            queue.add(source);
        }
    }

    /** The next line of the trace (no line break), or null when the trace is complete. */
    public String nextLine() {
        while (!queue.isEmpty()) {
            Source source = queue.poll();
            PlannedEvent event = source.step();
            enqueue(source);
            if (event != null) {
                return format(source, event);
            }
        }
        return null;
    }

    /**
     * Writes up to {@code limit} lines, each followed by a line break; returns how many were written
     * by this call. {@code progress} is told the total after every {@code every} lines.
     */
    public long writeTo(Writer out, long limit, long every, Progress progress) throws IOException {
        long count = 0;
        String next;
        while (count < limit && (next = nextLine()) != null) {
            out.write(next);
            out.write('\n');
            count++;
            if (progress != null && written % every == 0) {
                progress.at(written, Instant.ofEpochMilli(lastAt));
            }
        }
        return count;
    }

    /** Told how far a long run has got. */
    @FunctionalInterface
    public interface Progress {
        void at(long events, Instant upTo);
    }

    private String format(Source source, PlannedEvent event) {
        if (event.at() < lastAt) {
            throw new IllegalStateException("out of order: " + event.type() + " at " + event.at() + " after " + lastAt);
        }
        lastAt = event.at();
        written++;
        counts.computeIfAbsent(event.type(), t -> new long[1])[0]++;
        StringBuilder out = line;
        out.setLength(0);
        out.append("{\"eventId\":\"").append(idPrefix).append(written).append('"');
        if (source.userId != null) {
            out.append(",\"userId\":\"").append(source.userId).append('"');
        }
        out.append(",\"type\":\"").append(event.type()).append("\",\"occurredAt\":\"");
        timestamps.append(out, event.at());
        out.append('"');
        if (event.sessionId() != null) {
            out.append(",\"sessionId\":\"").append(event.sessionId()).append('"');
        }
        if (!event.fields().isEmpty()) {
            out.append(',').append(event.fields());
        }
        return out.append('}').toString();
    }

    /** Lines produced so far. */
    public long written() {
        return written;
    }

    /** Lines so far by event type. */
    public Map<String, Long> countsByType() {
        Map<String, Long> byType = new TreeMap<>();
        counts.forEach((type, n) -> byType.put(type, n[0]));
        return Collections.unmodifiableMap(byType);
    }

    /** Planned events held right now, across all sources. */
    public long buffered() {
        return gauge.held();
    }

    /** The most planned events ever held at once: the generator's working set beyond its sources. */
    public long bufferedPeak() {
        return gauge.peak();
    }

    /** Users, zones, merchants and the campaign calendar: each holds a few fields while generating. */
    public int sources() {
        return sources;
    }
}
