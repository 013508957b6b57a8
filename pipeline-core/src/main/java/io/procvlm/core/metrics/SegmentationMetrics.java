package io.procvlm.core.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Action-segmentation metrics: boundary F1 with a tolerance (the reference's BF1@5), segmental edit score and
 * overlap F1@k (Lea et al. 2017), on lists of labelled segments.
 */
public final class SegmentationMetrics {
    private SegmentationMetrics() {}

    /** Counts for boundary F1; add them over samples for the micro average. */
    public record BoundaryCounts(long truePositives, long falsePositives, long falseNegatives, double absoluteError) {
        public BoundaryCounts plus(BoundaryCounts other) {
            return new BoundaryCounts(
                    truePositives + other.truePositives,
                    falsePositives + other.falsePositives,
                    falseNegatives + other.falseNegatives,
                    absoluteError + other.absoluteError);
        }

        /** F1 = 2TP / (2TP + FP + FN); 1 when there was nothing to find and nothing was found. */
        public double f1() {
            long denominator = 2 * truePositives + falsePositives + falseNegatives;
            return denominator == 0 ? 1.0 : 2.0 * truePositives / denominator;
        }

        /** Mean |Δ| of the matched true positives (the reference's mMAE), NaN when none. */
        public double meanAbsoluteError() {
            return truePositives == 0 ? Double.NaN : absoluteError / truePositives;
        }

        public static BoundaryCounts zero() {
            return new BoundaryCounts(0, 0, 0, 0);
        }
    }

    /**
     * Boundary matching as the reference's BF1: the sorted unique start and end points of each side, a tolerance of
     * {@code tolerance} × (max − min) of the ground-truth boundaries (of the prediction's when that is 0), a
     * minimum-cost one-to-one matching on |Δ|, and matched pairs within the tolerance count as true positives.
     */
    public static BoundaryCounts boundaries(List<Segment> truth, List<Segment> predicted, double tolerance) {
        double[] gt = boundaryPoints(truth);
        double[] pred = boundaryPoints(predicted);
        if (gt.length == 0 && pred.length == 0) {
            return BoundaryCounts.zero();
        }
        double spread = gt.length > 0 ? gt[gt.length - 1] - gt[0] : 0;
        if (spread == 0 && pred.length > 0) {
            spread = pred[pred.length - 1] - pred[0];
        }
        return boundariesWithin(gt, pred, tolerance * spread);
    }

    /**
     * Boundary matching with an absolute tolerance: the sorted unique start and end points of each side, a minimum-cost
     * one-to-one matching on |Δ|, and matched pairs at most {@code maxDistance} apart (in the segments' unit, e.g.
     * frames) count as true positives. {@code maxDistance = +∞} counts every matched pair, so {@link
     * BoundaryCounts#meanAbsoluteError()} is then the mean distance of the one-to-one matching.
     */
    public static BoundaryCounts boundariesWithin(List<Segment> truth, List<Segment> predicted, double maxDistance) {
        return boundariesWithin(boundaryPoints(truth), boundaryPoints(predicted), maxDistance);
    }

    private static BoundaryCounts boundariesWithin(double[] gt, double[] pred, double delta) {
        long tp = 0;
        double error = 0;
        if (gt.length > 0 && pred.length > 0) {
            double[][] cost = new double[gt.length][pred.length];
            for (int i = 0; i < gt.length; i++) {
                for (int j = 0; j < pred.length; j++) {
                    cost[i][j] = Math.abs(gt[i] - pred[j]);
                }
            }
            int[] match = Hungarian.assign(cost);
            for (int i = 0; i < gt.length; i++) {
                if (match[i] >= 0 && cost[i][match[i]] <= delta) {
                    tp++;
                    error += cost[i][match[i]];
                }
            }
        }
        return new BoundaryCounts(tp, pred.length - tp, gt.length - tp, error);
    }

    private static double[] boundaryPoints(List<Segment> segments) {
        TreeSet<Double> points = new TreeSet<>();
        for (Segment segment : segments) {
            points.add(segment.start());
            points.add(segment.end());
        }
        return points.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * Segmental edit score: 100 × (1 − Levenshtein distance between the label sequences / the longer length),
     * consecutive equal labels counting once. 100 when both are empty.
     */
    public static double editScore(List<Segment> truth, List<Segment> predicted) {
        List<String> a = labelSequence(truth);
        List<String> b = labelSequence(predicted);
        int longest = Math.max(a.size(), b.size());
        if (longest == 0) {
            return 100.0;
        }
        int[][] d = new int[a.size() + 1][b.size() + 1];
        for (int i = 0; i <= a.size(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.size(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.size(); i++) {
            for (int j = 1; j <= b.size(); j++) {
                int substitution = d[i - 1][j - 1] + (a.get(i - 1).equals(b.get(j - 1)) ? 0 : 1);
                d[i][j] = Math.min(substitution, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
            }
        }
        return 100.0 * (1.0 - (double) d[a.size()][b.size()] / longest);
    }

    private static List<String> labelSequence(List<Segment> segments) {
        List<String> labels = new ArrayList<>();
        for (Segment segment : segments) {
            if (labels.isEmpty() || !labels.get(labels.size() - 1).equals(segment.label())) {
                labels.add(segment.label());
            }
        }
        return labels;
    }

    /** Counts for overlap F1@k; add them over samples. */
    public record OverlapCounts(long truePositives, long falsePositives, long falseNegatives) {
        public OverlapCounts plus(OverlapCounts other) {
            return new OverlapCounts(
                    truePositives + other.truePositives,
                    falsePositives + other.falsePositives,
                    falseNegatives + other.falseNegatives);
        }

        public double f1() {
            long denominator = 2 * truePositives + falsePositives + falseNegatives;
            return denominator == 0 ? 1.0 : 2.0 * truePositives / denominator;
        }
    }

    /**
     * Overlap F1@k (Lea et al.): a predicted segment is a true positive when its IoU with the not yet matched
     * ground-truth segment of the same label that overlaps it most is at least {@code threshold}.
     */
    public static OverlapCounts overlap(List<Segment> truth, List<Segment> predicted, double threshold) {
        boolean[] used = new boolean[truth.size()];
        long tp = 0;
        long fp = 0;
        for (Segment prediction : predicted) {
            int best = -1;
            double bestIou = 0;
            for (int g = 0; g < truth.size(); g++) {
                Segment gt = truth.get(g);
                if (!gt.label().equals(prediction.label())) {
                    continue;
                }
                double intersection =
                        Math.max(0, Math.min(gt.end(), prediction.end()) - Math.max(gt.start(), prediction.start()));
                double union = Math.max(gt.end(), prediction.end()) - Math.min(gt.start(), prediction.start());
                double iou = union <= 0 ? 0 : intersection / union;
                if (iou > bestIou) {
                    bestIou = iou;
                    best = g;
                }
            }
            if (best >= 0 && bestIou >= threshold && !used[best]) {
                tp++;
                used[best] = true;
            } else {
                fp++;
            }
        }
        return new OverlapCounts(tp, fp, truth.size() - tp);
    }
}
