package dev.winback.local.trace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import dev.winback.core.event.EventType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The generated trace is valid input, ordered, reproducible, and generated in bounded memory. */
class TraceGeneratorTest {

    static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
    private static final EventDecoder DECODER = new EventDecoder(64 * 1024, Duration.ofMinutes(5));

    static TraceSettings settings(long seed, int users, int days) {
        return TraceSettings.of(seed, START, days, users, null, null, null, null);
    }

    /** Decodes every line as the ingest function would, failing on the first rejection. */
    static void decodeAll(TraceGenerator generator, Consumer<BehaviorEvent> each) {
        String line;
        long n = 0;
        while ((line = generator.nextLine()) != null) {
            n++;
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            Decoded decoded = DECODER.decode(bytes, null);
            if (decoded instanceof Decoded.Rejected rejected) {
                throw new AssertionError("line " + n + " rejected: " + rejected.rejection() + "\n" + line);
            }
            BehaviorEvent event = ((Decoded.Accepted) decoded).event();
            // the decoder's future check, with the record arriving when it happened
            assertTrue(DECODER.decode(bytes, event.occurredAt()) instanceof Decoded.Accepted, line);
            each.accept(event);
        }
    }

    @Test
    void everyLineOfTwoThousandUsersOverTwoDaysIsAcceptedInTimeOrderWithUniqueIds() {
        TraceGenerator generator = new TraceGenerator(settings(7, 2000, 2));
        List<Instant> times = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> types = new TreeSet<>();
        decodeAll(generator, event -> {
            times.add(event.occurredAt());
            assertTrue(ids.add(event.eventId()), "duplicate eventId " + event.eventId());
            types.add(event.type().wireName());
        });
        assertTrue(times.size() > 50_000, "2,000 users over 2 days are tens of thousands of events: " + times.size());
        assertEquals(times.size(), generator.written());
        for (int i = 1; i < times.size(); i++) {
            assertTrue(!times.get(i).isBefore(times.get(i - 1)), "out of order at line " + (i + 1));
        }
        assertTrue(!times.getFirst().isBefore(START) && times.getLast().isBefore(START.plus(Duration.ofDays(2))),
                "within the period: " + times.getFirst() + " .. " + times.getLast());
        Set<String> all = Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.toCollection(TreeSet::new));
        assertEquals(all, types, "every event type of the format appears");
    }

    @Test
    void theSameSeedGivesTheSameBytesAndAnotherSeedAnotherTrace() throws Exception {
        String first = digest(new TraceGenerator(settings(42, 300, 2)));
        String again = digest(new TraceGenerator(settings(42, 300, 2)));
        String other = digest(new TraceGenerator(settings(43, 300, 2)));
        assertEquals(first, again);
        assertNotEquals(first, other);
    }

    @Test
    void aUsersBehaviourDoesNotDependOnHowManyOthersThereAre() {
        TraceSettings small = TraceSettings.of(5, START, 3, 50, 0, 0, 4, 40);
        TraceSettings large = TraceSettings.of(5, START, 3, 500, 0, 0, 4, 40);
        assertEquals(eventsOf("u-17", small), eventsOf("u-17", large));
    }

    /** A user's lines without the event ids (which number the whole trace). */
    private static List<String> eventsOf(String userId, TraceSettings settings) {
        TraceGenerator generator = new TraceGenerator(settings);
        List<String> lines = new ArrayList<>();
        String line;
        while ((line = generator.nextLine()) != null) {
            if (line.contains("\"userId\":\"" + userId + "\"")) {
                lines.add(line.substring(line.indexOf(",\"userId\"")));
            }
        }
        assertTrue(lines.size() > 10, "u-17 does something in 3 days: " + lines.size());
        return lines;
    }

    @Test
    void memoryStaysBoundedWhileAMillionEventsAreProduced() {
        TraceGenerator generator = new TraceGenerator(settings(3, 2000, 60));
        long peakAfterFirstHundredThousand = 0;
        for (int n = 1; n <= 1_000_000; n++) {
            assertTrue(generator.nextLine() != null, "60 days of 2,000 users are more than a million events");
            if (n == 100_000) {
                peakAfterFirstHundredThousand = generator.bufferedPeak();
            }
        }
        long peak = generator.bufferedPeak();
        // The working set is the sessions in progress at once (a few percent of the users at the
        // evening peak, a few dozen events each), not the output: it does not grow with it.
        assertTrue(peak <= 2_000, "fewer planned events held at once than there are users, was " + peak);
        assertTrue(peak <= 2 * peakAfterFirstHundredThousand,
                "ten times the output, not more held: " + peakAfterFirstHundredThousand + " then " + peak);
        assertTrue(peakAfterFirstHundredThousand > 0);
    }

    private static String digest(TraceGenerator generator) throws Exception {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        String line;
        long lines = 0;
        while ((line = generator.nextLine()) != null) {
            sha.update(line.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
            lines++;
        }
        assertTrue(lines > 1000, "a real trace: " + lines);
        return HexFormat.of().formatHex(sha.digest());
    }
}
