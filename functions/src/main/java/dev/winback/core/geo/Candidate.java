package dev.winback.core.geo;

/** A preselected directory entry and its great-circle distance to the campaign's site. */
public record Candidate(DirectoryEntry entry, double distanceKm) {
}
