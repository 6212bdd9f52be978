package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.adapters.InMemoryDirectory;
import dev.winback.core.ingest.StoreUnavailableException;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.testing.EventJson;
import dev.winback.testing.Policies;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The directory consumer (DirectoryFunction's core): profiles into entries and placements, campaign feedback, redelivery, conflicts. */
class DirectoryConsumerTest {

    private static final String AT = "2026-10-23T02:00:00Z";

    private final InMemoryDirectory directory = new InMemoryDirectory();
    private final DirectoryConsumer consumer = new DirectoryConsumer(Policies.DEFAULTS, directory, new CampaignFeedback(), 4);
    private int sequence = 1000;

    private StreamRecord record(EventJson event) {
        return event.record(Integer.toString(sequence++));
    }

    private StreamRecord profile(String userId, Object... fields) {
        EventJson event = EventJson.event("profile_updated").user(userId).id("p-" + sequence).at(AT);
        for (int i = 0; i < fields.length; i += 2) {
            event.with((String) fields[i], fields[i + 1]);
        }
        return record(event);
    }

    private StreamRecord feedback(String type, String userId, String messageId, String at) {
        return record(EventJson.event(type).user(userId).id("f-" + sequence).at(at).with("messageId", messageId));
    }

    @Test
    void aTradersProfileStartsAnEntryAndPlacesItUnderEachCategory() {
        DirectoryReport report = consumer.consume(List.of(profile("u-1", "role", "supplier", "lat", 41.33, "lon", 123.76,
                "categories", List.of("废钢", "废铜"), "phone", "+8613800001001", "verified", true)));

        assertEquals(1, report.saved());
        DirectoryEntry entry = directory.entry("u-1");
        assertEquals(Role.SUPPLIER, entry.role());
        List<String> keys = DirectoryIndex.keysOf(entry);
        assertEquals(2, keys.size());
        keys.forEach(key -> assertEquals(List.of("u-1"), directory.placedUnder(key)));
    }

    @Test
    void anAppUsersProfileWithoutRoleStartsNothingButUpdatesAnExistingEntry() {
        DirectoryReport report = consumer.consume(List.of(profile("u-app", "name", "Lin", "timezone", "Asia/Shanghai")));
        assertEquals(1, report.ignored());
        assertNull(directory.entry("u-app"));

        consumer.consume(List.of(profile("u-1", "role", "buyer", "lat", 41.3, "lon", 123.7, "categories", List.of("废纸"))));
        consumer.consume(List.of(profile("u-1", "phone", "+8613800001001")));
        assertEquals("+8613800001001", directory.entry("u-1").phone());
    }

    @Test
    void aMoveDeletesTheOldPlacementsAndPutsTheNewOnes() {
        consumer.consume(List.of(profile("u-1", "role", "supplier", "lat", 41.33, "lon", 123.76, "categories", List.of("废钢"))));
        String before = DirectoryIndex.keysOf(directory.entry("u-1")).get(0);

        consumer.consume(List.of(profile("u-1", "lat", 31.23, "lon", 121.47)));

        String after = DirectoryIndex.keysOf(directory.entry("u-1")).get(0);
        assertTrue(!before.equals(after));
        assertEquals(List.of(), directory.placedUnder(before));
        assertEquals(List.of("u-1"), directory.placedUnder(after));
    }

    @Test
    void aRedeliveredBatchChangesNothing() {
        List<StreamRecord> batch = List.of(
                profile("u-1", "role", "supplier", "lat", 41.33, "lon", 123.76, "categories", List.of("废钢")),
                profile("u-1", "verified", true));
        consumer.consume(batch);
        long version = directory.load(List.of("u-1")).get("u-1").version();

        DirectoryReport again = consumer.consume(batch);

        assertEquals(2, again.redelivered());
        assertEquals(0, again.saved());
        assertEquals(version, directory.load(List.of("u-1")).get("u-1").version());
        assertTrue(directory.entry("u-1").verified());
    }

    /** A sent campaign message, as the sender records it. */
    private void sent(String campaignId, String userId) {
        Directory.Stored stored = directory.load(List.of(userId)).get(userId);
        CampaignFeedback.Update update = new CampaignFeedback().sent(stored.entry(), TargetEngagement.of(campaignId, userId),
                Instant.parse(AT));
        directory.save(new Directory.Change(stored, update.entry(), stored.highWater(),
                List.of(new Directory.EngagementChange(null, update.engagement()))));
    }

    @Test
    void readsClicksAndTransactionsOfACampaignMessageTeachTheEntryOnce() {
        consumer.consume(List.of(profile("u-1", "role", "supplier", "lat", 41.33, "lon", 123.76, "categories", List.of("废钢"))));
        sent("c-1", "u-1");
        assertEquals(0.4, directory.entry("u-1").messageSensitivity(), 1e-12); // 0.5 × (1 − 0.2)
        String message = CampaignMessageIds.of("c-1", "u-1");

        DirectoryReport report = consumer.consume(List.of(
                feedback("message_read", "u-1", message, "2026-10-23T02:05:00Z"),
                feedback("message_read", "u-1", message, "2026-10-23T02:06:00Z"), // a second read: nothing new
                feedback("message_clicked", "u-1", message, "2026-10-23T02:07:00Z"),
                record(EventJson.event("transaction").user("u-1").id("t-1").at("2026-10-23T05:00:00Z")
                        .with("amount", "3200.00").with("siteId", "site-bx").with("messageId", message))));

        assertEquals(3, report.applied());
        assertEquals(1, report.ignored());
        DirectoryEntry entry = directory.entry("u-1");
        assertEquals(0.4 + 0.2 * 1.0, entry.messageSensitivity(), 1e-12, "read 0.5 then clicked 1: credit α × 1");
        assertEquals(Instant.parse("2026-10-23T05:00:00Z"), entry.lastDealAt());
        assertEquals(1.0, entry.conversionRate(), 1e-12, "1 transaction / 1 message received");
        TargetEngagement engagement = directory.engagementsOf("c-1").get(0);
        assertEquals(Instant.parse("2026-10-23T02:05:00Z"), engagement.readAt());
        assertEquals(Instant.parse("2026-10-23T02:07:00Z"), engagement.clickedAt());
        assertEquals(Instant.parse("2026-10-23T05:00:00Z"), engagement.transactedAt());
        String placement = DirectoryIndex.keysOf(entry).get(0);
        assertEquals(List.of("u-1"), directory.placedUnder(placement), "the placement carries the new history");
    }

    @Test
    void feedbackOnNoRecordedSendAndUnattributedDealsOnlyMoveWhatTheyMay() {
        consumer.consume(List.of(profile("u-1", "role", "supplier", "lat", 41.33, "lon", 123.76, "categories", List.of("废钢"))));

        DirectoryReport report = consumer.consume(List.of(
                feedback("message_read", "u-1", CampaignMessageIds.of("c-never", "u-1"), AT),
                feedback("message_clicked", "u-1", "dl-some-recall", AT),
                record(EventJson.event("transaction").user("u-1").id("t-2").at("2026-10-24T01:00:00Z").with("amount", "10")),
                feedback("message_read", "u-stranger", CampaignMessageIds.of("c-1", "u-stranger"), AT)));

        assertEquals(1, report.applied(), "only the unattributed transaction: its deal time");
        assertEquals(3, report.ignored());
        assertEquals(Instant.parse("2026-10-24T01:00:00Z"), directory.entry("u-1").lastDealAt());
        assertEquals(0, directory.entry("u-1").messagesReceived());
        assertEquals(List.of(), directory.engagementsOf("c-never"));
        assertNull(directory.entry("u-stranger"));
    }

    @Test
    void aConcurrentWriteIsReadAgainAndBothChangesStay() {
        consumer.consume(List.of(profile("u-1", "role", "supplier", "lat", 41.33, "lon", 123.76, "categories", List.of("废钢"))));
        AtomicInteger conflicts = new AtomicInteger();
        Directory racing = new Forwarding(directory) {
            @Override
            public SaveOutcome save(Change change) {
                if (conflicts.getAndIncrement() == 0) { // a send lands between our read and our write
                    sent("c-9", "u-1");
                }
                return directory.save(change);
            }
        };

        DirectoryReport report = new DirectoryConsumer(Policies.DEFAULTS, racing, new CampaignFeedback(), 1)
                .consume(List.of(profile("u-1", "verified", true)));

        assertEquals(1, report.saved());
        assertEquals(2, conflicts.get());
        assertTrue(directory.entry("u-1").verified());
        assertEquals(1, directory.entry("u-1").messagesReceived());
    }

    @Test
    void aUserWhoseWriteFailsIsReportedFromTheirFirstRecordOthersAreSaved() {
        StreamRecord first = profile("u-bad", "role", "supplier", "lat", 41.0, "lon", 123.0, "categories", List.of("废钢"));
        StreamRecord good = profile("u-good", "role", "supplier", "lat", 41.0, "lon", 123.0, "categories", List.of("废钢"));
        StreamRecord later = profile("u-bad", "verified", true);
        Directory failing = new Forwarding(directory) {
            @Override
            public SaveOutcome save(Change change) {
                if (change.next().userId().equals("u-bad")) {
                    throw new StoreUnavailableException("throttled", null);
                }
                return directory.save(change);
            }
        };

        DirectoryReport report = new DirectoryConsumer(Policies.DEFAULTS, failing, new CampaignFeedback(), 4)
                .consume(List.of(first, good, later));

        assertEquals(List.of(first.sequenceNumber()), report.failedSequenceNumbers());
        assertEquals(1, report.saved());
        assertNull(directory.entry("u-bad"));
    }

    @Test
    void badAndForeignRecordsAreSkipped() {
        DirectoryReport report = consumer.consume(List.of(
                new StreamRecord("1", "u-1", Instant.parse(AT), "{not json".getBytes(), "shard"),
                record(EventJson.event("login").user("u-1").at(AT))));
        assertEquals(2, report.skipped());
        assertEquals(0, directory.size());
    }

    /** Delegates everything; tests override what they intercept. */
    private static class Forwarding implements Directory {
        private final Directory delegate;

        Forwarding(Directory delegate) {
            this.delegate = delegate;
        }

        @Override
        public Map<String, Stored> load(Collection<String> userIds) {
            return delegate.load(userIds);
        }

        @Override
        public Map<EngagementKey, StoredEngagement> engagements(Collection<EngagementKey> keys) {
            return delegate.engagements(keys);
        }

        @Override
        public SaveOutcome save(Change change) {
            return delegate.save(change);
        }

        @Override
        public List<DirectoryEntry> candidates(Campaign campaign) {
            return new ArrayList<>(delegate.candidates(campaign));
        }
    }
}
