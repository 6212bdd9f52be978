package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.event.BehaviorEvent.ProfileUpdated;
import dev.winback.testing.EventJson;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A profile_updated event's B2B fields, decoded as ingest decodes them, folded into the directory entry. */
class DirectoryProfileTest {

    private static ProfileUpdated profile(Object... fieldsAndValues) {
        EventJson event = EventJson.userEvent("profile_updated").user("s1");
        for (int i = 0; i < fieldsAndValues.length; i += 2) {
            event.with((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
        }
        return (ProfileUpdated) event.decoded();
    }

    @Test
    void theFirstEventsBuildAnEntryThatBecomesListableOnceRoleAndLocationArrive() {
        DirectoryEntry first = DirectoryProfile.fold(null, profile("name", "张三", "phone", "+8613800000001",
                "email", "zs@example.com", "categories", List.of("废钢", " 废铜 ", "废钢")));
        assertEquals("s1", first.userId());
        assertEquals("张三", first.name());
        assertEquals(List.of("废钢", "废铜"), first.categories(), "trimmed and without repeats");
        assertFalse(first.listable(), "no role and no location yet");

        DirectoryEntry second = DirectoryProfile.fold(first, profile("role", "supplier", "lat", 41.3, "lon", 123.7,
                "verified", true, "wechatOpenId", "oid", "businessNature", "回收站", "materials", List.of("重废一")));
        assertTrue(second.listable());
        assertEquals(Role.SUPPLIER, second.role());
        assertTrue(second.verified());
        assertEquals(41.3, second.lat());
        assertEquals("oid", second.wechatOpenId());
        assertEquals("回收站", second.businessNature());
        assertEquals(List.of("重废一"), second.materials());
        assertEquals("张三", second.name(), "fields the event does not carry are kept");
    }

    @Test
    void producerSentFeaturesPreferencesAndFrequency() {
        DirectoryEntry e = DirectoryProfile.fold(DirectoryEntry.blank("s1"), profile(
                "features", Map.of("monthlyTons", 120, "yards", "two"), "preferences", Map.of("contactTime", "am"),
                "tradeFrequency", 5));
        assertEquals(Map.of("monthlyTons", 120.0), e.features(), "a non-numeric feature is ignored");
        assertEquals(Map.of("contactTime", "am"), e.preferences());
        assertEquals(5, e.tradeFrequency());
        assertEquals(5, DirectoryProfile.fold(e, profile("tradeFrequency", -1)).tradeFrequency(), "malformed: kept");
    }

    @Test
    void explicitNullsClearAndAnUnknownRoleKeepsTheOldOne() {
        DirectoryEntry full = Entries.supplier("s1", 41.3, 123.7);
        DirectoryEntry bogusRole = DirectoryProfile.fold(full, profile("role", "seller"));
        assertEquals(Role.SUPPLIER, bogusRole.role());

        DirectoryEntry cleared = DirectoryProfile.fold(full, profile("lat", null, "phone", null, "categories", null,
                "verified", null, "role", "buyer"));
        assertFalse(cleared.hasLocation());
        assertFalse(cleared.listable());
        assertEquals(null, cleared.phone());
        assertEquals(List.of(), cleared.categories());
        assertFalse(cleared.verified());
        assertEquals(Role.BUYER, cleared.role());
    }

    @Test
    void campaignHistoryIsNotTheProfilesToChange() {
        DirectoryEntry e = Entries.supplier("s1", 41.3, 123.7)
                .withHistory(0.9, Instant.parse("2026-10-01T00:00:00Z"), 0.5, 4, 2);
        DirectoryEntry after = DirectoryProfile.fold(e, Map.of("messageSensitivity", 0.1, "conversionRate", 0.0,
                "name", "新名字"));
        assertEquals(0.9, after.messageSensitivity());
        assertEquals(0.5, after.conversionRate());
        assertEquals(4, after.messagesReceived());
        assertEquals("新名字", after.name());
    }
}
