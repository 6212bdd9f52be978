package dev.winback.local.trace;

import java.util.List;

/**
 * What the B2B recycling marketplace trades (D1): categories, their material grades and a plausible
 * base price in yuan per tonne (2026 levels in north-east China; campaigns move them by tens of yuan,
 * as the 涨/跌 lines of D6 do).
 */
final class TradeGoods {

    record Material(String name, long yuanPerTonne) {
    }

    record Category(String name, double share, List<Material> materials, List<String> buyerNatures) {
    }

    static final List<Category> CATEGORIES = List.of(
            new Category("废钢", 0.45, List.of(new Material("重废一", 3200), new Material("重废二", 3000),
                    new Material("钢筋切粒", 2830), new Material("中废", 2750), new Material("统料", 2600)),
                    List.of("钢厂", "贸易商")),
            new Category("有色金属", 0.25, List.of(new Material("废铜", 62000), new Material("废铝", 14500),
                    new Material("废不锈钢", 9800)), List.of("冶炼厂", "贸易商")),
            new Category("废纸", 0.20, List.of(new Material("黄板纸", 1750), new Material("花纸", 1450),
                    new Material("书本纸", 2100)), List.of("造纸厂", "贸易商")),
            new Category("废塑料", 0.10, List.of(new Material("PET瓶片", 5200), new Material("PP再生料", 6100)),
                    List.of("再生塑料厂", "贸易商")));

    static final List<String> SUPPLIER_NATURES = List.of("回收站", "拆解厂", "个体回收");

    private static final double[] SHARES;

    static {
        double[] shares = new double[CATEGORIES.size()];
        for (int i = 0; i < shares.length; i++) {
            shares[i] = CATEGORIES.get(i).share();
        }
        SHARES = Rng.cumulative(shares);
    }

    private TradeGoods() {
    }

    static int pickCategory(Rng rng) {
        return rng.pick(SHARES);
    }

    /** A second category different from {@code first}. */
    static int otherCategory(Rng rng, int first) {
        int other = pickCategory(rng);
        return other != first ? other : (first + 1 + rng.below(CATEGORIES.size() - 1)) % CATEGORIES.size();
    }

    static long basePrice(String material) {
        for (Category category : CATEGORIES) {
            for (Material m : category.materials()) {
                if (m.name().equals(material)) {
                    return m.yuanPerTonne();
                }
            }
        }
        throw new IllegalArgumentException("unknown material " + material);
    }
}
