package dev.winback.core.geo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.winback.core.event.BehaviorEvent;
import dev.winback.core.event.Decoded;
import dev.winback.core.event.Rejection;
import dev.winback.testing.EventJson;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A launch request decoded by the event decoder's rules, the campaign it becomes, and its fingerprint. */
class SiteCampaignsTest {

    private static final Instant RECEIVED = Instant.parse("2026-10-23T00:30:00Z");
    private static final String BODY = """
            {"campaignId":"c-1023","kind":"purchase","siteId":"site-bx","siteName":"辽宁吉和源本溪溪湖中心基地",
             "lat":41.33,"lon":123.76,"radiusKm":30,"categories":["废钢"],"materials":["重废一"],
             "prices":[{"material":"重废一","price":"3200","change":"-30"},{"material":"钢筋切粒","price":2830,"change":40}],
             "link":"https://example.com/p/1023","locale":"zh-CN"}""";

    private static Decoded decode(String body) {
        return SiteCampaigns.decodeRequest(EventJson.DECODER, body.getBytes(StandardCharsets.UTF_8), "url-req-1", RECEIVED);
    }

    @Test
    void aRequestBodyNeedsNeitherTypeNorEventIdNorTime() {
        BehaviorEvent.SiteCampaign event = (BehaviorEvent.SiteCampaign) assertInstanceOf(Decoded.Accepted.class,
                decode(BODY)).event();

        assertEquals("url-req-1", event.eventId());
        assertEquals(RECEIVED, event.occurredAt());
        Campaign campaign = SiteCampaigns.toCampaign(event, event.occurredAt(), ZoneId.of("Asia/Shanghai"));
        assertEquals(Role.SUPPLIER, campaign.targetRole());
        assertEquals(30, campaign.radiusKm());
        assertEquals(LocalDate.of(2026, 10, 23), campaign.priceDate(), "the launch day in Shanghai");
        assertEquals(List.of(new PriceItem("重废一", "3200", "-30"), new PriceItem("钢筋切粒", new BigDecimal("2830"),
                new BigDecimal("40"))), campaign.prices());
        assertEquals("10月23日辽宁吉和源本溪溪湖中心基地:重废一3200跌30、钢筋切粒2830涨40,详见:https://example.com/p/1023",
                CampaignMessage.render(CampaignMessage.DEFAULT_TEMPLATES, campaign));
    }

    @Test
    void aBadRequestIsRejectedNamingTheFieldAsTheStreamWould() {
        Rejection missing = assertInstanceOf(Decoded.Rejected.class, decode(BODY.replace("\"categories\":[\"废钢\"],", "")))
                .rejection();
        assertEquals("categories", missing.field());
        Rejection kind = assertInstanceOf(Decoded.Rejected.class, decode(BODY.replace("purchase", "barter"))).rejection();
        assertEquals("kind", kind.field());
        Rejection type = assertInstanceOf(Decoded.Rejected.class, decode(BODY.replace("{\"campaignId\"",
                "{\"type\":\"login\",\"campaignId\""))).rejection();
        assertEquals("type", type.field());
        assertEquals(Rejection.INVALID_JSON, assertInstanceOf(Decoded.Rejected.class, decode("{\"campaignId\":")).rejection().code());
        assertEquals(Rejection.NOT_AN_OBJECT, assertInstanceOf(Decoded.Rejected.class, decode("[]")).rejection().code());
    }

    @Test
    void theFingerprintIgnoresTheLaunchTimeOnly() {
        BehaviorEvent.SiteCampaign event = (BehaviorEvent.SiteCampaign) ((Decoded.Accepted) decode(BODY)).event();
        ZoneId zone = ZoneId.of("Asia/Shanghai");
        Campaign first = SiteCampaigns.toCampaign(event, RECEIVED, zone);
        Campaign retried = SiteCampaigns.launchedAt(first, RECEIVED.plusSeconds(90));
        Campaign repriced = SiteCampaigns.toCampaign((BehaviorEvent.SiteCampaign) ((Decoded.Accepted)
                decode(BODY.replace("\"-30\"", "\"-40\""))).event(), RECEIVED, zone);

        assertEquals(SiteCampaigns.fingerprint(first), SiteCampaigns.fingerprint(retried));
        assertNotEquals(SiteCampaigns.fingerprint(first), SiteCampaigns.fingerprint(repriced));
    }

    @Test
    void campaignMessageIdsNameTheCampaignForTheirUserOnly() {
        String id = CampaignMessageIds.of("c:2026:10", "u-1");
        assertEquals("campaign:c:2026:10:u-1", id);
        assertEquals("c:2026:10", CampaignMessageIds.campaignOf(id, "u-1"));
        assertNull(CampaignMessageIds.campaignOf(id, "u-2"));
        assertNull(CampaignMessageIds.campaignOf("dl-3f2a", "u-1"));
        assertNull(CampaignMessageIds.campaignOf("campaign::u-1", "u-1"));
    }

    @Test
    void aSendTaskSurvivesItsJsonAndABadBodyIsNamed() {
        CampaignSendTask task = new CampaignSendTask("c-1", "site-bx", "基地", LocalDate.of(2026, 10, 23), RECEIVED, "text",
                null, 2, 3, RECEIVED.plusSeconds(3600), List.of(new CampaignSendTask.Target("u-1", 3.25, 0.5, 1)));
        assertEquals(task, CampaignSendTask.fromJson(task.toJson()));
        IllegalArgumentException bad = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> CampaignSendTask.fromJson("{\"kind\":\"campaign_send\",\"campaignId\":\"c-1\"}"));
        assertEquals("a campaign send task needs 'targets'", bad.getMessage());
    }
}
