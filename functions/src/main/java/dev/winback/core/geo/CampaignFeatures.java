package dev.winback.core.geo;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The six matching features of D3 for each preselected user, each min–max normalized over the
 * preselected population to [0, 1] and oriented so that <b>higher = better match</b>:
 * <table>
 *   <caption>campaign features</caption>
 *   <tr><th>column</th><th>raw value</th><th>better when</th></tr>
 *   <tr><td>{@code proximity}</td><td>distance to the site, km</td><td>nearer</td></tr>
 *   <tr><td>{@code business}</td><td>the business score (below)</td><td>higher</td></tr>
 *   <tr><td>{@code sensitivity}</td><td>message sensitivity, 0..1</td><td>higher</td></tr>
 *   <tr><td>{@code recency}</td><td>days since the last deal, capped at {@value #RECENCY_CAP_DAYS} (never: the cap)</td><td>fewer days</td></tr>
 *   <tr><td>{@code conversion}</td><td>conversion rate, 0..1</td><td>higher</td></tr>
 *   <tr><td>{@code frequency}</td><td>log(1 + deals per 30 days)</td><td>higher</td></tr>
 * </table>
 * A column whose raw values are all equal says nothing about who fits better and is set to 0.5 for
 * everyone. The log of the trade frequency and the recency cap keep a few extreme users from
 * squeezing everybody else into a sliver of [0, 1].
 *
 * <p><b>Business score</b>: the campaign's {@linkplain Campaign#businessWeights weights} over named
 * business features (none given: weight 1 for every feature name any candidate has). Each weighted
 * feature is min–max normalized over the candidates (flipped for a negative weight; a candidate
 * without it scores 0 on it; when all who have it have the same value, they score 1), and the score is
 * the weighted mean, Σ|w|·value / Σ|w|. A feature nobody has, or weighted 0, does not count.
 */
public final class CampaignFeatures {

    public static final List<String> COLUMNS = List.of("proximity", "business", "sensitivity", "recency",
            "conversion", "frequency");
    public static final int COUNT = COLUMNS.size();
    public static final int RECENCY_CAP_DAYS = 365;

    private CampaignFeatures() {
    }

    /** The normalized feature matrix of {@code candidates} for {@code campaign}, rows in candidate order. */
    public static FeatureMatrix of(Campaign campaign, List<Candidate> candidates) {
        int n = candidates.size();
        double[] values = new double[n * COUNT];
        double[] business = businessScores(campaign, candidates);
        Instant now = campaign.launchedAt();
        for (int i = 0; i < n; i++) {
            Candidate c = candidates.get(i);
            DirectoryEntry e = c.entry();
            int row = i * COUNT;
            values[row] = -c.distanceKm();
            values[row + 1] = business[i];
            values[row + 2] = e.messageSensitivity();
            values[row + 3] = -daysSince(e.lastDealAt(), now);
            values[row + 4] = e.conversionRate();
            values[row + 5] = Math.log1p(Math.max(0, e.tradeFrequency()));
        }
        normalizeColumns(values, n, COUNT);
        return new FeatureMatrix(values, n, COUNT, COLUMNS, candidates);
    }

    /** Days from {@code dealAt} to {@code now}, within [0, cap]; the cap when there was no deal. */
    static double daysSince(Instant dealAt, Instant now) {
        if (dealAt == null) {
            return RECENCY_CAP_DAYS;
        }
        double days = (now.toEpochMilli() - dealAt.toEpochMilli()) / 86_400_000.0;
        return Math.max(0, Math.min(RECENCY_CAP_DAYS, days));
    }

    /**
     * Min–max normalizes every column of a row-major matrix in place, higher raw = higher normalized
     * (the caller negates lower-is-better columns first); a constant column becomes 0.5.
     */
    static void normalizeColumns(double[] values, int rows, int columns) {
        double[] min = new double[columns];
        double[] max = new double[columns];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int i = 0, at = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++, at++) {
                double v = values[at];
                if (v < min[j]) {
                    min[j] = v;
                }
                if (v > max[j]) {
                    max[j] = v;
                }
            }
        }
        double[] scale = new double[columns];
        for (int j = 0; j < columns; j++) {
            scale[j] = max[j] > min[j] ? 1 / (max[j] - min[j]) : 0;
        }
        for (int i = 0, at = 0; i < rows; i++) {
            for (int j = 0; j < columns; j++, at++) {
                values[at] = scale[j] == 0 ? 0.5 : Math.min(1, (values[at] - min[j]) * scale[j]);
            }
        }
    }

    private static double[] businessScores(Campaign campaign, List<Candidate> candidates) {
        Map<String, Double> weights = campaign.businessWeights();
        if (weights.isEmpty()) {
            weights = new LinkedHashMap<>();
            for (Candidate c : candidates) {
                for (String feature : c.entry().features().keySet()) {
                    weights.putIfAbsent(feature, 1.0);
                }
            }
        }
        int n = candidates.size();
        double[] scores = new double[n];
        double[] values = new double[n];
        double totalWeight = 0;
        for (Map.Entry<String, Double> weighted : weights.entrySet()) {
            double w = weighted.getValue();
            if (w == 0 || !Double.isFinite(w)) {
                continue;
            }
            String feature = weighted.getKey();
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                Double v = candidates.get(i).entry().features().get(feature);
                values[i] = v == null ? Double.NaN : v;
                if (v != null) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
            if (min == Double.POSITIVE_INFINITY) {
                continue; // nobody has it: it cannot tell anyone apart
            }
            totalWeight += Math.abs(w);
            double range = max - min;
            for (int i = 0; i < n; i++) {
                if (Double.isNaN(values[i])) {
                    continue;
                }
                double normalized = range > 0 ? (values[i] - min) / range : 1;
                scores[i] += Math.abs(w) * (w > 0 ? normalized : 1 - normalized);
            }
        }
        if (totalWeight > 0) {
            for (int i = 0; i < n; i++) {
                scores[i] /= totalWeight;
            }
        }
        return scores;
    }
}
