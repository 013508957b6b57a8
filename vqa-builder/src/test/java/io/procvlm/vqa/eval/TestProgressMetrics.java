package io.procvlm.vqa.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

final class TestProgressMetrics {
    private static final double TOLERANCE = 1e-9;

    @Test
    void perfectPredictorScoresOne() {
        double[] gt = {0, 12.5, 40, 77, 100};
        double[] pred = gt.clone();
        assertThat(ProgressMetrics.voc(gt, pred)).isCloseTo(1.0, within(TOLERANCE));
        assertThat(ProgressMetrics.kendallTauA(gt, pred)).isEqualTo(1.0);
        assertThat(ProgressMetrics.ccc(gt, pred)).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void reversedPredictorScoresMinusOne() {
        double[] gt = {10, 20, 30, 40};
        double[] pred = {40, 30, 20, 10};
        assertThat(ProgressMetrics.voc(gt, pred)).isCloseTo(-1.0, within(TOLERANCE));
        assertThat(ProgressMetrics.kendallTauA(gt, pred)).isEqualTo(-1.0);
    }

    @Test
    void vocUsesAverageRanksForTiedPredictions() {
        // positions 0..3 against prediction ranks 1.5, 1.5, 3, 4: Pearson = 4.5 / sqrt(5 * 4.5) = sqrt(0.9)
        double[] gt = {0, 25, 50, 75};
        double[] pred = {10, 10, 30, 40};
        assertThat(ProgressMetrics.voc(gt, pred)).isCloseTo(Math.sqrt(0.9), within(TOLERANCE));
    }

    @Test
    void vocRanksGroundTruthTiesTogether() {
        // tied ground truths share rank 1.5: the order of the tied samples does not matter, and a perfect predictor
        // of a plateau scores 1 (the reference's positional ranks would give 0.5 and 1.0 for the first two)
        double[] gt = {50, 50, 100};
        // ranks (1.5, 1.5, 3) against (2, 1, 3): 1.5 / sqrt(1.5 * 2)
        assertThat(ProgressMetrics.voc(gt, new double[] {60, 40, 90})).isCloseTo(1.5 / Math.sqrt(3), within(TOLERANCE));
        assertThat(ProgressMetrics.voc(gt, new double[] {40, 60, 90})).isCloseTo(1.5 / Math.sqrt(3), within(TOLERANCE));
        assertThat(ProgressMetrics.voc(gt, new double[] {50, 50, 100})).isCloseTo(1.0, within(TOLERANCE));
        // Kendall ignores the pair tied in ground truth either way: 2 concordant of 3 pairs
        assertThat(ProgressMetrics.kendallTauA(gt, new double[] {60, 40, 90})).isCloseTo(2 / 3.0, within(TOLERANCE));
        assertThat(ProgressMetrics.kendallTauA(gt, new double[] {40, 60, 90})).isCloseTo(2 / 3.0, within(TOLERANCE));
    }

    @Test
    void vocIsSortedByGroundTruthNotByInputOrder() {
        // the same pairs in another input order give the same VOC when ground truth has no ties
        double[] gt = {30, 10, 20, 40};
        double[] pred = {25, 5, 40, 60};
        // sorted by gt: predictions 5, 40, 25, 60 -> ranks 1, 3, 2, 4: 1 - 6 * 2 / (4 * 15) = 0.8
        assertThat(ProgressMetrics.voc(gt, pred)).isCloseTo(0.8, within(TOLERANCE));
    }

    @Test
    void kendallTauAKeepsTiedPairsInTheDenominator() {
        // pairs: (0,1) tied in prediction, (2,3) discordant, the other 4 concordant: (4 - 1) / 6
        double[] gt = {10, 20, 30, 40};
        double[] pred = {5, 5, 20, 10};
        assertThat(ProgressMetrics.kendallTauA(gt, pred)).isCloseTo(0.5, within(TOLERANCE));
    }

    @Test
    void constantPredictionsScoreZero() {
        double[] gt = {0, 30, 60, 90};
        double[] pred = {50, 50, 50, 50};
        assertThat(ProgressMetrics.voc(gt, pred)).isEqualTo(0.0);
        assertThat(ProgressMetrics.kendallTauA(gt, pred)).isEqualTo(0.0);
        assertThat(ProgressMetrics.ccc(gt, pred)).isEqualTo(0.0);
        assertThat(ProgressMetrics.epr50(pred)).isEqualTo(1.0);
        // and a constant ground truth gives CCC 0 as well
        assertThat(ProgressMetrics.ccc(pred, gt)).isEqualTo(0.0);
    }

    @Test
    void fewerThanTwoPairsScoreZero() {
        assertThat(ProgressMetrics.voc(new double[] {10}, new double[] {10})).isEqualTo(0.0);
        assertThat(ProgressMetrics.kendallTauA(new double[] {10}, new double[] {10}))
                .isEqualTo(0.0);
        assertThat(ProgressMetrics.ccc(new double[0], new double[0])).isEqualTo(0.0);
    }

    @Test
    void cccByHand() {
        // gt mean 50 var 2500; pred mean 75 var 625; cov 1250: 2 * 1250 / (625 + 2500 + 625)
        assertThat(ProgressMetrics.ccc(new double[] {0, 100}, new double[] {50, 100}))
                .isCloseTo(2500.0 / 3750.0, within(1e-9));
    }

    @Test
    void cccClampsToPercentRange() {
        assertThat(ProgressMetrics.ccc(new double[] {0, 100}, new double[] {-20, 150}))
                .isCloseTo(1.0, within(1e-9));
    }

    @Test
    void cccMatchesLinsFormulaOnRandomData() {
        Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            int n = 2 + random.nextInt(12);
            double[] gt = new double[n];
            double[] pred = new double[n];
            for (int i = 0; i < n; i++) {
                gt[i] = random.nextInt(101);
                pred[i] = random.nextInt(101);
            }
            assertThat(ProgressMetrics.ccc(gt, pred)).isCloseTo(linsCcc(gt, pred), within(1e-9));
        }
    }

