package io.procvlm.vqa.eval;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * The reference's progress metrics (§6 of {@code procvlm.md}) as pure functions of a ground-truth and a predicted
 * progress array, both in percent (0–100) and of equal length. The per-episode metrics ({@link #voc},
 * {@link #kendallTauA}, {@link #ccc}, {@link #epr50}) are meant for the samples of one episode; {@link #mcc95} for all
 * progress samples of a test set.
 */
public final class ProgressMetrics {
    /** Progress (percent) from which a frame counts as done for MCC@95. */
    public static final double DONE_THRESHOLD = 95.0;

    private static final double EPSILON = 1e-8;
    private static final int EPR_FINEST_BINS = 1000;

    private ProgressMetrics() {}

    /**
     * Value-order correlation: Spearman's ρ between the ground truth's ranks and the predictions' ranks, both with
     * average ranks for ties. Predictions are not clamped. NaN (constant predictions or ground truth, or fewer than 2
     * pairs) counts as 0.
     *
     * <p>The reference ranks the ground truth by position after a stable sort, so samples with equal ground truth
     * (a plateau: an idle stretch, a failed tail, the done frames) get distinct ranks in input order, and even a
     * perfect predictor scores below 1 on an episode with a plateau. Here tied ground truths share their rank: a
     * perfect predictor scores 1, and the order samples are listed in never matters. Without ties in the ground truth
     * both definitions agree.
     */
    public static double voc(double[] gt, double[] pred) {
        checkLengths(gt, pred);
        int n = gt.length;
        if (n < 2) {
            return 0.0;
        }
        int[] order = sortedByTruth(gt);
        double[] truth = Arrays.stream(order).mapToDouble(i -> gt[i]).toArray();
        double[] ordered = Arrays.stream(order).mapToDouble(i -> pred[i]).toArray();
        double rho = pearson(averageRanks(truth), averageRanks(ordered));
        return Double.isNaN(rho) ? 0.0 : rho;
    }

    /**
     * Kendall's τ-a over the ground-truth-sorted sequence: (concordant − discordant) / (n(n−1)/2), where a pair tied in
     * the ground truth or in the prediction is neither but stays in the denominator. 0 for fewer than 2 pairs.
     */
    public static double kendallTauA(double[] gt, double[] pred) {
        checkLengths(gt, pred);
        int n = gt.length;
        if (n < 2) {
            return 0.0;
        }
        int[] order = sortedByTruth(gt);
        long balance = 0;
        for (int a = 0; a < n; a++) {
            for (int b = a + 1; b < n; b++) {
                int i = order[a];
                int j = order[b];
                balance += (long) (Math.signum(gt[j] - gt[i]) * Math.signum(pred[j] - pred[i]));
            }
        }
        return balance / ((double) n * (n - 1) / 2.0);
    }

    /**
     * Lin's concordance correlation coefficient on values clamped to [0, 100], with population variances:
     * 2·cov / (σp² + σg² + (μp − μg)² + 1e-8); 0 when either variance is below 1e-8 (or there are no pairs).
     */
    public static double ccc(double[] gt, double[] pred) {
        checkLengths(gt, pred);
        int n = gt.length;
        if (n == 0) {
            return 0.0;
        }
        double[] g = Arrays.stream(gt).map(ProgressMetrics::clampPercent).toArray();
        double[] p = Arrays.stream(pred).map(ProgressMetrics::clampPercent).toArray();
        double meanG = mean(g);
        double meanP = mean(p);
        double varianceG = 0;
        double varianceP = 0;
        double covariance = 0;
        for (int i = 0; i < n; i++) {
            varianceG += (g[i] - meanG) * (g[i] - meanG);
            varianceP += (p[i] - meanP) * (p[i] - meanP);
            covariance += (g[i] - meanG) * (p[i] - meanP);
        }
        varianceG /= n;
        varianceP /= n;
        covariance /= n;
        if (varianceG < EPSILON || varianceP < EPSILON) {
            return 0.0;
        }
        return 2 * covariance / (varianceP + varianceG + (meanP - meanG) * (meanP - meanG) + EPSILON);
    }

    /**
     * Effective progress resolution at 50%: the predictions are scaled to [0, 1] (divided by 100, then clamped); for k
     * from 1000 down to 1, with δ = 1/k, the first k where δ · |unique(floor(p/δ))| ≥ 0.5 gives log2(k). Only the
     * predictions matter, the ground truth is not used.
     *
     * <p>Edge cases, as the reference's loop implies: at k = 1 every non-empty set satisfies the condition (one bin of
     * width 1 already covers half), so constant predictions score log2(2) = 1 and the result is never below 0; a
     * prediction of exactly 1.0 falls into its own bin k, past the end of [0, 1), exactly as {@code floor} puts it;
     * an empty array satisfies nothing and scores log2(1) = 0.
     */
    public static double epr50(double[] pred) {
        requireNonNull(pred, "pred is null");
        double[] scaled = Arrays.stream(pred).map(p -> clampPercent(p) / 100.0).toArray();
        for (int k = EPR_FINEST_BINS; k >= 1; k--) {
            double delta = 1.0 / k;
            Set<Double> bins = new HashSet<>();
            for (double p : scaled) {
                bins.add(Math.floor(p / delta));
            }
            if (delta * bins.size() >= 0.5) {
                return log2(k);
            }
        }
        return 0.0;
    }

    /**
     * Matthews correlation of "done" (progress ≥ 95) between ground truth and prediction, with 1e-8 added inside the
     * square root (so a confusion matrix with an empty row or column scores 0). NaN when there are no pairs. Pass
     * progress samples only: the reference also fed it numbers parsed out of segmentation and planning answers.
     */
    public static double mcc95(double[] gt, double[] pred) {
        checkLengths(gt, pred);
        if (gt.length == 0) {
            return Double.NaN;
        }
        long tp = 0;
        long tn = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < gt.length; i++) {
            boolean truth = gt[i] >= DONE_THRESHOLD;
            boolean predicted = pred[i] >= DONE_THRESHOLD;
            if (truth && predicted) {
                tp++;
            } else if (!truth && !predicted) {
                tn++;
            } else if (predicted) {
                fp++;
            } else {
                fn++;
            }
        }
        double numerator = (double) tp * tn - (double) fp * fn;
        double product = (double) (tp + fp) * (tp + fn) * (tn + fp) * (tn + fn);
        return numerator / Math.sqrt(product + EPSILON);
    }

    /** Indices sorted by ground truth ascending; ties keep input order (a stable sort). */
    private static int[] sortedByTruth(double[] gt) {
        return IntStream.range(0, gt.length)
                .boxed()
                .sorted(Comparator.comparingDouble(i -> gt[i]))
                .mapToInt(Integer::intValue)
                .toArray();
    }

    /** 1-based ranks, tied values sharing the mean of their ranks (scipy's {@code rankdata(method="average")}). */
    static double[] averageRanks(double[] values) {
        int n = values.length;
        int[] order = sortedByTruth(values);
        double[] ranks = new double[n];
        int start = 0;
        while (start < n) {
            int end = start;
            while (end + 1 < n && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double rank = (start + end) / 2.0 + 1;
            for (int i = start; i <= end; i++) {
                ranks[order[i]] = rank;
            }
            start = end + 1;
        }
        return ranks;
    }

    private static double pearson(double[] x, double[] y) {
        double meanX = mean(x);
        double meanY = mean(y);
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - meanX) * (y[i] - meanY);
            sxx += (x[i] - meanX) * (x[i] - meanX);
            syy += (y[i] - meanY) * (y[i] - meanY);
        }
        return sxy / Math.sqrt(sxx * syy);
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum / values.length;
    }

    private static double clampPercent(double value) {
        return Math.max(0.0, Math.min(100.0, value));
    }

    private static double log2(int k) {
        if (Integer.bitCount(k) == 1) {
            return Integer.numberOfTrailingZeros(k);
        }
        return Math.log(k) / Math.log(2);
    }

    private static void checkLengths(double[] gt, double[] pred) {
        requireNonNull(gt, "gt is null");
        requireNonNull(pred, "pred is null");
        if (gt.length != pred.length) {
            throw new IllegalArgumentException(
                    "Ground truth and predictions differ in length: " + gt.length + " vs " + pred.length);
        }
    }
}
