package dev.winback.local.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.winback.core.geo.Campaign;
import dev.winback.core.geo.CampaignFeatures;
import dev.winback.core.geo.Clustering;
import dev.winback.core.geo.DirectoryEntry;
import dev.winback.core.geo.FeatureMatrix;
import dev.winback.core.geo.Preselection;
import java.util.List;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.junit.jupiter.api.Test;

/**
 * The premise of the geo benchmark's comparison: with the same seed and iteration count, our k-means
 * and Commons Math's {@code KMeansPlusPlusClusterer} pick the same seeds and end at the same clusters.
 */
class GeoCampaignBenchmarkTest {

    @Test
    void oursAndCommonsMathFindTheSameClusters() {
        List<DirectoryEntry> directory = GeoCampaignBenchmark.directory(20_000, 3);
        Campaign campaign = GeoCampaignBenchmark.campaign();
        FeatureMatrix matrix = CampaignFeatures.of(campaign, new Preselection(campaign).select(directory));
        assertTrue(matrix.rows() > 19_900, "nearly everyone is preselected: " + matrix.rows());

        Clustering ours = GeoCampaignBenchmark.ours().cluster(matrix);
        List<DoublePoint> points = GeoCampaignBenchmark.points(matrix);
        List<CentroidCluster<DoublePoint>> theirs = GeoCampaignBenchmark.commonsMath(ours.iterations()).cluster(points);

        assertEquals(ours.k(), theirs.size());
        assertEquals(ours.inertia(), GeoCampaignBenchmark.inertia(theirs), 1e-9 * ours.inertia());
        for (int c = 0; c < ours.k(); c++) {
            double[] centre = theirs.get(c).getCenter().getPoint();
            double[] mine = new double[centre.length];
            System.arraycopy(ours.centroids(), c * centre.length, mine, 0, centre.length);
            assertArrayEquals(centre, mine, 1e-12, "centroid " + c);
            assertEquals(ours.sizes()[c], theirs.get(c).getPoints().size(), "size of cluster " + c);
        }
    }
}
