package dev.winback.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.winback.core.conversion.Touch;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.DecisionLog;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The in-memory store's decision log, kept on disk: each recorded decision is appended to a spill file
 * as the line {@code decisions.jsonl} will hold, and memory keeps only a 64-bit digest of its id with
 * where its first and latest lines are, plus each user's touches (sent and holdout decisions, slimmed
 * to what attribution reads) for the orders attributed as they arrive. As objects, every decision of a
 * run was most of the simulator's heap (~1.5 KB each, about one per six events).
 *
 * <p>{@link #write} gives the file: every decision once, in the order it was first recorded, with the
 * content it was last recorded with (a decision recorded again is an update), as the map it replaces did.
 */
final class SpilledDecisions implements DecisionLog, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What attribution (C7) and the reward counter (C4) read from a touch's details. */
    private static final List<String> TOUCH_DETAILS = List.of("reward", "scenario", "strategy", "decidedAt");

    private final Path spill;
    private final OutputStream out;
    private final FileChannel reader;
    private long written;
    private boolean dirty;
    private final DigestIndex index = new DigestIndex();
    /** Ids whose digest another id already holds (practically never): their {first, latest} line offsets. */
    private final Map<String, long[]> collided = new HashMap<>();
    private final Map<String, Map<String, Decision>> touchesByUser = new HashMap<>();

    SpilledDecisions() {
        try {
            spill = Files.createTempFile("winback-decisions", ".jsonl");
            out = new BufferedOutputStream(Files.newOutputStream(spill), 1 << 16);
            reader = FileChannel.open(spill, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the simulation's decision spill file", e);
        }
    }

    @Override
    public synchronized void record(Decision decision) {
        long offset = append(SimulationFiles.decision(decision));
        String id = decision.decisionId();
        String previousUser = null;
        long[] own = collided.get(id);
        if (own != null) {
            previousUser = read(own[1]).userId();
            own[1] = offset;
        } else {
            long digest = digest(id);
            long latest = index.latest(digest);
            if (latest < 0) {
                index.put(digest, offset);
            } else {
                Decision previous = read(latest);
                if (previous.decisionId().equals(id)) {
                    previousUser = previous.userId();
                    index.update(digest, offset);
                } else {
                    collided.put(id, new long[] {offset, offset});
                }
            }
        }
        if (previousUser != null && !previousUser.equals(decision.userId())) {
            Map<String, Decision> theirs = touchesByUser.get(previousUser);
            if (theirs != null) {
                theirs.remove(id);
            }
        }
        if (Touch.of(decision).isPresent()) {
            touchesByUser.computeIfAbsent(decision.userId(), u -> new LinkedHashMap<>()).put(id, slim(decision));
        } else {
            Map<String, Decision> mine = touchesByUser.get(decision.userId());
            if (mine != null) {
                mine.remove(id);
            }
        }
    }

    /** The decision as last recorded, read back from its line (details as JSON values). */
    @Override
    public synchronized Optional<Decision> find(String userId, Instant at, String decisionId) {
        long[] own = collided.get(decisionId);
        long latest = own != null ? own[1] : index.latest(digest(decisionId));
        if (latest < 0) {
            return Optional.empty();
        }
        Decision found = read(latest);
        return found.decisionId().equals(decisionId) ? Optional.of(found) : Optional.empty();
    }

    /** The user's touches with {@code from ≤ at ≤ to}, oldest first. */
    @Override
    public synchronized List<Decision> forUser(String userId, Instant from, Instant to) {
        return touchesOf(userId).stream()
                .filter(d -> !d.at().isBefore(from) && !d.at().isAfter(to))
                .sorted(java.util.Comparator.comparing(Decision::at))
                .toList();
    }

    /**
     * The user's sent and holdout decisions (the only ones an order can be attributed to), in the order
     * they became touches, their details cut to what attribution and the reward counter read.
     */
    synchronized List<Decision> touchesOf(String userId) {
        Map<String, Decision> mine = touchesByUser.get(userId);
        return mine == null ? List.of() : List.copyOf(mine.values());
    }

    /** Writes {@code file} (decisions.jsonl) and counts what it holds. */
    synchronized DecisionCounts write(Path file) throws IOException {
        flush();
        DecisionCounts tally = DecisionCounts.empty();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(spill), 1 << 16);
             BufferedWriter target = Files.newBufferedWriter(file)) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            long offset = 0;
            for (int b = in.read(); b != -1; b = in.read()) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                String text = line.toString(StandardCharsets.UTF_8);
                long next = offset + line.size() + 1;
                line.reset();
                JsonNode json = JSON.readTree(text);
                String id = json.get("decisionId").asText();
                long[] own = collided.get(id);
                long first = own != null ? own[0] : index.first(digest(id));
                if (first == offset) { // the first time it was recorded: its place in the file
                    long latest = own != null ? own[1] : index.latest(digest(id));
                    if (latest != offset) {
                        text = readLine(latest);
                        json = JSON.readTree(text);
                    }
                    tally.add(json.get("trigger").asText(), json.get("outcome").asText());
                    target.write(text);
                    target.newLine();
                }
                offset = next;
            }
        }
        return tally;
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
            reader.close();
            Files.deleteIfExists(spill);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private long append(String line) {
        try {
            byte[] bytes = (line + "\n").getBytes(StandardCharsets.UTF_8);
            out.write(bytes);
            long offset = written;
            written += bytes.length;
            dirty = true;
            return offset;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the simulation's decision spill file", e);
        }
    }

    private void flush() throws IOException {
        if (dirty) {
            out.flush();
            dirty = false;
        }
    }

    private Decision read(long offset) {
        try {
            return ConversionFiles.decision(readLine(offset));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String readLine(long offset) throws IOException {
        flush();
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        for (long at = offset; ; ) {
            buffer.clear();
            int n = reader.read(buffer, at);
            if (n <= 0) {
                throw new IOException("decision spill file ends inside a line at " + offset);
            }
            for (int i = 0; i < n; i++) {
                byte b = buffer.get(i);
                if (b == '\n') {
                    return line.toString(StandardCharsets.UTF_8);
                }
                line.write(b);
            }
            at += n;
        }
    }

    private static Decision slim(Decision d) {
        Map<String, Object> details = new LinkedHashMap<>();
        if (d.details() != null) {
            for (String key : TOUCH_DETAILS) {
                if (d.details().containsKey(key)) {
                    details.put(key, d.details().get(key));
                }
            }
        }
        return new Decision(d.decisionId(), d.userId(), d.trigger(), d.at(), d.outcome(), d.reasons(), d.coupon(),
                d.channels(), details);
    }

    /** A 64-bit FNV-1a digest of the id's characters, never 0 (the index's empty slot). */
    static long digest(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 29; // spread the low bits the table indexes by
        return h == 0 ? 1 : h;
    }

    /** Open addressing, digest → {first line offset, latest line offset}: 24 bytes a decision instead of objects. */
    static final class DigestIndex {
        private long[] keys = new long[1 << 12];
        private long[] first = new long[keys.length];
        private long[] latest = new long[keys.length];
        private int size;

        long first(long digest) {
            int slot = slot(digest);
            return keys[slot] == 0 ? -1 : first[slot];
        }

        long latest(long digest) {
            int slot = slot(digest);
            return keys[slot] == 0 ? -1 : latest[slot];
        }

        void put(long digest, long offset) {
            if ((size + 1) * 4L > keys.length * 3L) {
                grow();
            }
            int slot = slot(digest);
            keys[slot] = digest;
            first[slot] = offset;
            latest[slot] = offset;
            size++;
        }

        void update(long digest, long offset) {
            latest[slot(digest)] = offset;
        }

        private int slot(long digest) {
            int mask = keys.length - 1;
            int slot = (int) (digest ^ (digest >>> 32)) & mask;
            while (keys[slot] != 0 && keys[slot] != digest) {
                slot = (slot + 1) & mask;
            }
            return slot;
        }

        private void grow() {
            long[] oldKeys = keys;
            long[] oldFirst = first;
            long[] oldLatest = latest;
            keys = new long[oldKeys.length * 2];
            first = new long[keys.length];
            latest = new long[keys.length];
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != 0) {
                    int slot = slot(oldKeys[i]);
                    keys[slot] = oldKeys[i];
                    first[slot] = oldFirst[i];
                    latest[slot] = oldLatest[i];
                }
            }
        }
    }
}
