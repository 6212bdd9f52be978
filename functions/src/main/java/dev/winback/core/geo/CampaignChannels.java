package dev.winback.core.geo;

import java.util.ArrayList;
import java.util.List;

/**
 * The channels of a site campaign by verification (D5): a verified user (whose business the
 * marketplace has checked, and who follows its official account) gets SMS, a WeChat official-account
 * message and an in-app message; an unverified one gets SMS and a phone call task, because a person on
 * the phone is what turns an unknown trader into a verified one. Every listed channel is used (this is
 * a broadcast of a price list, not a recall with a fallback order); consent, quiet hours and caps are
 * applied afterwards by the sender, as for every trigger.
 */
public final class CampaignChannels {

    private static final List<CampaignChannel> VERIFIED = List.of(CampaignChannel.SMS,
            CampaignChannel.WECHAT_OFFICIAL_ACCOUNT, CampaignChannel.IN_APP);
    private static final List<CampaignChannel> UNVERIFIED = List.of(CampaignChannel.SMS, CampaignChannel.PHONE_CALL);

    private CampaignChannels() {
    }

    /** The D5 channels for the entry's verification status. */
    public static List<CampaignChannel> of(DirectoryEntry entry) {
        return entry.verified() ? VERIFIED : UNVERIFIED;
    }

    /**
     * The D5 channels the entry has an address for: SMS and the call task need a phone, the official
     * account an openId; in-app needs only the user id. An entry may end up with none.
     */
    public static List<CampaignChannel> reachable(DirectoryEntry entry) {
        List<CampaignChannel> channels = new ArrayList<>(3);
        for (CampaignChannel channel : of(entry)) {
            boolean address = switch (channel) {
                case SMS, PHONE_CALL -> entry.phone() != null;
                case WECHAT_OFFICIAL_ACCOUNT -> entry.wechatOpenId() != null;
                case IN_APP -> true;
            };
            if (address) {
                channels.add(channel);
            }
        }
        return List.copyOf(channels);
    }
}
