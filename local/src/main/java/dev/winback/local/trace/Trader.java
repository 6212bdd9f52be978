package dev.winback.local.trace;

import java.util.ArrayList;
import java.util.List;

/**
 * One user of the B2B directory (D1): a recycler (supplier) or a mill, smelter or trader (buyer)
 * somewhere in Liaoning.
 *
 * <p><b>Directory entry</b>, sent as {@code profile_updated} in the first half hour of the trace (the
 * directory import): name, fictional phone (+86 139 00xx xxxx) and, when verified (55 %), a WeChat
 * open id; {@code role} (60 % suppliers), {@code verified}, {@code lat}/{@code lon} around the city
 * centre, one or two {@code categories} and one to three of their {@code materials}, a
 * {@code businessNature} that fits the role and category, {@code features} (monthly tonnes,
 * log-normal around 40; years trading), {@code preferences} (preferred contact time) and
 * {@code tradeFrequency} (deals per 30 days, log-normal around 3).
 *
 * <p><b>Activity</b>: a few app sessions a week (prices page, sometimes a site page) and its own deals:
 * a Poisson number a day with mean {@code tradeFrequency}/30, in office hours, as {@code transaction}
 * events at one of three sites of its city (0.5 t and more, at about the list price).
 *
 * <p><b>Answering site campaigns.</b> The trace cannot know whom Winback would target, so it answers
 * for the users any sensible targeting preselects (D3): the campaign's role (purchase → suppliers,
 * sale → buyers), a shared category and a distance within the campaign's radius. Among them the
 * response depends on what a good model can see — and on one thing it cannot, a hidden
 * responsiveness r (Beta-like, mean 0.45, higher for frequent traders):
 * <pre>
 *   proximity  = exp(−distance / (radius / 2))        1 at the site, 0.37 at half the radius
 *   P(read)    = (verified ? 0.85 : 0.55) × (0.4 + 0.6 r)
 *   P(click | read) = 0.1 + 0.7 r × (0.2 + 0.8 proximity)
 *   P(deal | click) = 0.15 + 0.7 × materialFit × f/(f + 3) × proximity
 * </pre>
 * with materialFit 1 when the user trades one of the listed materials (0.5 otherwise) and f the trade
 * frequency. Reads come 1 minute to a day after the send (log-normal around 30 min), clicks seconds
 * to minutes after the read, deals hours later (around 6 h) as a {@code transaction} at the
 * campaign's site and price, for a few tonnes, carrying the message id. The message id is
 * {@code cm-<campaignId>-<userId>}: a targeting evaluation joins its targets on it.
 */
final class Trader extends Source {

    private static final byte PROFILE = 0;
    private static final byte SESSION = 1;
    private static final byte DEAL = 2;
    private static final byte CAMPAIGN = 3;
    private static final String[] CONTACT_TIMES = {"morning", "afternoon", "evening"};

    private final World world;
    private final Rng rng;
    private final int index;
    private final City city;
    private final long latE6;
    private final long lonE6;
    private final boolean supplier;
    private final boolean verified;
    private final List<String> categories;
    private final List<String> materials;
    private final String nature;
    private final long monthlyTonnes;
    private final int yearsTrading;
    private final long tradeFrequencyTenths;
    private final double responsiveness;
    private final int[] homeSites;

    private int sessions;
    private int day;
    private final DayPlan plan = new DayPlan();

