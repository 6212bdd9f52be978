package dev.winback.local.cost;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * A trace as the producers would put it on the stream: each line a record whose partition key is
 * its user (ops events: their zone, merchant or site) and whose arrival time is its
 * {@code occurredAt} (a line without one arrives with the line before it).
 *
 * <p>With {@code copies > 1} the trace stands for a larger population: every user's events are
 * replayed by that many users ({@code u-1}, {@code u-1~2}, …), each copy shifted by its own fixed
 * offset within {@code spread} so copies do not move in lockstep; ops events are not copied (zones
 * and merchants do not multiply with users). Per-user behaviour stays the trace's; only the stream's
 * rate grows, which is what fills Kinesis batches.
 */
public final class StreamTrace {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One record on the stream. */
    public record Record(Instant arrivedAt, String partitionKey, byte[] data, String type) {
    }

    private record Line(Instant at, String partitionKey, byte[] data, String type, boolean user) {
    }

    private final List<Line> lines;
    private final int copies;
    private final Duration spread;

    private StreamTrace(List<Line> lines, int copies, Duration spread) {
        this.lines = lines;
        this.copies = copies;
        this.spread = spread;
    }

    public static StreamTrace read(Path file, int copies, Duration spread) throws IOException {
        List<Line> lines = new ArrayList<>();
        Instant previous = Instant.EPOCH;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            int number = 0;
            for (String text = reader.readLine(); text != null; text = reader.readLine()) {
                number++;
                if (text.isBlank()) {
                    continue;
                }
                Line line = parse(text, number, previous);
                previous = line.at();
                lines.add(line);
            }
        } catch (NoSuchFileException e) {
            throw new IOException("trace file not found: " + file, e);
        }
        return new StreamTrace(lines, Math.max(1, copies), spread);
    }

    private static Line parse(String text, int number, Instant previous) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        JsonNode event;
        try {
            event = JSON.readTree(data);
        } catch (IOException e) {
            event = null;
        }
        if (event == null || !event.isObject()) {
            return new Line(previous, "line-" + number, data, "", false);
        }
        Instant at = previous;
        try {
            at = OffsetDateTime.parse(event.path("occurredAt").asText()).toInstant();
        } catch (DateTimeParseException e) {
            // the ingest quarantines it; it still travels the stream
        }
        String user = event.path("userId").asText("");
        String key = !user.isEmpty() ? user : firstOf(event, "zone", "merchantId", "siteId", "eventId");
        return new Line(at, key.isEmpty() ? "line-" + number : key, data, event.path("type").asText(""), !user.isEmpty());
    }

    private static String firstOf(JsonNode event, String... fields) {
        for (String field : fields) {
            String value = event.path(field).asText("");
            if (!value.isEmpty()) {
                return value;
            }
        }
        return "";
    }

    /** Records in the trace: lines, times the copies of user lines. */
    public long size() {
        long users = lines.stream().filter(Line::user).count();
        return lines.size() + users * (copies - 1);
    }

    public Instant first() {
        return lines.isEmpty() ? Instant.EPOCH : lines.getFirst().at();
    }

    public Instant last() {
        Instant last = lines.isEmpty() ? Instant.EPOCH : lines.getLast().at();
        return copies == 1 ? last : last.plus(offset(copies - 1));
    }

    /** Feeds the first {@code limit} records in arrival order (the copies merged into the trace's own order). */
    public void forEach(long limit, Consumer<Record> sink) {
        long fed = 0;
        if (copies == 1) {
            for (Line line : lines) {
                if (fed++ == limit) {
                    return;
                }
                sink.accept(new Record(line.at(), line.partitionKey(), line.data(), line.type()));
            }
            return;
        }
        record Cursor(int copy, int index, Instant at) {
        }
        PriorityQueue<Cursor> queue = new PriorityQueue<>((a, b) -> {
            int byTime = a.at().compareTo(b.at());
            return byTime != 0 ? byTime : Integer.compare(a.copy(), b.copy());
        });
        for (int copy = 0; copy < copies; copy++) {
            int first = nextFor(copy, 0);
            if (first < lines.size()) {
                queue.add(new Cursor(copy, first, lines.get(first).at().plus(offset(copy))));
            }
        }
        while (!queue.isEmpty() && fed++ < limit) {
            Cursor cursor = queue.poll();
            sink.accept(record(lines.get(cursor.index()), cursor.copy()));
            int next = nextFor(cursor.copy(), cursor.index() + 1);
            if (next < lines.size()) {
                queue.add(new Cursor(cursor.copy(), next, lines.get(next).at().plus(offset(cursor.copy()))));
            }
        }
    }

    /** Copy 0 is the trace itself; the others replay only user lines. */
    private int nextFor(int copy, int from) {
        int index = from;
        while (copy > 0 && index < lines.size() && !lines.get(index).user()) {
            index++;
        }
        return index;
    }

    private Duration offset(int copy) {
        return spread.multipliedBy(copy).dividedBy(copies);
    }

    private Record record(Line line, int copy) {
        if (copy == 0) {
            return new Record(line.at(), line.partitionKey(), line.data(), line.type());
        }
        Instant at = line.at().plus(offset(copy));
        String suffix = "~" + (copy + 1);
        try {
            ObjectNode event = (ObjectNode) JSON.readTree(line.data());
            event.put("userId", event.path("userId").asText() + suffix);
            if (event.hasNonNull("eventId")) {
                event.put("eventId", event.get("eventId").asText() + suffix);
            }
            if (event.hasNonNull("occurredAt")) {
                event.put("occurredAt", at.toString());
            }
            return new Record(at, line.partitionKey() + suffix, JSON.writeValueAsBytes(event), line.type());
        } catch (IOException e) {
            throw new IllegalStateException("a user line parsed once and not again", e);
        }
    }
}
