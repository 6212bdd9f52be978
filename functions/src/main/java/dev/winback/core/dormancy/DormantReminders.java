package dev.winback.core.dormancy;

import dev.winback.core.ingest.StateStore;
import dev.winback.core.ingest.StoredState;
import dev.winback.core.ingest.SubjectKey;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.ContactCard;
import dev.winback.core.recall.ContactHistory;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Decision.Outcome;
import dev.winback.core.recall.DecisionLog;
import dev.winback.core.recall.Delivery;
import dev.winback.core.recall.Holdout;
import dev.winback.core.recall.MessageText;
import dev.winback.core.recall.Notifier;
import dev.winback.core.recall.OptOutList;
import dev.winback.core.recall.QuietHours;
import dev.winback.core.recall.Reachability;
import dev.winback.core.recall.Recaller;
import dev.winback.core.recall.SuppressionList;
import dev.winback.core.state.SegmentRules;
import dev.winback.core.state.UserState;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * B1–B6: the daily dormant scan, one index shard at a time. The users due a reminder on a run day
 * are exactly those whose dormancy began on that day, or a whole number of cool-downs before it
 * (up to the per-episode cap): each of those days is one index query. Each reminder passes the
 * final filter — a reminder in the user's quiet hours waits for their end instead of being dropped —
 * and goes out once on the first reachable channel in policy order (WeCom → SMS → email).
 */
public final class DormantReminders {

    private final Policy policy;
    private final DormantCohort cohort;
    private final StateStore states;
    private final ContentMailbox mailbox;
    private final OptOutList optOuts;
    private final ContactHistory contacts;
    private final Delivery delivery;
    private final DecisionLog decisions;
    private final ReminderDeferral deferral;
    private final SuppressionList suppressed;

    /** Without a suppression list: nobody is listed. */
    public DormantReminders(Policy policy, DormantCohort cohort, StateStore states, ContentMailbox mailbox,
                            OptOutList optOuts, ContactHistory contacts, Delivery delivery, DecisionLog decisions,
                            ReminderDeferral deferral) {
        this(policy, cohort, states, mailbox, optOuts, contacts, delivery, decisions, deferral, SuppressionList.NONE);
    }

    public DormantReminders(Policy policy, DormantCohort cohort, StateStore states, ContentMailbox mailbox,
                            OptOutList optOuts, ContactHistory contacts, Delivery delivery, DecisionLog decisions,
                            ReminderDeferral deferral, SuppressionList suppressed) {
        this.suppressed = suppressed;
        this.policy = policy;
        this.cohort = cohort;
        this.states = states;
        this.mailbox = mailbox;
        this.optOuts = optOuts;
        this.contacts = contacts;
        this.delivery = delivery;
        this.decisions = decisions;
        this.deferral = deferral;
    }

    /** What one shard of a run did. */
    public record ShardReport(int found, int sent, int suppressed, int deferred, int alreadyDecided) {
    }

    /** The run's days to read: the cohorts due their first, second, … reminder on {@code runDay}. */
    public List<LocalDate> cohortDays(LocalDate runDay) {
        List<LocalDate> days = new ArrayList<>();
        long coolDown = policy.dormancy().coolDown().toDays();
        for (int number = 0; number < policy.dormancy().maxPerEpisode(); number++) {
            days.add(runDay.minusDays(number * coolDown));
        }
        return days;
    }

    public ShardReport runShard(LocalDate runDay, int shard, Instant now) {
        int found = 0, sent = 0, suppressed = 0, deferred = 0, decidedBefore = 0;
        List<LocalDate> days = cohortDays(runDay);
        for (int number = 0; number < days.size(); number++) {
            for (DormantCohort.Member member : cohort.members(days.get(number), shard)) {
                found++;
                Reminder reminder = new Reminder(member.userId(), days.get(number), number);
                Result result = remind(reminder, member.contact(), now);
                switch (result.kind) {
                    case SENT -> sent++;
                    case SUPPRESSED -> suppressed++;
                    case DEFERRED -> deferred++;
                    case ALREADY_DECIDED -> decidedBefore++;
                }
            }
        }
        return new ShardReport(found, sent, suppressed, deferred, decidedBefore);
    }

    /**
     * A reminder whose quiet hours have ended. The user may have come back meanwhile (a login moves
     * their dormancy day): then there is nothing to remind.
     */
    public Optional<Decision> deliverDeferred(Reminder reminder, Instant now) {
        String key = SubjectKey.user(reminder.userId());
        StoredState stored = states.load(List.of(key)).get(key);
        if (stored == null) {
            return Optional.empty();
        }
        UserState user = stored.state(UserState.class);
        LocalDate today = LocalDate.ofInstant(now, policy.timeZone());
        if (!reminder.cohortDay().equals(user.dormantFrom)
                || SegmentRules.loginsInWindow(user, today, policy) > policy.dormancy().threshold()) {
            return Optional.empty();
        }
        return remind(reminder, ContactCard.of(user), now).decision;
    }

