package dev.winback.it.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.Decision;
import dev.winback.core.state.StateCodec;
import dev.winback.local.Simulation;
import dev.winback.local.SyntheticTrace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A seeded synthetic trace for one fault run, and what the fault-free simulation makes of it: the
 * reference every faulty run on real engines must end in. Phone numbers are unique to the run, so
 * the SMS that MiniStack records for them are this run's alone.
 *
 * @param lines      the trace, one event per line, in time order
 * @param eventsOf   good events per user
 * @param phoneOf    user id to the run's phone number
 * @param reference  the simulation's outcome on exactly these lines
 */
public record FaultTrace(List<String> lines, Map<String, Integer> eventsOf, Map<String, String> phoneOf,
                         Reference reference) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RUNS = new AtomicInteger();

    /** What the simulation (in memory, no faults) ended in. */
    public record Reference(Map<String, String> users, Map<String, Decision> decisions, Map<String, BigDecimal> coupons,
                            Map<String, Integer> smsPerPhone) {
    }

    public int events() {
        return eventsOf.values().stream().mapToInt(Integer::intValue).sum();
    }

    public Instant first() {
        return at(lines.getFirst());
    }

    public Instant last() {
        return at(lines.getLast());
    }

    /**
     * @param users    users in the trace
     * @param sessions app sessions per user
     */
    public static FaultTrace synthetic(Policy policy, long seed, int users, int sessions, Path workDir) {
        int run = RUNS.incrementAndGet();
        String prefix = String.format("+1%03d%03d", ProcessHandle.current().pid() % 1000, run % 1000);
        List<String> lines = new ArrayList<>();
        Map<String, String> phones = new TreeMap<>();
        Map<String, Integer> events = new TreeMap<>();
        for (String line : new SyntheticTrace(seed, Instant.parse("2026-11-10T00:30:00Z")).sessions(users, sessions)) {
            ObjectNode event = (ObjectNode) read(line);
            String user = event.path("userId").asText();
            if (event.has("phone")) {
                String phone = prefix + user.substring(user.length() - 4);
                event.put("phone", phone);
                phones.put(user, phone);
            }
            events.merge(user, 1, Integer::sum);
            lines.add(event.toString());
        }
        return new FaultTrace(List.copyOf(lines), events, phones, simulate(policy, lines, workDir));
    }

    private static Reference simulate(Policy policy, List<String> lines, Path workDir) {
        try {
            Path dir = Files.createTempDirectory(workDir, "reference");
            Path trace = dir.resolve("trace.jsonl");
            Files.write(trace, lines);
            // The trace is history: "now" for the future-timestamp rule is well after it.
            Clock after = Clock.fixed(at(lines.getLast()).plusSeconds(86_400), ZoneOffset.UTC);
            Simulation.Outcome outcome = new Simulation(policy, 100, after).run(trace, dir.resolve("out"));
            Map<String, String> users = new TreeMap<>();
            outcome.users().forEach((id, user) -> users.put(id, StateCodec.toJson(user)));
            Map<String, Decision> decisions = new TreeMap<>();
            outcome.decisions().forEach(d -> decisions.put(d.decisionId(), d));
            Map<String, BigDecimal> coupons = new TreeMap<>();
            outcome.coupons().forEach(c -> coupons.put(c.decisionId(), c.amount()));
            Map<String, Integer> sms = new LinkedHashMap<>();
            for (RecordingChannels.Sent sent : outcome.sends()) {
                if ("sms".equals(sent.message().channel())) {
                    sms.merge(sent.message().address(), 1, Integer::sum);
                }
            }
            return new Reference(users, decisions, coupons, sms);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Instant at(String line) {
        return Instant.parse(read(line).path("occurredAt").asText());
    }
}
