package dev.winback.core.geo;

import java.util.List;

/**
 * One user a campaign contacts: how far they are, how well they match (mean normalized feature, 0..1),
 * their cluster, the channels to use (D5) and the message (D6).
 */
public record CampaignTarget(String userId, double distanceKm, double matchScore, int cluster,
                             List<CampaignChannel> channels, String message) {
}
