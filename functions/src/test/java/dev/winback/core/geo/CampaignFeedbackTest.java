package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.winback.testing.EventJson;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** D7: sensitivity as an EMA of engagement, last deal time, conversion = transactions / messages received. */
class CampaignFeedbackTest {

    private static final Instant T0 = Instant.parse("2026-10-23T02:00:00Z");
    private final CampaignFeedback feedback = new CampaignFeedback(0.2);

    private static DirectoryEntry fresh() {
        return Entries.supplier("s1", 41, 123).withHistory(0.5, null, 0.3, 0, 0);
    }

    @Test
    void aSendCountsAMessageReceivedAndDecaysSensitivity() {
        CampaignFeedback.Update sent = feedback.sent(fresh(), TargetEngagement.of("c1", "s1"), T0);
        assertEquals(1, sent.entry().messagesReceived());
        assertEquals(0.4, sent.entry().messageSensitivity(), 1e-12, "(1 - 0.2) * 0.5: an ignored message so far");
        assertEquals(0.0, sent.entry().conversionRate(), "0 transactions / 1 message replaces the imported 0.3");
        assertEquals(T0, sent.engagement().sentAt());

        CampaignFeedback.Update again = feedback.sent(sent.entry(), sent.engagement(), T0.plusSeconds(5));
        assertSame(sent.entry(), again.entry(), "a retried send changes nothing");
    }

    @Test
    void readThenClickAddUpToTheOneStepAverage() {
        CampaignFeedback.Update u = feedback.sent(fresh(), TargetEngagement.of("c1", "s1"), T0);
        u = feedback.read(u.entry(), u.engagement(), T0.plusSeconds(60));
        assertEquals(0.8 * 0.5 + 0.2 * 0.5, u.entry().messageSensitivity(), 1e-12);
        u = feedback.clicked(u.entry(), u.engagement(), T0.plusSeconds(90));
        assertEquals(0.8 * 0.5 + 0.2 * 1.0, u.entry().messageSensitivity(), 1e-12);
        assertEquals(T0.plusSeconds(90), u.engagement().clickedAt());

        CampaignFeedback.Update repeat = feedback.clicked(u.entry(), u.engagement(), T0.plusSeconds(120));
        assertEquals(u.entry().messageSensitivity(), repeat.entry().messageSensitivity(), "a second click adds nothing");
        assertEquals(T0.plusSeconds(90), repeat.engagement().clickedAt(), "the first click's time stays");

        CampaignFeedback.Update lateRead = feedback.read(u.entry(), u.engagement(), T0.plusSeconds(200));
        assertEquals(u.entry().messageSensitivity(), lateRead.entry().messageSensitivity(), "read after click: no credit");
    }

    @Test
    void sensitivityFollowsTheExponentialAverageOverMessages() {
        DirectoryEntry entry = fresh();
        double expected = 0.5;
        double[] engagement = {1, 0, 0.5, 1, 1, 0};
        for (int m = 0; m < engagement.length; m++) {
            TargetEngagement t = TargetEngagement.of("c" + m, "s1");
            CampaignFeedback.Update u = feedback.sent(entry, t, T0.plusSeconds(m * 3600L));
            if (engagement[m] >= 0.5) {
                u = feedback.read(u.entry(), u.engagement(), T0.plusSeconds(m * 3600L + 60));
            }
            if (engagement[m] == 1) {
                u = feedback.clicked(u.entry(), u.engagement(), T0.plusSeconds(m * 3600L + 70));
            }
            entry = u.entry();
            expected = 0.8 * expected + 0.2 * engagement[m];
            assertEquals(expected, entry.messageSensitivity(), 1e-12, "after message " + m);
        }
    }

    @Test
    void anAttributedTransactionConvertsOnceAndMovesTheLastDeal() {
        CampaignFeedback.Update u = feedback.sent(fresh(), TargetEngagement.of("c1", "s1"), T0);
        u = feedback.transaction(u.entry(), u.engagement(), T0.plusSeconds(3600));
        assertEquals(1, u.entry().campaignTransactions());
        assertEquals(1.0, u.entry().conversionRate(), "1 transaction / 1 message");
        assertEquals(T0.plusSeconds(3600), u.entry().lastDealAt());
        assertEquals(0.8 * 0.5 + 0.2, u.entry().messageSensitivity(), 1e-12, "a transaction is full engagement");

        CampaignFeedback.Update second = feedback.transaction(u.entry(), u.engagement(), T0.plusSeconds(7200));
        assertEquals(1, second.entry().campaignTransactions(), "one conversion per message");
        assertEquals(T0.plusSeconds(7200), second.entry().lastDealAt(), "but the last deal moves on");

        CampaignFeedback.Update next = feedback.sent(second.entry(), TargetEngagement.of("c2", "s1"), T0.plusSeconds(86_400));
        assertEquals(0.5, next.entry().conversionRate(), "1 transaction / 2 messages");
    }

    @Test
    void anUnattributedTransactionOnlyMovesTheLastDealForward() {
        DirectoryEntry e = fresh().withHistory(0.5, T0, 0.3, 0, 0);
        CampaignFeedback.Update later = feedback.transaction(e, null, T0.plusSeconds(10));
        assertEquals(T0.plusSeconds(10), later.entry().lastDealAt());
        assertEquals(0.3, later.entry().conversionRate());
        assertEquals(0.5, later.entry().messageSensitivity());
        assertEquals(T0, feedback.transaction(e, null, T0.minusSeconds(10)).entry().lastDealAt(), "an older one does not");
    }

    @Test
    void decodedEventsDispatch() {
        CampaignFeedback.Update u = feedback.sent(fresh(), TargetEngagement.of("c1", "s1"), T0);
        var read = EventJson.userEvent("message_read").user("s1").with("messageId", "m1").at("2026-10-23T03:00:00Z").decoded();
        var click = EventJson.userEvent("message_clicked").user("s1").with("messageId", "m1").at("2026-10-23T03:01:00Z").decoded();
        var deal = EventJson.userEvent("transaction").user("s1").with("amount", "120.00").with("siteId", "site-benxi")
                .at("2026-10-23T05:00:00Z").decoded();
        var login = EventJson.userEvent("login").user("s1").decoded();
        u = feedback.apply(u.entry(), u.engagement(), read);
        u = feedback.apply(u.entry(), u.engagement(), click);
        u = feedback.apply(u.entry(), u.engagement(), login);
        u = feedback.apply(u.entry(), u.engagement(), deal);
        assertEquals(Instant.parse("2026-10-23T03:00:00Z"), u.engagement().readAt());
        assertEquals(Instant.parse("2026-10-23T03:01:00Z"), u.engagement().clickedAt());
        assertEquals(Instant.parse("2026-10-23T05:00:00Z"), u.engagement().transactedAt());
        assertEquals(1, u.entry().campaignTransactions());
        assertEquals(0.8 * 0.5 + 0.2, u.entry().messageSensitivity(), 1e-12);
        assertEquals(fresh(), feedback.apply(fresh(), null, read).entry(), "a read of no campaign message");
        assertThrows(IllegalArgumentException.class, () -> new CampaignFeedback(0));
    }

    @Test
    void sensitivityStaysWithinZeroAndOne() {
        DirectoryEntry e = fresh().withHistory(1.0, null, 0, 0, 0);
        CampaignFeedback.Update u = feedback.read(e, TargetEngagement.of("c", "s1"), T0);
        assertEquals(1.0, u.entry().messageSensitivity());
    }
}
