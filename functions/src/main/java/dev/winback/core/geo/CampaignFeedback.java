package dev.winback.core.geo;

import dev.winback.core.event.BehaviorEvent;
import java.time.Instant;

/**
 * Learns from what targets do with campaign messages (D7), updating their directory entry and their
 * {@link TargetEngagement}. Every update is idempotent: a repeated event (Kinesis redelivery, a second
 * click) changes nothing, because each step happens once per (campaign, user).
 *
 * <p><b>Message sensitivity</b> is an exponential moving average of engagement over the campaign
 * messages a user receives: each message's engagement e is 0 (ignored), 0.5 (read) or 1 (clicked or
 * led to a transaction), and s ← (1 − α)·s + α·e with α = {@value #DEFAULT_ALPHA} by default (about the
 * last ten messages carry the weight). Since engagement arrives after the send, the average is applied
 * in steps: the send applies e = 0 (s ← (1 − α)·s), and each later rise in the message's engagement adds
 * α·(new e − old e). That equals the one-step formula when the feedback comes before the user's next
 * campaign message, and is off by a factor (1 − α) on that late credit otherwise. The result stays in [0, 1].
 *
 * <p><b>Conversion rate</b> = campaign transactions / campaign messages received: the send counts a
 * message received; the first transaction attributed to that message (the integrator attributes a
 * {@code transaction} to a campaign message by its {@code messageId}, or by the campaign's site within
 * the attribution window) counts one campaign transaction. Until the first message is received the
 * imported rate stands. <b>Last deal time</b> moves to any later transaction, attributed or not.
 */
public final class CampaignFeedback {

    public static final double DEFAULT_ALPHA = 0.2;

    private final double alpha;

    public CampaignFeedback(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("α must be within (0, 1], got " + alpha);
        }
        this.alpha = alpha;
    }

    public CampaignFeedback() {
        this(DEFAULT_ALPHA);
    }

    /** The entry and the engagement after one step. */
    public record Update(DirectoryEntry entry, TargetEngagement engagement) {
    }

    /** The campaign message was accepted by at least one channel for this user. */
    public Update sent(DirectoryEntry entry, TargetEngagement engagement, Instant at) {
        if (engagement.sentAt() != null) {
            return new Update(entry, engagement);
        }
        int received = entry.messagesReceived() + 1;
        double sensitivity = clamp(entry.messageSensitivity() * (1 - alpha));
        return new Update(entry.withHistory(sensitivity, entry.lastDealAt(),
                rate(entry.campaignTransactions(), received), received, entry.campaignTransactions()),
                engagement.withSent(at));
    }

    /** {@code message_read} of the campaign message. */
    public Update read(DirectoryEntry entry, TargetEngagement engagement, Instant at) {
        if (engagement.readAt() != null) {
            return new Update(entry, engagement);
        }
        return credit(entry, engagement, engagement.withRead(at));
    }

    /** {@code message_clicked} of the campaign message. */
    public Update clicked(DirectoryEntry entry, TargetEngagement engagement, Instant at) {
        if (engagement.clickedAt() != null) {
            return new Update(entry, engagement);
        }
        return credit(entry, engagement, engagement.withClicked(at));
    }

    /**
     * A {@code transaction} by the user; {@code engagement} is the campaign message it is attributed
     * to, or null when it is attributed to none (then only the last deal time moves).
     */
    public Update transaction(DirectoryEntry entry, TargetEngagement engagement, Instant at) {
        Instant lastDeal = entry.lastDealAt() == null || at.isAfter(entry.lastDealAt()) ? at : entry.lastDealAt();
        DirectoryEntry dealt = entry.withHistory(entry.messageSensitivity(), lastDeal, entry.conversionRate(),
                entry.messagesReceived(), entry.campaignTransactions());
        if (engagement == null || engagement.transactedAt() != null) {
            return new Update(dealt, engagement);
        }
        int transactions = dealt.campaignTransactions() + 1;
        int received = Math.max(dealt.messagesReceived(), transactions);
        DirectoryEntry converted = dealt.withHistory(dealt.messageSensitivity(), lastDeal,
                rate(transactions, received), received, transactions);
        return credit(converted, engagement, engagement.withTransacted(at));
    }

    /**
     * Dispatches a decoded event: {@code message_read}, {@code message_clicked} and {@code transaction}
     * as above (the caller has looked up the engagement the event refers to, or passes null for an
     * unattributed transaction); any other event changes nothing.
     */
    public Update apply(DirectoryEntry entry, TargetEngagement engagement, BehaviorEvent event) {
        return switch (event.type()) {
            case MESSAGE_READ -> engagement == null ? new Update(entry, null) : read(entry, engagement, event.occurredAt());
            case MESSAGE_CLICKED -> engagement == null ? new Update(entry, null)
                    : clicked(entry, engagement, event.occurredAt());
            case TRANSACTION -> transaction(entry, engagement, event.occurredAt());
            default -> new Update(entry, engagement);
        };
    }

    private Update credit(DirectoryEntry entry, TargetEngagement before, TargetEngagement after) {
        double sensitivity = clamp(entry.messageSensitivity() + alpha * (after.level() - before.level()));
        return new Update(entry.withHistory(sensitivity, entry.lastDealAt(), entry.conversionRate(),
                entry.messagesReceived(), entry.campaignTransactions()), after);
    }

    private static double rate(int transactions, int received) {
        return received == 0 ? 0 : Math.min(1, transactions / (double) received);
    }

    private static double clamp(double value) {
        return Math.max(0, Math.min(1, value));
    }
}