    private enum Kind { SENT, SUPPRESSED, DEFERRED, ALREADY_DECIDED }

    private record Result(Kind kind, Optional<Decision> decision) {
    }

    private Result remind(Reminder reminder, ContactCard card, Instant now) {
        Instant at = scheduledAt(reminder);
        String decisionId = reminder.decisionId();
        Optional<Decision> earlier = decisions.find(reminder.userId(), at, decisionId);
        if (earlier.isPresent()) {
            return new Result(Kind.ALREADY_DECIDED, earlier); // a retried run or a redelivered task
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("cohortDay", reminder.cohortDay().toString());
        details.put("reminder", reminder.number() + 1);
        details.put("decidedAt", now.toString());
        List<String> reasons = new ArrayList<>(List.of("dormant"));
        if (suppressed.isSuppressed(reminder.userId())) {
            return suppressed(reminder, at, reasons, details, SuppressionList.REASON);
        }
        if (QuietHours.isQuiet(now, card.timezone(), policy)) {
            deferral.defer(reminder, QuietHours.endOf(now, card.timezone(), policy));
            return new Result(Kind.DEFERRED, Optional.empty());
        }
        Reachability.Routes routes = Reachability.of(card, policy.dormancy().channels(), optOuts);
        if (routes.routes().isEmpty()) {
            return suppressed(reminder, at, reasons, details, routes.optedOut() ? "opted_out" : "no_channel");
        }
        var caps = policy.messaging().frequencyCaps();
        // The touch counts from when the message goes: a run that went late still spaces later messages.
        Instant touch = now.isAfter(at) ? now : at;
        if (!contacts.reserve(reminder.userId(), decisionId, touch, caps.perDay(), caps.perWeek())) {
            return suppressed(reminder, at, reasons, details, "frequency_cap");
        }
        // The control group is drawn among users who would get the reminder (every filter passed); the
        // held-out decision keeps its cap slot, as the reminder would have (a "ghost" contact).
        if (Holdout.isHeldOut(reminder.userId(), "dormant", policy.attribution().holdout())) {
            return suppressed(reminder, at, reasons, details, "holdout");
        }
        Optional<ReminderContent> custom = mailbox.current();
        custom.ifPresent(content -> details.put("content", content.source()));
        Notifier.Message message = new Notifier.Message(decisionId, reminder.userId(), null, null,
                text(custom, card), Map.of("subject", subject(card)), custom.map(ReminderContent::attachment).orElse(null));
        String channel = delivery.deliver(message, routes.routes());
        if (channel == null) {
            throw new Recaller.RetryLaterException("every channel refused reminder " + decisionId, null);
        }
        Decision decision = new Decision(decisionId, reminder.userId(), "dormant", at, Outcome.SENT, reasons, null,
                List.of(channel), details);
        decisions.record(decision);
        return new Result(Kind.SENT, Optional.of(decision));
    }

    /** Stamped with the run that owes the reminder, so every attempt records the same decision. */
    Instant scheduledAt(Reminder reminder) {
        LocalDate runDay = reminder.cohortDay().plusDays(reminder.number() * policy.dormancy().coolDown().toDays());
        return runDay.atTime(policy.dormancy().scanAt()).atZone(policy.timeZone()).toInstant();
    }

    /** The mailbox text ({link} filled in, or the link appended), else the policy's text for the locale. */
    private String text(Optional<ReminderContent> custom, ContactCard card) {
        if (custom.isEmpty() || custom.get().text() == null) {
            String fallback = MessageText.render(policy.dormancy().messages(), card.locale(), BigDecimal.ZERO);
            return custom.map(c -> withLink(fallback, c.link())).orElse(fallback);
        }
        return withLink(custom.get().text(), custom.get().link());
    }

    private static String withLink(String text, String link) {
        if (text.contains("{link}")) {
            return text.replace("{link}", link == null ? "" : link).strip();
        }
        return link == null ? text : text + " " + link;
    }

    private String subject(ContactCard card) {
        return card.locale() != null && card.locale().startsWith("en") ? "We miss you" : "好久不见";
    }

    private Result suppressed(Reminder reminder, Instant at, List<String> reasons, Map<String, Object> details,
                              String reason) {
        reasons.add(reason);
        Decision decision = new Decision(reminder.decisionId(), reminder.userId(), "dormant", at, Outcome.SUPPRESSED,
                reasons, null, List.of(), details);
        decisions.record(decision);
        return new Result(Kind.SUPPRESSED, Optional.of(decision));
    }
}
