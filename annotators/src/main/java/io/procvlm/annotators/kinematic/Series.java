package io.procvlm.annotators.kinematic;

import java.util.Arrays;

/** Small numeric helpers over per-frame series. */
final class Series {
    private Series() {}

    /** The p-th percentile (0-100) of the finite values, or NaN when there are none. */
    static double percentile(double[] values, double p) {
        double[] finite = Arrays.stream(values).filter(v -> !Double.isNaN(v)).toArray();
        if (finite.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(finite);
        double position = (finite.length - 1) * p / 100.0;
        int lower = (int) Math.floor(position);
        int upper = Math.min(finite.length - 1, lower + 1);
        double fraction = position - lower;
        return finite[lower] * (1 - fraction) + finite[upper] * fraction;
    }

    /** Centred moving average over {@code window} samples (odd), NaN treated as 0. */
    static double[] smooth(double[] values, int window) {
        int half = Math.max(0, window / 2);
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            double sum = 0;
            int count = 0;
            for (int j = Math.max(0, i - half); j <= Math.min(values.length - 1, i + half); j++) {
                sum += Double.isNaN(values[j]) ? 0 : values[j];
                count++;
            }
            result[i] = sum / count;
        }
        return result;
    }

    /** Values with NaN replaced by the nearest earlier finite value (or the first finite one). */
    static double[] fillGaps(double[] values) {
        double[] result = values.clone();
        double last = Double.NaN;
        for (double value : values) {
            if (!Double.isNaN(value)) {
                last = value;
                break;
            }
        }
        for (int i = 0; i < result.length; i++) {
            if (Double.isNaN(result[i])) {
                result[i] = last;
            } else {
                last = result[i];
            }
        }
        return result;
    }

    /** Whether the series has a finite value that differs from the others by more than {@code epsilon}. */
    static boolean varies(double[] values, double epsilon) {
        double low = percentile(values, 2);
        double high = percentile(values, 98);
        return !Double.isNaN(low) && high - low > epsilon;
    }

    /** Position of the minimum of {@code values} in [from, to), or {@code from} for an empty range. */
    static int argMin(double[] values, int from, int to) {
        int best = from;
        for (int i = from; i < to; i++) {
            if (values[i] < values[best]) {
                best = i;
            }
        }
        return best;
    }
}
