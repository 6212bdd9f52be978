package dev.winback.local.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.adapters.InMemoryRewardStats;
import dev.winback.adapters.InMemoryStateStore;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.dormancy.ContentMailbox;
import dev.winback.core.dormancy.DormantReminders;
import dev.winback.core.dormancy.Reminder;
import dev.winback.core.dormancy.ReminderContent;
import dev.winback.core.ingest.Quarantine;
import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.StreamIngest;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.policy.PolicyLoader;
import dev.winback.core.recall.ContactHistory;
import dev.winback.core.recall.CouponLedger;
import dev.winback.core.recall.CouponPublisher;
import dev.winback.core.recall.DeadlineCheck;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.DecisionLog;
import dev.winback.core.recall.Delivery;
import dev.winback.core.recall.Notifier;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.SendLedger;
import dev.winback.core.recall.SuppressionList;
import dev.winback.core.recall.Timer;
import dev.winback.core.recall.TimerScheduler;
import dev.winback.core.scenario.JourneyCheck;
import dev.winback.core.scenario.JourneyTimers;
import dev.winback.core.scenario.RewardBandit;
import dev.winback.core.scenario.RewardChoices;
import dev.winback.core.scenario.RewardStats;
import dev.winback.core.scenario.ScenarioCheck;
import dev.winback.core.scenario.ScenarioTimers;
import dev.winback.local.Simulation.VirtualClock;
import dev.winback.local.WinbackCommand;
import dev.winback.local.cost.DecisionCalls.Call;
import dev.winback.local.cost.DecisionCalls.Counts;
import dev.winback.local.cost.DecisionCalls.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The per-decision call table ({@link DecisionCalls}) against the real checks: a generated trace is
 * ingested event by event, its timers fire at their due times and the daily dormant scan runs for
 * weeks after it, every check and reminder running on counting decorators over the in-memory
 * stores, ledgers and channels. Each decision's observed calls must equal the table's, a stale timer
 * must cost one state read, and the run must cover the paths the cost model prices.
 */
class DecisionCallsTest {

