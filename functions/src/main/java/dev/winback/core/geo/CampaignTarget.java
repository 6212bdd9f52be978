package dev.winback.core.geo;

import java.util.List;

/**
 * One user a campaign contacts: how far they are, how well they match (mean normalized feature, 0..1),
 * their cluster, the channels of their verification status (D5) and the message (D6). The sender
 * drops the channels the user has no address for ({@link CampaignChannels#reachable}) or no consent
 * for, as for every trigger.
 */
public record CampaignTarget(String userId, double distanceKm, double matchScore, int cluster,
                             List<CampaignChannel> channels, String message) {
}
