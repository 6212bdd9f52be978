package dev.winback.core.geo;

import dev.winback.core.ingest.StoreUnavailableException;
import dev.winback.core.policy.Policy;
import dev.winback.core.recall.ContactCard;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.DecisionLog;
import dev.winback.core.recall.Notifier;
import dev.winback.core.recall.OptOutList;
import dev.winback.core.recall.QuietHours;
import dev.winback.core.recall.SendLedger;
import dev.winback.core.recall.SuppressionList;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Sends one task of a campaign's target list (D5): every target gets the campaign message on every
 * channel of their verification status that can reach them — verified: SMS, WeChat official account
 * and in-app; not verified: SMS and a phone-call task ({@link CampaignChannels}). A broadcast of a
 * price list, not a recall with a fallback: each channel is its own send, claimed once per
 * (decision, channel) in the send ledger before it goes, so a retried task, a redelivered message or a
 * relaunch never sends the same channel twice.
 *
 * <p><b>The final filter</b>, per target:
 * <ol>
 *   <li>not in the directory any more → {@code suppressed}, {@code not_in_directory};</li>
 *   <li>on the operators' suppression list → {@code suppressed}, {@code suppression_list};</li>
 *   <li>quiet hours in the user's time zone (their state's profile, else the policy's) → the target
 *       waits: it is put back on the queue due at the end of the quiet hours, and decided then;</li>
 *   <li>per channel: an address in the entry (phone for SMS and calls, openid for WeChat), the channel
 *       configured in this deployment (WeChat needs its secret), consent ({@code consent_updated} opt-out
 *       of the channel, or of {@code all}/{@code marketing}) and, for SMS, the carrier opt-out list;
 *       a target with no channel left → {@code suppressed}, {@code opted_out} or {@code no_channel}.</li>
 * </ol>
 * <b>Frequency caps do not apply</b>: a site's price list to the traders of its trade is a business
 * notice they deal on, at most one per campaign and user (the decision id is the campaign and the
 * user), and the consumer caps (1 a day, 3 a week) would let a single recall silence it; campaign
 * messages do not count against those caps either, so they never hold back a recall.
 *
 * <p><b>Outcome</b>: when at least one channel took the message the decision is {@code sent} with those
 * channels (trigger {@code campaign:<id>}, at the launch time, {@code details.decidedAt} the send time)
 * and the user's entry and engagement record the send ({@link CampaignFeedback#sent}). When every
 * channel refused and one refusal may pass (a provider error, not an unreachable address), nothing is
 * recorded and the target is counted for a retry of the whole task; when all were unreachable, the
 * decision is {@code suppressed}, {@code unreachable}.
 */
public final class CampaignSender {

    public static final String SMS = "sms";
    public static final String WECHAT = "wechat";
    public static final String INBOX = "inbox";
    public static final String CALL = "call";
    /** The reason on every campaign decision; the suppression reason follows it. */
    public static final String REASON = "site_campaign";

    /** SQS delays a message at most this long; a longer wait is finished by hiding it when it arrives. */
    public static final Duration MAX_QUEUE_DELAY = Duration.ofMinutes(15);
    private static final List<String> ALL_CHANNELS_KEYS = List.of("all", "marketing");
    private static final int MAX_SAVE_ATTEMPTS = 5;

    /**
     * @param channels the channels this deployment can send on (the notifier routes them)
     */
    public record Ports(Directory directory, ContactCards contacts, SuppressionList suppression, OptOutList optOuts,
                        SendLedger sends, Notifier notifier, Set<String> channels, DecisionLog decisions,
                        CampaignQueue queue) {
        public Ports {
            channels = Set.copyOf(channels);
        }
    }

    /**
     * What a task did.
     *
     * @param sent      targets the message reached on at least one channel (now or in an earlier attempt)
     * @param suppressed targets recorded as suppressed
     * @param deferred  targets put back to wait out their quiet hours
     * @param retry     targets every channel refused for now: the task must be delivered again
     * @param byChannel messages accepted per channel in this attempt
     */
    public record Result(int targets, int sent, int suppressed, int deferred, int retry, Map<String, Integer> byChannel) {
    }

    private final Policy policy;
    private final Ports ports;
    private final CampaignFeedback feedback;

    public CampaignSender(Policy policy, Ports ports, CampaignFeedback feedback) {
        this.policy = policy;
        this.ports = ports;
        this.feedback = feedback;
    }

    /** The notifier's channel for a D5 channel. */
    public static String channelName(CampaignChannel channel) {
        return switch (channel) {
            case SMS -> SMS;
            case WECHAT_OFFICIAL_ACCOUNT -> WECHAT;
            case IN_APP -> INBOX;
            case PHONE_CALL -> CALL;
        };
    }