    Trader(int order, World world, int index, BufferGauge gauge) {
        super(order, "b-" + (index + 1), gauge);
        this.world = world;
        this.index = index;
        this.rng = new Rng(world.settings.seed(), World.STREAM_TRADER, index);
        this.city = City.pick(rng);
        double[] at = city.around(rng, 12);
        this.latE6 = Math.round(at[0] * 1e6);
        this.lonE6 = Math.round(at[1] * 1e6);
        this.supplier = rng.chance(0.6);
        this.verified = rng.chance(0.55);
        int first = TradeGoods.pickCategory(rng);
        List<Integer> indices = new ArrayList<>(List.of(first));
        if (rng.chance(0.3)) {
            indices.add(TradeGoods.otherCategory(rng, first));
        }
        List<String> names = new ArrayList<>();
        List<TradeGoods.Material> offered = new ArrayList<>();
        for (int c : indices) {
            names.add(TradeGoods.CATEGORIES.get(c).name());
            offered.addAll(TradeGoods.CATEGORIES.get(c).materials());
        }
        this.categories = List.copyOf(names);
        List<String> traded = new ArrayList<>();
        int wanted = Math.min(offered.size(), rng.between(1, 3));
        while (traded.size() < wanted) {
            String material = offered.get(rng.below(offered.size())).name();
            if (!traded.contains(material)) {
                traded.add(material);
            }
        }
        this.materials = List.copyOf(traded);
        List<String> natures = supplier ? TradeGoods.SUPPLIER_NATURES : TradeGoods.CATEGORIES.get(first).buyerNatures();
        this.nature = natures.get(rng.below(natures.size()));
        this.monthlyTonnes = Math.max(1, Math.round(rng.logNormal(40, 0.8)));
        this.yearsTrading = rng.between(1, 25);
        double frequency = Math.clamp(rng.logNormal(3, 0.7), 0.1, 40);
        this.tradeFrequencyTenths = Math.round(frequency * 10);
        // Hidden: what makes a user answer campaigns beyond what the directory shows (mean ≈ 0.45).
        double frequent = frequency / (frequency + 3);
        this.responsiveness = Math.clamp(0.25 * rng.uniform() + 0.25 * rng.uniform() + 0.4 * frequent, 0.02, 0.98);
        this.homeSites = new int[3];
        int cityIndex = city.ordinal() * city.districts.size();
        for (int i = 0; i < homeSites.length; i++) {
            homeSites[i] = cityIndex + i;
        }
        planFrom(0);
    }

    double lat() {
        return latE6 / 1e6;
    }

    double lon() {
        return lonE6 / 1e6;
    }

    // --- planning ------------------------------------------------------------------------------

    private void planFrom(int first) {
        for (day = first; day < world.days; day++) {
            planDay(day);
            if (plan.hasNext()) {
                nextActivityAt = plan.nextAt();
                return;
            }
        }
        nextActivityAt = NEVER;
    }

    private void planDay(int d) {
        plan.clear();
        long from = world.dayStart(d);
        int offset = TimeZones.offsetSeconds(TimeZones.SHANGHAI, from + Diurnal.DAY / 2);
        if (d == 0) {
            plan.add(from + rng.betweenMillis(0, 30 * 60_000), PROFILE, 0);
        }
        long profileBy = world.startMillis + 30 * 60_000;
        int sessionCount = rng.poisson(0.35);
        for (int i = 0; i < sessionCount; i++) {
            plan.add(Math.max(profileBy + 1, Diurnal.BUSINESS.sample(rng, from, offset)), SESSION, 0);
        }
        int dealCount = rng.poisson(tradeFrequencyTenths / 10.0 / 30);
        for (int i = 0; i < dealCount; i++) {
            plan.add(Math.max(profileBy + 1, Diurnal.BUSINESS.sample(rng, from, offset)), DEAL, 0);
        }
        for (int c : world.campaignsOn(d)) {
            SiteCampaign campaign = world.campaigns.get(c);
            if (preselected(campaign)) {
                plan.add(campaign.at() + rng.betweenMillis(60_000, 5 * 60_000), CAMPAIGN, c);
            }
        }
        plan.sort();
    }

    /** What any reasonable targeting would preselect (D3): role, category and distance. */
    boolean preselected(SiteCampaign campaign) {
        if (supplier != campaign.targetRole().equals("supplier")) {
            return false;
        }
        boolean sharesCategory = false;
        for (String category : campaign.categories()) {
            sharesCategory |= categories.contains(category);
        }
        return sharesCategory && distanceKm(campaign) <= campaign.radiusKm();
    }

    double distanceKm(SiteCampaign campaign) {
        return City.distanceKm(lat(), lon(), campaign.site().lat(), campaign.site().lon());
    }



    @Override
    protected void expandNextActivity() {
        long at = plan.nextAt();
        byte kind = plan.nextKind();
        int arg = plan.nextArg();
        plan.advance();
        switch (kind) {
            case PROFILE -> emit(at, "profile_updated", null, profile());
            case SESSION -> session(at);
            case DEAL -> deal(at);
            default -> answer(at, world.campaigns.get(arg));
        }
        if (plan.hasNext()) {
            nextActivityAt = plan.nextAt();
        } else {
            planFrom(day + 1);
        }
    }

    // --- activities ----------------------------------------------------------------------------