    @Test
    void vocAndKendallMatchBruteForceWithTies() {
        Random random = new Random(11);
        for (int trial = 0; trial < 200; trial++) {
            int n = 2 + random.nextInt(10);
            double[] gt = new double[n];
            double[] pred = new double[n];
            for (int i = 0; i < n; i++) {
                // few distinct values, so ties on both sides are common
                gt[i] = 10 * random.nextInt(5);
                pred[i] = 10 * random.nextInt(5);
            }
            assertThat(ProgressMetrics.voc(gt, pred)).isCloseTo(bruteForceVoc(gt, pred), within(1e-9));
            assertThat(ProgressMetrics.kendallTauA(gt, pred)).isCloseTo(bruteForceTauA(gt, pred), within(1e-12));
        }
    }

    @Test
    void epr50SmallExamples() {
        // expected values from an independent numpy implementation of the reference loop
        assertThat(ProgressMetrics.epr50(new double[] {30, 30})).isEqualTo(1.0);
        assertThat(ProgressMetrics.epr50(new double[] {0, 100})).isEqualTo(2.0);
        assertThat(ProgressMetrics.epr50(new double[] {0, 25, 50, 75})).isEqualTo(3.0);
        assertThat(ProgressMetrics.epr50(new double[] {12.5, 37.5, 62.5, 87.5})).isEqualTo(3.0);
        assertThat(ProgressMetrics.epr50(new double[] {0, 50, 100})).isCloseTo(log2(6), within(TOLERANCE));
        assertThat(ProgressMetrics.epr50(new double[] {0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100}))
                .isCloseTo(4.459431618637297, within(TOLERANCE));
        assertThat(ProgressMetrics.epr50(new double[] {1, 2, 3, 4, 5})).isEqualTo(1.0);
        assertThat(ProgressMetrics.epr50(new double[] {3.3, 47.1, 88.8, 91.2, 99.9}))
                .isCloseTo(log2(6), within(TOLERANCE));
    }

    @Test
    void epr50OfNothingIsZero() {
        assertThat(ProgressMetrics.epr50(new double[0])).isEqualTo(0.0);
    }

    @Test
    void epr50ReachesTheFinestResolution() {
        // 500 distinct bins at k = 1000: 0.001 * 500 >= 0.5
        double[] pred = new double[500];
        for (int i = 0; i < pred.length; i++) {
            pred[i] = i * 0.2 + 0.05;
        }
        assertThat(ProgressMetrics.epr50(pred)).isCloseTo(log2(1000), within(TOLERANCE));
    }

