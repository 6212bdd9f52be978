package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** D5: channels by verification, and which of them the entry has an address for. */
class CampaignChannelsTest {

    @Test
    void verifiedGetsSmsOfficialAccountAndInApp() {
        DirectoryEntry verified = Entries.supplier("v", 41, 123);
        assertEquals(List.of(CampaignChannel.SMS, CampaignChannel.WECHAT_OFFICIAL_ACCOUNT, CampaignChannel.IN_APP),
                CampaignChannels.of(verified));
        assertEquals(List.of("sms", "wechat_oa", "in_app"),
                CampaignChannels.of(verified).stream().map(CampaignChannel::wireName).toList());
    }

    @Test
    void unverifiedGetsSmsAndAPhoneCallTask() {
        DirectoryEntry unverified = Entries.with(Entries.supplier("u", 41, 123), Role.SUPPLIER, List.of("废钢"),
                List.of(), false);
        assertEquals(List.of(CampaignChannel.SMS, CampaignChannel.PHONE_CALL), CampaignChannels.of(unverified));
        assertEquals("call_task", CampaignChannel.PHONE_CALL.wireName());
    }

    @Test
    void reachableKeepsTheChannelsWithAnAddress() {
        DirectoryEntry noPhone = DirectoryProfile.fold(Entries.supplier("v", 41, 123),
                java.util.Collections.singletonMap("phone", null));
        assertEquals(List.of(CampaignChannel.WECHAT_OFFICIAL_ACCOUNT, CampaignChannel.IN_APP),
                CampaignChannels.reachable(noPhone));
        DirectoryEntry unverifiedNoPhone = Entries.with(noPhone, Role.SUPPLIER, List.of("废钢"), List.of(), false);
        assertEquals(List.of(), CampaignChannels.reachable(unverifiedNoPhone));
        DirectoryEntry noOpenId = DirectoryProfile.fold(Entries.supplier("v", 41, 123),
                java.util.Collections.singletonMap("wechatOpenId", null));
        assertEquals(List.of(CampaignChannel.SMS, CampaignChannel.IN_APP), CampaignChannels.reachable(noOpenId));
    }
}