    /**
     * Sends the task's targets. Throws only when the directory cannot be read at all; per target, a
     * store failure after the sends counts the target for a retry.
     */
    public Result send(CampaignSendTask task, Instant now) {
        List<String> userIds = task.targets().stream().map(CampaignSendTask.Target::userId).toList();
        Map<String, Directory.Stored> entries = ports.directory().load(userIds);
        Map<Directory.EngagementKey, Directory.StoredEngagement> engagements = ports.directory().engagements(
                userIds.stream().map(u -> new Directory.EngagementKey(task.campaignId(), u)).toList());
        Map<String, ContactCard> cards = ports.contacts().cards(userIds);
        Map<Instant, List<CampaignSendTask.Target>> waiting = new TreeMap<>();
        Map<String, Integer> byChannel = new TreeMap<>();
        int sent = 0;
        int suppressed = 0;
        int retry = 0;
        for (CampaignSendTask.Target target : task.targets()) {
            String userId = target.userId();
            Directory.Stored stored = entries.get(userId);
            ContactCard card = cards.get(userId);
            String timeZone = card == null ? null : card.timezone();
            boolean listed = stored != null && ports.suppression().isSuppressed(userId);
            if (stored != null && !listed && QuietHours.isQuiet(now, timeZone, policy)) {
                waiting.computeIfAbsent(QuietHours.endOf(now, timeZone, policy), at -> new ArrayList<>()).add(target);
                continue;
            }
            Outcome outcome = decide(task, target, stored, listed, card, now, byChannel);
            switch (outcome) {
                case SENT -> {
                    try {
                        recordSent(task.campaignId(), userId, stored, engagements.get(
                                new Directory.EngagementKey(task.campaignId(), userId)), now);
                        sent++;
                    } catch (StoreUnavailableException e) {
                        retry++;
                    }
                }
                case SUPPRESSED -> suppressed++;
                case RETRY -> retry++;
            }
        }
        int deferred = 0;
        for (Map.Entry<Instant, List<CampaignSendTask.Target>> group : waiting.entrySet()) {
            Duration wait = Duration.between(now, group.getKey());
            ports.queue().defer(task.deferred(group.getValue(), group.getKey()),
                    wait.compareTo(MAX_QUEUE_DELAY) > 0 ? MAX_QUEUE_DELAY : wait);
            deferred += group.getValue().size();
        }
        return new Result(task.targets().size(), sent, suppressed, deferred, retry, byChannel);
    }

    private enum Outcome { SENT, SUPPRESSED, RETRY }

    private Outcome decide(CampaignSendTask task, CampaignSendTask.Target target, Directory.Stored stored,
                           boolean listed, ContactCard card, Instant now, Map<String, Integer> byChannel) {
        String userId = target.userId();
        String decisionId = CampaignMessageIds.of(task.campaignId(), userId);
        Map<String, Object> details = details(task, target, now);
        if (stored == null) {
            return suppress(task, target, details, "not_in_directory");
        }
        if (listed) {
            return suppress(task, target, details, SuppressionList.REASON);
        }
        Map<String, String> skipped = new LinkedHashMap<>();
        List<String[]> routes = routes(stored.entry(), card, skipped);
        if (!skipped.isEmpty()) {
            details.put("skipped", skipped);
        }
        if (routes.isEmpty()) {
            return suppress(task, target, details, skipped.containsValue("opted_out") ? "opted_out" : "no_channel");
        }
        List<String> delivered = new ArrayList<>();
        Map<String, String> refused = new LinkedHashMap<>();
        boolean mayPass = false;
        for (String[] route : routes) {
            String channel = route[0];
            if (!ports.sends().claim(decisionId, channel)) {
                delivered.add(channel); // claimed by an earlier attempt, which sent it
                continue;
            }
            try {
                ports.notifier().send(new Notifier.Message(decisionId, userId, channel, route[1], task.text(),
                        attributes(task, channel)));
                delivered.add(channel);
                byChannel.merge(channel, 1, Integer::sum);
            } catch (Notifier.Unreachable e) {
                ports.sends().release(decisionId, channel);
                refused.put(channel, "unreachable");
            } catch (Notifier.DeliveryException e) {
                ports.sends().release(decisionId, channel);
                refused.put(channel, "refused");
                mayPass = true;
            }
        }
        if (!refused.isEmpty()) {
            details.put("refused", refused);
        }
        if (delivered.isEmpty()) {
            return mayPass ? Outcome.RETRY : suppress(task, target, details, "unreachable");
        }
        ports.decisions().record(new Decision(decisionId, userId, CampaignMessageIds.trigger(task.campaignId()),
                task.launchedAt(), Decision.Outcome.SENT, List.of(REASON), null, List.copyOf(delivered), details));
        return Outcome.SENT;
    }