    @Test
    void mcc95ByHand() {
        // tp 2, fn 1, tn 2, fp 0: (2 * 2 - 0) / sqrt(2 * 3 * 2 * 3)
        assertThat(ProgressMetrics.mcc95(new double[] {100, 100, 100, 0, 0}, new double[] {100, 100, 0, 0, 0}))
                .isCloseTo(4.0 / Math.sqrt(36 + 1e-8), within(1e-15));
        // one of each cell: 0
        assertThat(ProgressMetrics.mcc95(new double[] {100, 100, 0, 0}, new double[] {96, 10, 97, 5}))
                .isCloseTo(0.0, within(1e-12));
        // perfect and inverted: +-1 / sqrt(1 + 1e-8), the epsilon sits inside the square root
        assertThat(ProgressMetrics.mcc95(new double[] {100, 20}, new double[] {99, 30}))
                .isCloseTo(1 / Math.sqrt(1 + 1e-8), within(1e-15));
        assertThat(ProgressMetrics.mcc95(new double[] {100, 20}, new double[] {30, 99}))
                .isCloseTo(-1 / Math.sqrt(1 + 1e-8), within(1e-15));
    }

    @Test
    void mcc95ThresholdIsInclusive() {
        // 95 is done, 94.99 is not: gt done, pred not -> fn; gt not, pred done -> fp
        assertThat(ProgressMetrics.mcc95(new double[] {95, 94.99}, new double[] {94.99, 95}))
                .isCloseTo(-1 / Math.sqrt(1 + 1e-8), within(1e-15));
    }

    @Test
    void mcc95WithOneClassIsZeroAndWithoutPairsNaN() {
        assertThat(ProgressMetrics.mcc95(new double[] {10, 20}, new double[] {30, 40}))
                .isEqualTo(0.0);
        assertThat(ProgressMetrics.mcc95(new double[0], new double[0])).isNaN();
    }

    @Test
    void rejectsArraysOfDifferentLengths() {
        assertThatThrownBy(() -> ProgressMetrics.voc(new double[2], new double[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Ground truth and predictions differ in length: 2 vs 3");
    }

    private static double log2(int k) {
        return Math.log(k) / Math.log(2);
    }

    /** Lin's CCC as 2·ρ·σp·σg / (σp² + σg² + (μp − μg)²), through the Pearson ρ. */
    private static double linsCcc(double[] gt, double[] pred) {
        int n = gt.length;
        double mg = 0;
        double mp = 0;
        for (int i = 0; i < n; i++) {
            mg += gt[i] / n;
            mp += pred[i] / n;
        }
        double vg = 0;
        double vp = 0;
        double sgp = 0;
        for (int i = 0; i < n; i++) {
            vg += (gt[i] - mg) * (gt[i] - mg) / n;
            vp += (pred[i] - mp) * (pred[i] - mp) / n;
            sgp += (gt[i] - mg) * (pred[i] - mp) / n;
        }
        if (vg < 1e-8 || vp < 1e-8) {
            return 0;
        }
        double rho = sgp / Math.sqrt(vg * vp);
        return 2 * rho * Math.sqrt(vp) * Math.sqrt(vg) / (vp + vg + (mp - mg) * (mp - mg) + 1e-8);
    }

    /** Spearman by counting: insertion-sort by gt (stable), rank = #smaller + (#equal + 1) / 2. */
    /** Spearman ρ as Pearson's r of average ranks on both sides, computed pairwise without sorting. */
    private static double bruteForceVoc(double[] gt, double[] pred) {
        int n = gt.length;
        double[] x = bruteRanks(gt);
        double[] y = bruteRanks(pred);
        double meanRank = (n + 1) / 2.0;
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - meanRank) * (y[i] - meanRank);
            sxx += (x[i] - meanRank) * (x[i] - meanRank);
            syy += (y[i] - meanRank) * (y[i] - meanRank);
        }
        return sxx == 0 || syy == 0 ? 0 : sxy / Math.sqrt(sxx * syy);
    }

    private static double[] bruteRanks(double[] values) {
        int n = values.length;
        double[] ranks = new double[n];
        for (int i = 0; i < n; i++) {
            int smaller = 0;
            int equal = 0;
            for (int j = 0; j < n; j++) {
                if (values[j] < values[i]) {
                    smaller++;
                } else if (values[j] == values[i]) {
                    equal++;
                }
            }
            ranks[i] = smaller + (equal + 1) / 2.0;
        }
        return ranks;
    }

    /** τ-a over all index pairs of the original order (it does not depend on the order). */
    private static double bruteForceTauA(double[] gt, double[] pred) {
        int n = gt.length;
        int concordant = 0;
        int discordant = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double product = (gt[i] - gt[j]) * (pred[i] - pred[j]);
                if (product > 0) {
                    concordant++;
                } else if (product < 0) {
                    discordant++;
                }
            }
        }
        return (concordant - discordant) / (n * (n - 1) / 2.0);
    }
}
