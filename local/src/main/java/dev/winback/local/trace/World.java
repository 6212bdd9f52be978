package dev.winback.local.trace;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What every source of a trace shares, fixed before the first event: the period, the consumer
 * marketplace, the B2B sites and the campaign calendar. Small: it does not grow with users or events.
 */
final class World {

    /** Random streams, one per kind of source, so kinds do not disturb each other's draws. */
    static final long STREAM_WORLD = 1;
    static final long STREAM_SHOPPER = 2;
    static final long STREAM_TRADER = 3;
    static final long STREAM_ZONE = 4;
    static final long STREAM_MERCHANT = 5;

    private static final String[] SITE_KINDS = {"回收基地", "分拣中心", "加工厂"};

    final TraceSettings settings;
    final long startMillis;
    final long endMillis;
    final int days;
    final Catalog catalog;
    final List<Site> sites;
    final List<SiteCampaign> campaigns;
    private final int[][] campaignsByDay;

    World(TraceSettings settings) {
        this.settings = settings;
        this.startMillis = settings.start().toEpochMilli();
        this.days = settings.days();
        this.endMillis = startMillis + days * Diurnal.DAY;
        this.catalog = new Catalog(settings.merchants(), settings.zones());
        Rng rng = new Rng(settings.seed(), STREAM_WORLD, 0);
        this.sites = sites(rng);
        this.campaigns = campaigns(rng, settings.campaigns());
        this.campaignsByDay = new int[days][];
        List<List<Integer>> byDay = new ArrayList<>();
        for (int d = 0; d < days; d++) {
            byDay.add(new ArrayList<>());
        }
        for (int i = 0; i < campaigns.size(); i++) {
            byDay.get(dayOf(campaigns.get(i).at())).add(i);
        }
        for (int d = 0; d < days; d++) {
            campaignsByDay[d] = byDay.get(d).stream().mapToInt(Integer::intValue).toArray();
        }
    }

    long dayStart(int day) {
        return startMillis + day * Diurnal.DAY;
    }

    int dayOf(long at) {
        return (int) ((at - startMillis) / Diurnal.DAY);
    }

    /** Indices into {@link #campaigns} of the campaigns launched on that day. */
    int[] campaignsOn(int day) {
        return campaignsByDay[day];
    }

    /** Three sites per city, one per district, within a few km of the centre. */
    private static List<Site> sites(Rng rng) {
        List<Site> sites = new ArrayList<>();
        for (City city : City.values()) {
            for (int k = 0; k < city.districts.size(); k++) {
                double[] at = city.around(rng, 8);
                sites.add(new Site("site-" + city.code + "-" + (k + 1),
                        "辽宁示例" + city.cityName + city.districts.get(k) + SITE_KINDS[k % SITE_KINDS.length],
                        city, Math.round(at[0] * 1e6), Math.round(at[1] * 1e6)));
            }
        }
        return List.copyOf(sites);
    }

    /**
     * Campaigns spread evenly over the days, launched in office hours (09:00–16:00 Shanghai), 60 %
     * purchases; one category (a quarter of them two), two or three materials, prices moved by
     * 10–80 yuan (one line in ten unchanged), a reach of 50 km (half of them; the rest 30 or 80 km).
     */
    private List<SiteCampaign> campaigns(Rng rng, int count) {
        List<SiteCampaign> planned = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int day = (int) ((long) i * days / count);
            long from = dayStart(day);
            int offset = TimeZones.offsetSeconds(TimeZones.SHANGHAI, from + Diurnal.DAY / 2);
            long at = Diurnal.atLocalTime(from, offset, 9 * 3600 + rng.below(7 * 3600));
            at = Math.min(Math.max(at, startMillis + Diurnal.HOUR), endMillis - 1);
            Site site = sites.get(rng.below(sites.size()));
            String kind = rng.chance(0.6) ? "purchase" : "sale";
            int first = TradeGoods.pickCategory(rng);
            List<Integer> categoryIndices = new ArrayList<>(List.of(first));
            if (rng.chance(0.25)) {
                categoryIndices.add(TradeGoods.otherCategory(rng, first));
            }
            List<TradeGoods.Material> offered = new ArrayList<>();
            List<String> categories = new ArrayList<>();
            for (int c : categoryIndices) {
                categories.add(TradeGoods.CATEGORIES.get(c).name());
                offered.addAll(TradeGoods.CATEGORIES.get(c).materials());
            }
            LinkedHashSet<TradeGoods.Material> chosen = new LinkedHashSet<>();
            int wanted = Math.min(offered.size(), rng.between(2, 3));
            while (chosen.size() < wanted) {
                chosen.add(offered.get(rng.below(offered.size())));
            }
            List<String> materials = new ArrayList<>();
            List<SiteCampaign.PriceRow> prices = new ArrayList<>();
            for (TradeGoods.Material material : chosen) {
                long yuan = Math.max(10, Math.round(material.yuanPerTonne() * (1 + 0.03 * rng.gaussian()) / 10) * 10);
                long change = rng.chance(0.1) ? 0 : (rng.chance(0.5) ? 1 : -1) * 10L * rng.between(1, 8);
                materials.add(material.name());
                prices.add(new SiteCampaign.PriceRow(material.name(), yuan, change));
            }
            double reach = rng.uniform();
            boolean explicit = reach >= 0.5;
            double radius = !explicit ? 50 : reach < 0.75 ? 30 : 80;
            String priceDate = LocalDate.ofEpochDay(Math.floorDiv(at + offset * 1000L, Diurnal.DAY)).toString();
            planned.add(new SiteCampaign("cmp-" + (i + 1), at, kind, site, radius, explicit, List.copyOf(categories),
                    List.copyOf(materials), List.copyOf(prices), priceDate));
        }
        planned.sort(Comparator.comparingLong(SiteCampaign::at));
        return List.copyOf(planned);
    }
}