    private void session(long at) {
        String sid = "s-" + userId + "-" + (++sessions);
        emit(at, "app_open", sid, "");
        long t = at + rng.betweenMillis(300, 2_000);
        emit(t, "login", sid, "");
        t += rng.betweenMillis(300, 1_500);
        String prices = new Fields().text("page", "prices").build();
        emit(t, "page_enter", sid, prices);
        t += Math.clamp((long) rng.logNormal(40_000, 0.6), 3_000, 600_000);
        emit(t, "page_leave", sid, prices);
        if (rng.chance(0.5)) {
            String site = new Fields().text("page", "site").build();
            t += rng.betweenMillis(300, 1_500);
            emit(t, "page_enter", sid, site);
            t += Math.clamp((long) rng.logNormal(30_000, 0.6), 3_000, 600_000);
            emit(t, "page_leave", sid, site);
        }
        emit(t + rng.betweenMillis(200, 800), "app_leave", sid, "");
    }

    /** A deal of its own at one of its city's sites, at about the list price. */
    private void deal(long at) {
        Site site = world.sites.get(homeSites[rng.below(homeSites.length)]);
        String material = materials.get(rng.below(materials.size()));
        long yuan = Math.round(TradeGoods.basePrice(material) * (1 + 0.03 * rng.gaussian()));
        emit(at, "transaction", null, new Fields().money("amount", tenthsOfTonnes() * yuan * 10)
                .text("siteId", site.siteId()).build());
    }

    private long tenthsOfTonnes() {
        return Math.max(5, Math.round(rng.logNormal(monthlyTonnes / 4.0, 0.5) * 10));
    }

    /** The engagement model of the class comment. */
    private void answer(long sentAt, SiteCampaign campaign) {
        double radius = campaign.radiusKm();
        double proximity = Math.exp(-distanceKm(campaign) / (radius / 2));
        String materialTraded = null;
        for (String material : campaign.materials()) {
            if (materialTraded == null && materials.contains(material)) {
                materialTraded = material;
            }
        }
        double materialFit = materialTraded != null ? 1 : 0.5;
        double frequency = tradeFrequencyTenths / 10.0;
        String messageId = dev.winback.core.geo.CampaignMessageIds.of(campaign.campaignId(), userId);
        String message = new Fields().text("messageId", messageId).build();
        if (!rng.chance((verified ? 0.85 : 0.55) * (0.4 + 0.6 * responsiveness))) {
            return;
        }
        long readAt = sentAt + Math.clamp((long) rng.logNormal(30 * 60_000, 1.1), 60_000, Diurnal.DAY);
        emit(readAt, "message_read", null, message);
        if (!rng.chance(0.1 + 0.7 * responsiveness * (0.2 + 0.8 * proximity))) {
            return;
        }
        long clickAt = readAt + Math.clamp((long) rng.logNormal(40_000, 0.8), 2_000, 30 * 60_000);
        emit(clickAt, "message_clicked", null, message);
        if (!rng.chance(0.15 + 0.7 * materialFit * frequency / (frequency + 3) * proximity)) {
            return;
        }
        long dealAt = clickAt + Math.clamp((long) rng.logNormal(6 * Diurnal.HOUR, 0.8), 10 * 60_000, 3 * Diurnal.DAY);
        String material = materialTraded != null ? materialTraded : campaign.materials().getFirst();
        emit(dealAt, "transaction", null, new Fields()
                .money("amount", tenthsOfTonnes() * campaign.priceOf(material) * 10)
                .text("siteId", campaign.site().siteId()).text("messageId", messageId).build());
    }

    private String profile() {
        Fields features = new Fields().integer("monthlyTonnes", monthlyTonnes).integer("yearsTrading", yearsTrading);
        Fields preferences = new Fields().text("contactTime", CONTACT_TIMES[rng.below(CONTACT_TIMES.length)]);
        Fields fields = new Fields()
                .text("name", city.cityName + "示例" + nature + (index + 1) + "号")
                .text("phone", String.format("+8613900%06d", index % 1_000_000));
        if (verified) {
            fields.text("wechatOpenId", "oExample-" + userId);
        }
        return fields.text("timezone", TimeZones.IDS[TimeZones.SHANGHAI]).text("locale", "zh-CN")
                .text("role", supplier ? "supplier" : "buyer").bool("verified", verified)
                .number("lat", latE6, 6).number("lon", lonE6, 6)
                .texts("categories", categories).texts("materials", materials)
                .text("businessNature", nature)
                .raw("features", features.buildObject()).raw("preferences", preferences.buildObject())
                .number("tradeFrequency", tradeFrequencyTenths, 1)
                .build();
    }
}
