package dev.winback.core.geo;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys of the directory's geo index: {@code role#category#cell}, e.g.
 * {@code supplier#废钢#865a1d0a7ffffff}. An entry has one key per category it trades (so a user
 * trading two categories is placed twice); a campaign reads one key per (category, covering cell).
 * The storage design and its read cost are in {@code docs/geo-index.md}.
 */
public final class DirectoryIndex {

    private DirectoryIndex() {
    }

    /** One index key. */
    public static String key(Role role, String category, GeoCell cell) {
        return role.wireName() + "#" + category + "#" + cell.address();
    }

    /** The keys an entry is placed under; none while it is not listable or lists no category. */
    public static List<String> keysOf(DirectoryEntry entry) {
        if (!entry.listable() || entry.categories().isEmpty()) {
            return List.of();
        }
        GeoCell cell = GeoCell.of(entry.lat(), entry.lon());
        List<String> keys = new ArrayList<>(entry.categories().size());
        for (String category : entry.categories()) {
            keys.add(key(entry.role(), category, cell));
        }
        return keys;
    }

    /**
     * The keys a campaign reads, category by category and cell by cell in address order. A user
     * trading two of the campaign's categories comes back twice; the preselection keeps the first.
     */
    public static List<String> keysFor(Campaign campaign) {
        List<GeoCell> cells = GeoCell.covering(campaign.site().lat(), campaign.site().lon(), campaign.radiusKm());
        List<String> keys = new ArrayList<>(cells.size() * campaign.categories().size());
        for (String category : campaign.categories()) {
            for (GeoCell cell : cells) {
                keys.add(key(campaign.targetRole(), category, cell));
            }
        }
        return keys;
    }
}
