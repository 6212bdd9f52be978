package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.winback.adapters.InMemoryDirectory;
import java.io.StringReader;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Writing a validated import: created, updated, unchanged; what the campaigns learned survives a re-import. */
class DirectoryImportsTest {

    private final InMemoryDirectory directory = new InMemoryDirectory();

    private static List<DirectoryEntry> file(String jsonLines) {
        DirectoryImport.Result result = DirectoryImport.jsonLines(new StringReader(jsonLines));
        assertEquals(0, result.problemCount(), result.summary());
        return result.entries();
    }

    @Test
    void aSecondRunOfTheSameFileWritesNothing() {
        List<DirectoryEntry> entries = file("""
                {"userId":"u-1","lat":41.3,"lon":123.7,"role":"supplier","categories":["废钢"]}
                {"userId":"u-2","lat":41.4,"lon":123.8,"role":"buyer","categories":["废纸"],"verified":true}
                """);

        assertEquals(new DirectoryImports.Outcome(2, 0, 0), DirectoryImports.write(directory, entries, 2, null));
        assertEquals(new DirectoryImports.Outcome(0, 0, 2), DirectoryImports.write(directory, entries, 2, null));
        assertEquals(List.of("u-1"), directory.placedUnder(DirectoryIndex.keysOf(directory.entry("u-1")).get(0)));
    }

    @Test
    void theFileSetsWhoATraderIsButNotWhatTheCampaignsTaught() {
        DirectoryImports.write(directory, file("""
                {"userId":"u-1","lat":41.3,"lon":123.7,"role":"supplier","categories":["废钢"],"messageSensitivity":0.9,"lastDealAt":"2026-10-01T00:00:00Z"}
                {"userId":"u-2","lat":41.3,"lon":123.7,"role":"supplier","categories":["废钢"],"messageSensitivity":0.9}
                """), 1, null);
        Directory.Stored stored = directory.load(List.of("u-1")).get("u-1");
        CampaignFeedback.Update sent = new CampaignFeedback().sent(stored.entry(), TargetEngagement.of("c-1", "u-1"),
                Instant.parse("2026-10-20T00:00:00Z"));
        directory.save(new Directory.Change(stored, sent.entry(), null, List.of()));

        DirectoryImports.Outcome outcome = DirectoryImports.write(directory, file("""
                {"userId":"u-1","lat":31.2,"lon":121.5,"role":"supplier","categories":["废铜"],"messageSensitivity":0.1,"lastDealAt":"2026-09-01T00:00:00Z"}
                {"userId":"u-2","lat":41.3,"lon":123.7,"role":"supplier","categories":["废钢"],"messageSensitivity":0.2}
                """), 1, null);

        assertEquals(new DirectoryImports.Outcome(0, 2, 0), outcome);
        DirectoryEntry learned = directory.entry("u-1");
        assertEquals(List.of("废铜"), learned.categories());
        assertEquals(31.2, learned.lat());
        assertEquals(0.9 * 0.8, learned.messageSensitivity(), 1e-12, "learned from a campaign message: kept");
        assertEquals(1, learned.messagesReceived());
        assertEquals(Instant.parse("2026-10-01T00:00:00Z"), learned.lastDealAt(), "the later deal");
        assertEquals(0.2, directory.entry("u-2").messageSensitivity(), "nothing learned yet: the file's value");
    }
}
