package dev.winback.core.geo;

import java.time.Instant;

/**
 * What one target did with one campaign's message (D7): when it was sent (accepted by at least one
 * channel), first read, first clicked, and when the target first transacted because of it. Stored per
 * (campaign, user) by whoever sends the campaign; {@link CampaignFeedback} updates it together with
 * the directory entry, and {@link CampaignReport} adds them up. Null: has not happened (yet).
 */
public record TargetEngagement(String campaignId, String userId, Instant sentAt, Instant readAt,
                               Instant clickedAt, Instant transactedAt) {

    /** A target that has not been sent anything yet. */
    public static TargetEngagement of(String campaignId, String userId) {
        return new TargetEngagement(campaignId, userId, null, null, null, null);
    }

    /** Read, or clicked (a click implies the message was read). */
    public boolean read() {
        return readAt != null || clickedAt != null;
    }

    /** A potential customer: the message drew a read, a click or a transaction. */
    public boolean engaged() {
        return read() || transactedAt != null;
    }

    /** How engaged, for message sensitivity: 1 clicked or transacted, 0.5 read, 0 otherwise. */
    public double level() {
        if (clickedAt != null || transactedAt != null) {
            return 1;
        }
        return readAt != null ? 0.5 : 0;
    }

    TargetEngagement withSent(Instant at) {
        return new TargetEngagement(campaignId, userId, at, readAt, clickedAt, transactedAt);
    }

    TargetEngagement withRead(Instant at) {
        return new TargetEngagement(campaignId, userId, sentAt, at, clickedAt, transactedAt);
    }

    TargetEngagement withClicked(Instant at) {
        return new TargetEngagement(campaignId, userId, sentAt, readAt, at, transactedAt);
    }

    TargetEngagement withTransacted(Instant at) {
        return new TargetEngagement(campaignId, userId, sentAt, readAt, clickedAt, at);
    }
}