    /**
     * The channels that can carry the message, as (channel, address), in D5 order; each channel left
     * out is named in {@code skipped} with why: {@code no_channel} (not configured here) or
     * {@code opted_out}. Channels without an address are simply not the user's.
     */
    private List<String[]> routes(DirectoryEntry entry, ContactCard card, Map<String, String> skipped) {
        Set<String> optedOut = card == null ? Set.of() : card.optedOut();
        boolean withdrawnAll = ALL_CHANNELS_KEYS.stream().anyMatch(optedOut::contains);
        List<String[]> routes = new ArrayList<>();
        for (CampaignChannel channel : CampaignChannels.reachable(entry)) {
            String name = channelName(channel);
            String address = switch (channel) {
                case SMS, PHONE_CALL -> entry.phone();
                case WECHAT_OFFICIAL_ACCOUNT -> entry.wechatOpenId();
                case IN_APP -> entry.userId();
            };
            if (!ports.channels().contains(name)) {
                skipped.put(name, "no_channel");
            } else if (withdrawnAll || optedOut.contains(name)
                    || (channel == CampaignChannel.SMS && ports.optOuts().isOptedOut(address))) {
                skipped.put(name, "opted_out");
            } else {
                routes.add(new String[] {name, address});
            }
        }
        return routes;
    }

    /** What each channel's provider gets beside the text: campaign routing for call tasks, WeChat's keywords and link. */
    private static Map<String, String> attributes(CampaignSendTask task, String channel) {
        Map<String, String> attributes = new HashMap<>();
        switch (channel) {
            case CALL -> {
                attributes.put("campaign", task.campaignId());
                attributes.put("trigger", "campaign");
            }
            case WECHAT -> {
                attributes.put("campaign", task.campaignId());
                putIfPresent(attributes, "site", task.siteName());
                putIfPresent(attributes, "date", task.priceDate() == null ? null : task.priceDate().toString());
                putIfPresent(attributes, "link", task.link());
                putIfPresent(attributes, "wechat.url", task.link());
            }
            default -> { }
        }
        return attributes;
    }

    private static void putIfPresent(Map<String, String> map, String key, String value) {
        if (value != null && !value.isBlank()) {
            map.put(key, value);
        }
    }

    private Map<String, Object> details(CampaignSendTask task, CampaignSendTask.Target target, Instant now) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("campaign", task.campaignId());
        if (task.siteId() != null) {
            details.put("siteId", task.siteId());
        }
        details.put("distanceKm", target.distanceKm());
        details.put("matchScore", target.matchScore());
        details.put("cluster", target.cluster());
        details.put("decidedAt", now.toString());
        return details;
    }

    private Outcome suppress(CampaignSendTask task, CampaignSendTask.Target target, Map<String, Object> details,
                             String reason) {
        ports.decisions().record(new Decision(CampaignMessageIds.of(task.campaignId(), target.userId()), target.userId(),
                CampaignMessageIds.trigger(task.campaignId()), task.launchedAt(), Decision.Outcome.SUPPRESSED,
                List.of(REASON, reason), null, List.of(), details));
        return Outcome.SUPPRESSED;
    }

    /** The send in the user's entry (messages received, sensitivity) and engagement, once, re-reading on conflicts. */
    private void recordSent(String campaignId, String userId, Directory.Stored stored,
                            Directory.StoredEngagement storedEngagement, Instant now) {
        Directory.EngagementKey key = new Directory.EngagementKey(campaignId, userId);
        for (int attempt = 1; ; attempt++) {
            TargetEngagement engagement = storedEngagement == null ? TargetEngagement.of(campaignId, userId)
                    : storedEngagement.engagement();
            CampaignFeedback.Update update = feedback.sent(stored.entry(), engagement, now);
            if (update.engagement().equals(engagement)) {
                return; // recorded by an earlier attempt
            }
            Directory.Change change = new Directory.Change(stored, update.entry(), stored.highWater(),
                    List.of(new Directory.EngagementChange(storedEngagement, update.engagement())));
            if (ports.directory().save(change) == Directory.SaveOutcome.SAVED) {
                return;
            }
            if (attempt == MAX_SAVE_ATTEMPTS) {
                throw new StoreUnavailableException("the directory entry of a target kept changing", null);
            }
            stored = ports.directory().load(List.of(userId)).get(userId);
            storedEngagement = ports.directory().engagements(List.of(key)).get(key);
            if (stored == null) {
                return; // the entry is gone; the decision stands
            }
        }
    }
}
