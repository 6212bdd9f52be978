package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.InMemoryCampaignQueue;
import dev.winback.adapters.InMemoryDirectory;
import dev.winback.adapters.InMemoryRecallLedgers;
import dev.winback.adapters.RecordingChannels;
import dev.winback.core.recall.ContactCard;
import dev.winback.core.recall.Decision;
import dev.winback.core.recall.Notifier;
import dev.winback.testing.Policies;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One send task (D5): channels by verification, every channel once, the final filter, quiet hours, retries. */
class CampaignSenderTest {

    /** 10:00 in Shanghai. */
    private static final Instant NOW = Instant.parse("2026-10-23T02:00:00Z");
    private static final Instant LAUNCHED = Instant.parse("2026-10-23T01:59:00Z");

    private final InMemoryDirectory directory = new InMemoryDirectory();
    private final InMemoryRecallLedgers sends = new InMemoryRecallLedgers();
    private final RecordingChannels decisions = new RecordingChannels(() -> NOW);
    private final InMemoryCampaignQueue queue = new InMemoryCampaignQueue();
    private final Map<String, ContactCard> cards = new HashMap<>();
    private final Set<String> listed = new HashSet<>();
    private final Set<String> stopped = new HashSet<>();
    private final Channels channels = new Channels();
    private Set<String> configured = Set.of("sms", "wechat", "inbox", "call");

    /** Records what it sends; channels in {@code failing} refuse, in {@code unreachable} cannot reach. */
    private static final class Channels implements Notifier {
        final List<Message> sent = new ArrayList<>();
        final Set<String> failing = new HashSet<>();
        final Set<String> unreachable = new HashSet<>();

        @Override
        public void send(Message message) {
            if (unreachable.contains(message.channel())) {
                throw new Unreachable("not following", null);
            }
            if (failing.contains(message.channel())) {
                throw new DeliveryException("busy", null);
            }
            sent.add(message);
        }

        List<String> channelsOf(String userId) {
            return sent.stream().filter(m -> m.userId().equals(userId)).map(Message::channel).toList();
        }
    }

    private CampaignSender sender() {
        return new CampaignSender(Policies.DEFAULTS, new CampaignSender.Ports(directory, ids -> cards, listed::contains,
                stopped::contains, sends, channels, configured, decisions, queue), new CampaignFeedback());
    }

    @BeforeEach
    void traders() {
        DirectoryImports.write(directory, List.of(
                Entries.supplier("v-1", 41.3, 123.7),
                Entries.with(Entries.supplier("n-1", 41.3, 123.7), Role.SUPPLIER, List.of("废钢"), List.of(), false),
                new DirectoryEntry("no-phone", null, null, null, 41.3, 123.7, null, Role.SUPPLIER, false, List.of("废钢"),
                        List.of(), Map.of(), Map.of(), 0, 0.5, null, 0, 0, 0)), 1, null);
    }

    private static CampaignSendTask task(String... userIds) {
        List<CampaignSendTask.Target> targets = new ArrayList<>();
        for (String id : userIds) {
            targets.add(new CampaignSendTask.Target(id, 3.5, 0.7, 2));
        }
        return new CampaignSendTask("c-1023", "site-bx", "本溪溪湖中心基地", LocalDate.of(2026, 10, 23), LAUNCHED,
                "10月23日本溪溪湖中心基地:重废一3200跌30,详见:https://example.com/p/1023", "https://example.com/p/1023",
                1, 1, null, targets);
    }

    private Decision decision(String userId) {
        return decisions.decisions().stream().filter(d -> d.userId().equals(userId)).findFirst().orElse(null);
    }

    @Test
    void verifiedTradersGetSmsWechatAndInAppTheOthersSmsAndACall() {
        CampaignSender.Result result = sender().send(task("v-1", "n-1"), NOW);

        assertEquals(2, result.sent());
        assertEquals(List.of("sms", "wechat", "inbox"), channels.channelsOf("v-1"));
        assertEquals(List.of("sms", "call"), channels.channelsOf("n-1"));
        Notifier.Message wechat = channels.sent.stream().filter(m -> m.channel().equals("wechat")).findFirst().orElseThrow();
        assertEquals("campaign:c-1023:v-1", wechat.decisionId(), "the message id feedback events name");
        assertEquals("openid-v-1", wechat.address());
        assertEquals("https://example.com/p/1023", wechat.attributes().get("wechat.url"));
        Notifier.Message call = channels.sent.stream().filter(m -> m.channel().equals("call")).findFirst().orElseThrow();
        assertEquals("c-1023", call.attributes().get("campaign"));
        Decision d = decision("v-1");
        assertEquals(Decision.Outcome.SENT, d.outcome());
        assertEquals("campaign:c-1023", d.trigger());
        assertEquals(LAUNCHED, d.at());
        assertEquals(NOW.toString(), d.details().get("decidedAt"));
        assertEquals(List.of("sms", "wechat", "inbox"), d.channels());
        DirectoryEntry entry = directory.entry("v-1");
        assertEquals(1, entry.messagesReceived());
        assertEquals(0.4, entry.messageSensitivity(), 1e-12);
        assertEquals(NOW, directory.engagementsOf("c-1023").get(0).sentAt());
    }