    @Test
    void everyDecisionMakesTheCallsTheTableSays(@TempDir Path dir) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(generate(dir, "120", "3", "5"), StandardCharsets.UTF_8));
        // Someone who registers at 21:50 in Shanghai: the scenario's message and the journey's steps fall
        // in quiet hours and wait for their end.
        String day = field(lines.getFirst(), "occurredAt").substring(0, 10);
        lines.add("{\"eventId\":\"night-1\",\"userId\":\"u-night\",\"type\":\"profile_updated\",\"occurredAt\":\""
                + day + "T13:49:00Z\",\"timezone\":\"Asia/Shanghai\",\"locale\":\"zh-CN\",\"phone\":\"+8613800009999\"}");
        lines.add("{\"eventId\":\"night-2\",\"userId\":\"u-night\",\"type\":\"register\",\"occurredAt\":\""
                + day + "T13:50:00Z\"}");
        lines.sort(java.util.Comparator.comparing(line -> Instant.parse(field(line, "occurredAt"))));
        Harness run = new Harness(PolicyLoader.defaults(), user -> user.endsWith("7"));
        run.replay(lines, Duration.ofDays(24));

        assertEquals(List.of(), run.mismatches, "decisions whose calls differ from DecisionCalls");
        Map<String, Integer> covered = run.coverage;
        for (String path : List.of("DEADLINE:sent", "DEADLINE:not_needed", "DEADLINE:frequency_cap", "DEADLINE:quiet_hours",
                "DEADLINE:suppression_list", "SCENARIO:sent", "JOURNEY:sent", "JOURNEY:exited", "DORMANT:sent",
                "DORMANT:frequency_cap", "stale", "deferred:DORMANT")) {
            assertTrue(covered.containsKey(path), "the run should cover " + path + ", covered " + covered);
        }
        assertTrue(covered.keySet().stream().anyMatch(k -> k.startsWith("deferred:SCENARIO") || k.startsWith("deferred:JOURNEY")),
                "a scheduled message deferred past quiet hours: " + covered);
    }

    @Test
    void aSmallBudgetStopsAndShortensCouponsAsTheTableSays(@TempDir Path dir) throws IOException {
        Path trace = generate(dir, "80", "2", "11");
        String yaml;
        try (InputStream in = PolicyLoader.class.getResourceAsStream(PolicyLoader.DEFAULT_RESOURCE)) {
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(yaml.contains("dailyBudget: 10000.00"), "the shipped policy's budget line");
        Policy tight = PolicyLoader.parse(yaml.replace("dailyBudget: 10000.00", "dailyBudget: 33.00")
                .getBytes(StandardCharsets.UTF_8), "tight budget");
        Harness run = new Harness(tight, user -> false);
        run.replay(Files.readAllLines(trace, StandardCharsets.UTF_8), Duration.ofDays(2));

        assertEquals(List.of(), run.mismatches, "decisions whose calls differ from DecisionCalls");
        assertTrue(run.coverage.containsKey("DEADLINE:budget") || run.coverage.containsKey("SCENARIO:budget"),
                "a decision stopped by the budget: " + run.coverage);
        assertTrue(run.secondIssues > 0, "a coupon shortened to what was left of the budget: " + run.coverage);
    }

    private static Path generate(Path dir, String users, String days, String seed) {
        Path trace = dir.resolve("trace.jsonl");
        StringWriter err = new StringWriter();
        picocli.CommandLine cli = WinbackCommand.commandLine();
        cli.setOut(new PrintWriter(new StringWriter()));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute("generate", "--out", trace.toString(), "--users", users, "--days", days, "--seed", seed,
                "--b2b-users", "0");
        assertEquals(0, exit, err.toString());
        return trace;
    }

    /** The real checks on counting decorators, on a virtual clock. */
    private static final class Harness {
        final Policy policy;
        final DecisionCalls table;
        final VirtualClock clock = new VirtualClock();
        final Counter counter = new Counter();
        final InMemoryStateStore states = new InMemoryStateStore();
        final RecordingChannels channels = new RecordingChannels(clock::instant);
        final InMemoryRecallLedgers ledgers = new InMemoryRecallLedgers();
        final InMemoryRewardStats rewards = new InMemoryRewardStats();
        final PriorityQueue<Timer> timers = new PriorityQueue<>((a, b) -> a.dueAt().compareTo(b.dueAt()));
        final PriorityQueue<Deferred> deferred = new PriorityQueue<>((a, b) -> a.at().compareTo(b.at()));
        final StreamIngest ingest;
        final DeadlineCheck deadlines;
        final ScenarioCheck scenarios;
        final JourneyCheck journeys;
        final DormantReminders reminders;
        final Map<String, Counts> firstAttempts = new HashMap<>();
        final List<String> mismatches = new ArrayList<>();
        final Map<String, Integer> coverage = new TreeMap<>();
        int secondIssues;
        long sequence = 1;

        record Deferred(Reminder reminder, Instant at) {
        }

        Harness(Policy policy, SuppressionList listed) {
            this.policy = policy;
            this.table = new DecisionCalls(policy);
            counter.harness = this;
            StateStore countedStates = counter.states(states);
            TimerScheduler checkTimers = (armed, now) -> {
                counter.add(Call.TIMER_ARM, armed.size());
                timers.addAll(armed);
            };
            SuppressionList suppression = user -> {
                counter.add(Call.SUPPRESSION_CHECK, 1);
                return listed.isSuppressed(user);
            };
            DecisionLog decisions = counter.decisions(channels);
            Notifier notifier = message -> {
                counter.add(Call.notify(message.channel()), 1);
                channels.send(message);
            };
            CouponPublisher wallet = (couponId, decisionId, userId, amount, kind, at) ->
                    counter.add(Call.WALLET_PUBLISH, 1);
            CountingLedgers counted = new CountingLedgers(ledgers, counter);
            CountingRewards countedRewards = new CountingRewards(rewards, counter);
            ingest = new StreamIngest(policy, states, new Quarantine() {
                @Override
                public Set<String> send(List<QuarantinedRecord> records) {
                    return Set.of();
                }
            }, clock, 1, (armed, now) -> timers.addAll(armed));
            Recaller recaller = new Recaller(policy, channels, counted, counted, counted, notifier, wallet, suppression);
            deadlines = new DeadlineCheck(policy, countedStates, recaller, decisions);
            ScenarioCheck.Ports ports = new ScenarioCheck.Ports(countedStates, decisions, checkTimers, countedRewards,
                    countedRewards, channels, counted, counted, counted, notifier, wallet, suppression);
            scenarios = new ScenarioCheck(policy, ports);
            journeys = new JourneyCheck(policy, ports);
            ContentMailbox mailbox = () -> {
                counter.add(Call.MAILBOX_READ, 1);
                return Optional.<ReminderContent>empty();
            };
            reminders = new DormantReminders(policy, states.cohortIndex(), countedStates, mailbox, channels, counted,
                    new Delivery(counted, notifier), decisions, (reminder, notBefore) -> {
                        counter.add(Call.REMINDER_DEFER, 1);
                        counter.deferredReminder = reminder;
                        deferred.add(new Deferred(reminder, notBefore));
                    }, suppression);
        }

        void replay(List<String> lines, Duration after) {
            Instant first = OffsetDateTime.parse(field(lines.getFirst(), "occurredAt"))
                    .toInstant();
            ZonedDateTime local = first.atZone(policy.timeZone()).with(policy.dormancy().scanAt());
            Instant nextScan = (local.toInstant().isBefore(first) ? local.plusDays(1) : local).toInstant();
            Instant last = first;
            for (String line : lines) {
                Instant at = OffsetDateTime.parse(field(line, "occurredAt")).toInstant();
                nextScan = runUntil(at, nextScan);
                clock.advanceTo(at);
                last = at;
                ingest.ingest(List.of(new StreamRecord(String.format("%020d", sequence++), "p", at,
                        line.getBytes(StandardCharsets.UTF_8), "test")));
            }
            runUntil(last.plus(after), nextScan);
        }

        /** Fires timers, deferred reminders and daily scans due before {@code until}, in time order. */
        Instant runUntil(Instant until, Instant nextScan) {
            while (true) {
                Instant timer = timers.isEmpty() ? Instant.MAX : timers.peek().dueAt();
                Instant reminder = deferred.isEmpty() ? Instant.MAX : deferred.peek().at();
                Instant next = min(min(timer, reminder), nextScan);
                if (!next.isBefore(until)) {
                    return nextScan;
                }
                clock.advanceTo(next);
                if (next.equals(timer)) {
                    fire(timers.poll());
                } else if (next.equals(reminder)) {
                    Deferred due = deferred.poll();
                    counter.start();
                    reminders.deliverDeferred(due.reminder(), next)
                            .ifPresent(d -> compare(d, counter.stop(), due.reminder().decisionId()));
                    counter.stop();
                } else {
                    scan(LocalDate.ofInstant(next, policy.timeZone()));
                    nextScan = nextScan.atZone(policy.timeZone()).plusDays(1).toInstant();
                }
            }
        }

        void fire(Timer timer) {
            counter.start();
            Optional<Decision> decision = ScenarioTimers.isScenario(timer) ? scenarios.check(timer, clock.instant())
                    : JourneyTimers.isJourney(timer) ? journeys.check(timer, clock.instant())
                    : deadlines.check(timer, clock.instant());
            Counts observed = counter.stop();
            if (decision.isPresent()) {
                compare(decision.get(), observed, timer.id());
            } else if (observed.get(Call.TIMER_ARM) == 1 && timers.stream().anyMatch(t -> t.id().equals(timer.id()))) {
                firstAttempts.put(timer.id(), observed); // due in quiet hours: armed again for their end
            } else {
                cover("stale");
                if (!observed.equals(DecisionCalls.stale())) {
                    mismatches.add("stale timer " + timer.page() + ": observed " + observed + ", table " + DecisionCalls.stale());
                }
            }
        }

        void scan(LocalDate day) {
            for (int shard = 0; shard < policy.dormancy().indexShards(); shard++) {
                counter.startSplittingOnFind();
                reminders.runShard(day, shard, clock.instant());
                counter.stop();
            }
        }

        void compare(Decision decision, Counts observed, String cause) {
            Counts total = new Counts().addAll(observed);
            Counts first = firstAttempts.remove(cause);
            if (first != null) {
                total.addAll(first);
            }
            Kind kind = Kind.of(decision);
            if (table.wasDeferred(decision)) {
                cover("deferred:" + kind);
            }
            String stop = decision.outcome() == Decision.Outcome.SENT ? "sent"
                    : decision.outcome() == Decision.Outcome.NOT_NEEDED && !"exited".equals(decision.reasons().getLast())
                    ? "not_needed" : decision.reasons().getLast();
            cover(kind + ":" + stop);
            Counts expected = table.of(decision);
            if (expected.get(Call.COUPON_ISSUE) == 2 && kind == Kind.DEADLINE) {
                secondIssues++;
            }
            // The ops load is an upper bound: a user without a zone or a cart merchant reads none.
            if (total.get(Call.OPS_LOAD) <= expected.get(Call.OPS_LOAD)) {
                total.add(Call.OPS_LOAD, expected.get(Call.OPS_LOAD) - total.get(Call.OPS_LOAD));
            }
            if (!expected.equals(total)) {
                mismatches.add(kind + " " + decision.outcome().wireName() + " " + decision.reasons() + " via "
                        + decision.channels() + ": observed " + total + ", table " + expected);
            }
        }

        void cover(String path) {
            coverage.merge(path, 1, Integer::sum);
        }
    }

    /**
     * Counts calls while a check runs. During a dormant shard run, each reminder starts with its
     * decision lookup, so a find closes the previous reminder's calls: with a decision recorded they
     * are compared by the harness; without one the reminder was deferred (its calls are kept for the
     * deferred delivery).
     */
    private static final class Counter {
        private Counts current;
        private boolean splitOnFind;
        private Harness harness;
        private Decision recorded;
        private Reminder deferredReminder;

        void start() {
            current = new Counts();
            splitOnFind = false;
        }

        void startSplittingOnFind() {
            start();
            splitOnFind = true;
        }

        Counts stop() {
            Counts done = current == null ? new Counts() : current;
            if (splitOnFind) {
                closeReminder();
            }
            current = null;
            splitOnFind = false;
            return done;
        }

        void add(Call call, int times) {
            if (current == null) {
                return;
            }
            if (splitOnFind && call == Call.DECISION_FIND) {
                closeReminder();
                current = new Counts();
            }
            current.add(call, times);
        }

        private void closeReminder() {
            if (harness != null && current != null && !current.asMap().isEmpty()) {
                if (recorded != null) {
                    harness.compare(recorded, current, recorded.decisionId());
                } else if (deferredReminder != null) {
                    harness.firstAttempts.put(deferredReminder.decisionId(), current);
                }
            }
            recorded = null;
            deferredReminder = null;
        }

        StateStore states(InMemoryStateStore delegate) {
            return new StateStore() {
                @Override
                public Map<String, StoredState> load(Collection<String> keys) {
                    boolean user = keys.size() == 1 && SubjectKey.isUser(keys.iterator().next());
                    add(user ? Call.STATE_LOAD_USER : Call.OPS_LOAD, 1);
                    return delegate.load(keys);
                }

                @Override
                public SaveOutcome save(StoredState next, long expectedVersion) {
                    add(Call.STATE_SAVE, 1);
                    return delegate.save(next, expectedVersion);
                }
            };
        }

        DecisionLog decisions(RecordingChannels delegate) {
            return new DecisionLog() {
                @Override
                public void record(Decision decision) {
                    add(Call.DECISION_RECORD, 1);
                    delegate.record(decision);
                    if (splitOnFind) {
                        recorded = decision;
                    }
                }

                @Override
                public Optional<Decision> find(String userId, Instant at, String decisionId) {
                    add(Call.DECISION_FIND, 1);
                    return delegate.find(userId, at, decisionId);
                }

                @Override
                public List<Decision> forUser(String userId, Instant from, Instant to) {
                    return delegate.forUser(userId, from, to);
                }
            };
        }
    }

    /** The coupon, send and contact ledgers, counted per call. */
    private static final class CountingLedgers implements CouponLedger, SendLedger, ContactHistory {
        private final InMemoryRecallLedgers delegate;
        private final Counter counter;

        CountingLedgers(InMemoryRecallLedgers delegate, Counter counter) {
            this.delegate = delegate;
            this.counter = counter;
        }

        @Override
        public Issue issue(String decisionId, String userId, BigDecimal amount, LocalDate day, BigDecimal budget) {
            counter.add(Call.COUPON_ISSUE, 1);
            return delegate.issue(decisionId, userId, amount, day, budget);
        }

        @Override
        public boolean claim(String decisionId, String channel) {
            counter.add(channel.equals(ScenarioCheck.SEND_COUNTED) ? Call.STATS_SEND_CLAIM : Call.SEND_CLAIM, 1);
            return delegate.claim(decisionId, channel);
        }

        @Override
        public void release(String decisionId, String channel) {
            throw new AssertionError("no channel refuses in these runs, so nothing is released");
        }

        @Override
        public boolean published(String decisionId, String channel) {
            counter.add(Call.WALLET_CHECK, 1);
            return delegate.published(decisionId, channel);
        }

        @Override
        public void markPublished(String decisionId, String channel) {
            counter.add(Call.WALLET_MARK, 1);
            delegate.markPublished(decisionId, channel);
        }

        @Override
        public boolean reserve(String userId, String decisionId, Instant at, int perDay, int perWeek) {
            boolean granted = delegate.reserve(userId, decisionId, at, perDay, perWeek);
            counter.add(granted ? Call.RESERVE_GRANTED : Call.RESERVE_REFUSED, 1);
            return granted;
        }

        @Override
        public void unreserve(String userId, String decisionId) {
            counter.add(Call.UNRESERVE, 1);
            delegate.unreserve(userId, decisionId);
        }
    }

    /** The bandit's counters and pins, counted per call. */
    private static final class CountingRewards implements RewardStats, RewardChoices {
        private final InMemoryRewardStats delegate;
        private final Counter counter;

        CountingRewards(InMemoryRewardStats delegate, Counter counter) {
            this.delegate = delegate;
            this.counter = counter;
        }

        @Override
        public Map<String, RewardStats.Counts> counts(String scenario) {
            counter.add(Call.STATS_QUERY, 1);
            return delegate.counts(scenario);
        }

        @Override
        public void recordSend(String scenario, String rewardKey) {
            counter.add(Call.STATS_ADD_SEND, 1);
            delegate.recordSend(scenario, rewardKey);
        }

        @Override
        public void recordConversion(String scenario, String rewardKey) {
            delegate.recordConversion(scenario, rewardKey);
        }

        @Override
        public RewardBandit.Choice pin(String decisionId, RewardBandit.Choice proposed) {
            counter.add(Call.REWARD_PIN, 1);
            return delegate.pin(decisionId, proposed);
        }
    }

    static String field(String line, String name) {
        int at = line.indexOf("\"" + name + "\":\"");
        int from = at + name.length() + 4;
        return line.substring(from, line.indexOf('"', from));
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
