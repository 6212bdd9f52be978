package dev.winback.core.geo;

import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.EventDecoder;
import dev.winback.core.event.Rejection;
import dev.winback.core.ingest.StreamRecord;
import dev.winback.core.policy.Policy;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

/**
 * The three ways a site launches a campaign, one rule set (D2): a request body (an EventBridge
 * event's {@code detail}, a function URL's POST body) and a {@code site_campaign} record on the
 * behavior stream are decoded by the event decoder and launched by {@link CampaignLaunch}. The launch
 * time is the event's {@code occurredAt}; without one, when the request arrived.
 */
public final class SiteCampaignRequests {

    private final EventDecoder decoder;
    private final ZoneId zone;
    private final CampaignLaunch launch;

    public SiteCampaignRequests(Policy policy, CampaignLaunch launch) {
        this.decoder = new EventDecoder(policy.ingest().maxRecordBytes(), policy.ingest().maxFutureSkew());
        this.zone = policy.timeZone();
        this.launch = launch;
    }

    /** What became of a request. */
    public sealed interface Answer {
        /** Not a valid campaign: nothing was launched. */
        record Rejected(Rejection rejection) implements Answer {
        }

        /** Decoded and handed to the launch. */
        record Handled(CampaignLaunch.Result result) implements Answer {
        }
    }

    /** A request body of {@code site_campaign} fields (see {@link SiteCampaigns#decodeRequest}). */
    public Answer request(byte[] body, String defaultEventId, Instant receivedAt) {
        Decoded decoded = SiteCampaigns.decodeRequest(decoder, body, defaultEventId, receivedAt);
        if (decoded instanceof Decoded.Rejected rejected) {
            return new Answer.Rejected(rejected.rejection());
        }
        Campaign campaign;
        try {
            campaign = campaign((BehaviorEvent.SiteCampaign) ((Decoded.Accepted) decoded).event());
        } catch (IllegalArgumentException e) {
            return new Answer.Rejected(new Rejection(Rejection.INVALID_FIELD, null, e.getMessage()));
        }
        return new Answer.Handled(launch.launch(campaign));
    }

    /** @throws IllegalArgumentException when the decoded fields still do not make a campaign */
    private Campaign campaign(BehaviorEvent.SiteCampaign event) {
        return SiteCampaigns.toCampaign(event, event.occurredAt(), zone);
    }

    /**
     * What a batch of stream records did: launches, repeats of launched campaigns, refused ids, records
     * skipped (not a valid {@code site_campaign}: the ingest function quarantines them), and the record
     * the batch stopped at when a launch failed (delivered again with everything after it).
     */
    public record StreamReport(int received, int launched, int alreadyLaunched, int conflicts, int skipped,
                               String failedSequenceNumber, String failure) {
    }

    /** {@code site_campaign} records in stream order; the first failing launch stops the batch. */
    public StreamReport consume(List<StreamRecord> records) {
        int launched = 0;
        int already = 0;
        int conflicts = 0;
        int skipped = 0;
        for (StreamRecord record : records) {
            Campaign campaign;
            try {
                if (!(decoder.decode(record.data(), record.arrivedAt()) instanceof Decoded.Accepted accepted)
                        || !(accepted.event() instanceof BehaviorEvent.SiteCampaign event)) {
                    skipped++;
                    continue;
                }
                campaign = campaign(event);
            } catch (IllegalArgumentException notACampaign) {
                skipped++;
                continue;
            }
            try {
                switch (launch.launch(campaign)) {
                    case CampaignLaunch.Result.Launched l -> launched++;
                    case CampaignLaunch.Result.AlreadyLaunched a -> already++;
                    case CampaignLaunch.Result.Conflict c -> conflicts++;
                }
            } catch (RuntimeException e) {
                return new StreamReport(records.size(), launched, already, conflicts, skipped, record.sequenceNumber(),
                        e.toString());
            }
        }
        return new StreamReport(records.size(), launched, already, conflicts, skipped, null, null);
    }
}
