package dev.winback.local.trace;

/**
 * The consumer marketplace: merchants, their delivery zones and their menus. Merchant popularity
 * follows Zipf's law (the k-th most popular merchant gets traffic ∝ 1/k), as order volume does on
 * real marketplaces. A merchant is budget, regular or premium; item prices are log-normal around the
 * tier's median (18, 30 or 55.00), rounded to 0.50, and fixed per item: the same item always costs
 * the same, whoever buys it.
 */
final class Catalog {

    static final int ITEMS_PER_MERCHANT = 40;
    private static final long[] TIER_MEDIAN_CENTS = {1800, 3000, 5500};

    final int merchants;
    final int zones;
    private final double[] popularity;
    private final String[] merchantIds;
    private final String[] zoneIds;

    Catalog(int merchants, int zones) {
        this.merchants = merchants;
        this.zones = zones;
        double[] weights = new double[merchants];
        merchantIds = new String[merchants];
        for (int m = 0; m < merchants; m++) {
            weights[m] = 1.0 / (m + 1);
            merchantIds[m] = "m-" + (m + 1);
        }
        popularity = Rng.cumulative(weights);
        zoneIds = new String[zones];
        for (int z = 0; z < zones; z++) {
            zoneIds[z] = String.format("zone-sh-%02d", z + 1);
        }
    }

    int popularMerchant(Rng rng) {
        return rng.pick(popularity);
    }

    /** A popular merchant of the premium tier (loyal high-value users favour them). */
    int premiumMerchant(Rng rng) {
        int merchant = popularMerchant(rng);
        for (int attempt = 0; attempt < 20 && tier(merchant) != 2; attempt++) {
            merchant = popularMerchant(rng);
        }
        return merchant;
    }

    String merchantId(int merchant) {
        return merchantIds[merchant];
    }

    String zoneId(int zone) {
        return zoneIds[zone];
    }

    int zoneOf(int merchant) {
        return merchant % zones;
    }

    /** 0 budget, 1 regular, 2 premium; a fixed function of the merchant. */
    int tier(int merchant) {
        return (int) Long.remainderUnsigned(Rng.mix(merchant * 31L + 7), 3);
    }

    String itemId(int merchant, int item) {
        return "i-" + (merchant + 1) + "-" + (item + 1);
    }

    /** The item's price in cents: log-normal (σ 0.45) around its merchant's tier median, in 0.50 steps. */
    long priceCents(int merchant, int item) {
        long bits = Rng.mix(merchant * 1_000_003L + item);
        double u1 = ((bits >>> 11) + 1) / (double) (1L << 53);
        double u2 = (Rng.mix(bits) >>> 11) / (double) (1L << 53);
        double gaussian = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        double cents = TIER_MEDIAN_CENTS[tier(merchant)] * Math.exp(0.45 * gaussian);
        return Math.max(300, Math.round(cents / 50) * 50);
    }
}