    @Test
    void aRepeatedTaskSendsNothingTwice() {
        sender().send(task("v-1", "n-1"), NOW);
        sender().send(task("v-1", "n-1"), NOW.plusSeconds(30));

        assertEquals(5, channels.sent.size());
        assertEquals(1, directory.entry("v-1").messagesReceived());
        assertEquals(NOW, directory.engagementsOf("c-1023").get(0).sentAt());
        assertEquals(2, decisions.decisions().size());
    }

    @Test
    void aChannelNotConfiguredOrOptedOutIsSkippedAndNamed() {
        configured = Set.of("sms", "inbox", "call");
        cards.put("n-1", new ContactCard("n-1", null, null, null, null, null, null, Set.of("call")));
        stopped.add(Entries.supplier("v-1", 0, 0).phone()); // replied STOP to SMS

        sender().send(task("v-1", "n-1"), NOW);

        assertEquals(List.of("inbox"), channels.channelsOf("v-1"));
        assertEquals(Map.of("sms", "opted_out", "wechat", "no_channel"), decision("v-1").details().get("skipped"));
        assertEquals(List.of("sms"), channels.channelsOf("n-1"));
    }

    @Test
    void theFinalFilterSuppressesWithItsReason() {
        listed.add("v-1");
        cards.put("n-1", new ContactCard("n-1", null, null, null, null, null, null, Set.of("marketing")));

        CampaignSender.Result result = sender().send(task("v-1", "n-1", "gone", "no-phone"), NOW);

        assertEquals(4, result.suppressed());
        assertEquals(0, result.sent());
        assertEquals(List.of("site_campaign", "suppression_list"), decision("v-1").reasons());
        assertEquals(List.of("site_campaign", "opted_out"), decision("n-1").reasons());
        assertEquals(List.of("site_campaign", "not_in_directory"), decision("gone").reasons());
        // unverified (SMS and calls) without a phone: no channel of theirs has an address
        assertEquals(List.of("site_campaign", "no_channel"), decision("no-phone").reasons());
        assertEquals(List.of(), channels.channelsOf("v-1"));
        assertEquals(0, directory.entry("v-1").messagesReceived());
    }

    @Test
    void targetsInTheirQuietHoursWaitForTheirEnd() {
        cards.put("n-1", new ContactCard("n-1", null, null, null, null, "Europe/London", null, Set.of()));
        Instant lateEvening = Instant.parse("2026-10-23T15:00:00Z"); // 23:00 in Shanghai, 16:00 in London

        CampaignSender.Result result = sender().send(task("v-1", "n-1"), lateEvening);

        assertEquals(1, result.deferred());
        assertEquals(1, result.sent());
        assertEquals(List.of(), channels.channelsOf("v-1"));
        assertNull(decision("v-1"), "decided when it goes");
        InMemoryCampaignQueue.Deferred deferred = queue.deferred().get(0);
        assertEquals(Instant.parse("2026-10-24T00:00:00Z"), deferred.task().notBefore(), "08:00 in Shanghai");
        assertEquals(List.of("v-1"), deferred.task().targets().stream().map(CampaignSendTask.Target::userId).toList());
        assertEquals(Duration.ofMinutes(15), deferred.delay());
    }

    @Test
    void whenEveryChannelRefusesForNowTheTargetIsRetriedAndThenSent() {
        channels.failing.addAll(Set.of("sms", "call"));

        CampaignSender.Result first = sender().send(task("n-1"), NOW);

        assertEquals(1, first.retry());
        assertNull(decision("n-1"));
        channels.failing.clear();
        CampaignSender.Result second = sender().send(task("n-1"), NOW.plusSeconds(60));
        assertEquals(1, second.sent());
        assertEquals(List.of("sms", "call"), channels.channelsOf("n-1"));
    }

    @Test
    void aTargetNoChannelCanReachIsSuppressedAsUnreachable() {
        channels.unreachable.addAll(Set.of("sms", "call"));

        sender().send(task("n-1"), NOW);

        assertEquals(List.of("site_campaign", "unreachable"), decision("n-1").reasons());
        assertEquals(Map.of("sms", "unreachable", "call", "unreachable"), decision("n-1").details().get("refused"));
    }

    @Test
    void aPartialRefusalKeepsTheChannelsThatTookIt() {
        channels.failing.add("wechat");

        sender().send(task("v-1"), NOW);

        assertEquals(List.of("sms", "inbox"), decision("v-1").channels());
        assertEquals(Map.of("wechat", "refused"), decision("v-1").details().get("refused"));
        assertTrue(sends.claim("campaign:c-1023:v-1", "wechat"), "the refused channel's claim was released");
    }
}
