package io.procvlm.core.features;

import java.util.Arrays;

/**
 * How much visibly changes at each frame, from optical flow and frame difference: each signal's excess over the
 * episode's noise level (a low percentile of its values), scaled so that the mean excess is 1, summed. The first frame
 * (nothing to compare with) and missing values count as no change.
 */
public final class VisualActivity {
    private VisualActivity() {}

    /**
     * @param flow flow magnitude per frame ({@code NaN} = missing)
     * @param frameDiff frame difference per frame ({@code NaN} = missing)
     * @param from first position to use
     * @param count number of positions
     * @param noisePercentile percentile (0-100) of each signal taken as its noise level
     */
    public static double[] of(double[] flow, double[] frameDiff, int from, int count, double noisePercentile) {
        double[] flowExcess = excess(flow, from, count, noisePercentile);
        double[] diffExcess = excess(frameDiff, from, count, noisePercentile);
        double[] activity = new double[count];
        for (int i = 1; i < count; i++) {
            activity[i] = flowExcess[i] + diffExcess[i];
        }
        return activity;
    }

    /** {@code max(0, value − noise)} scaled so that the mean of the positive excesses is 1; NaN counts as 0. */
    static double[] excess(double[] values, int from, int count, double percentile) {
        double[] result = new double[count];
        double[] present = new double[count];
        int valid = 0;
        for (int i = 1; i < count; i++) {
            double value = values[from + i];
            if (!Double.isNaN(value)) {
                present[valid++] = value;
            }
        }
        if (valid == 0) {
            return result;
        }
        double[] sorted = Arrays.copyOf(present, valid);
        Arrays.sort(sorted);
        double noise = sorted[(int) Math.floor((valid - 1) * percentile / 100.0)];
        double sum = 0;
        int positive = 0;
        for (int i = 1; i < count; i++) {
            double value = values[from + i];
            double over = Double.isNaN(value) ? 0 : Math.max(0, value - noise);
            result[i] = over;
            if (over > 0) {
                sum += over;
                positive++;
            }
        }
        if (positive > 0) {
            double scale = sum / positive;
            for (int i = 1; i < count; i++) {
                result[i] /= scale;
            }
        }
        return result;
    }
}
