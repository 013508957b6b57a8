package io.procvlm.progress;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * The reference pipeline's progress math, reproduced exactly (ProcVLM {@code evqa/tools/functions/progress.py}; see
 * reference/procvlm.md §4):
 *
 * <ol>
 *   <li>split the frames into maximal runs of equal subtask labels; a run is valid unless its label is empty or (case
 *       insensitive) {@code done}, {@code done.}, {@code not done}, {@code not done.};
 *   <li>K valid runs with T frames in all; a valid run of length L weighs {@code w = clip(K·L/T, 0.75, 1.25)};
 *   <li>inside a run, {@code Δφ_i = 1.5 − sim(f_{i−1}, f_i)} for i ≥ 1, {@code r_0 = 0}, {@code r_i = Δφ_i / ΣΔφ}
 *       (a one-frame run gets r = [0]);
 *   <li>{@code dp_i = w·r_i} in valid runs, 0 elsewhere; {@code p_0 = 0}, {@code p_τ = Σ_{j<τ} dp_j / Σ dp} (an
 *       exclusive sum: p lags one frame); all dp zero gives p ≡ 0.
 * </ol>
 *
 * Its known quirks (the one-frame lag, the 0.5 floor that lets pauses gain progress, failed runs that end close to 1)
 * are kept on purpose: this mode exists to reproduce the reference.
 */
public final class ReferenceProgress {
    private ReferenceProgress() {}

    /**
     * @param labels the subtask label of every frame, in frame order (null counts as empty)
     * @param similarity {@code similarity[i]} is the pHash similarity of frame i to frame i − 1, in [0, 1];
     *     {@code similarity[0]} is ignored
     * @return the progress of every frame, in [0, 1]
     */
    public static double[] compute(String[] labels, double[] similarity) {
        requireNonNull(labels, "labels is null");
        requireNonNull(similarity, "similarity is null");
        if (labels.length != similarity.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + similarity.length + " similarities");
        }
        int n = labels.length;
        double[] progress = new double[n];
        if (n == 0) {
            return progress;
        }
        // runs of equal labels
        int[] runStart = new int[n];
        int[] runEnd = new int[n];
        int runs = 0;
        for (int i = 0; i < n; ) {
            int j = i + 1;
            while (j < n && same(labels[i], labels[j])) {
                j++;
            }
            runStart[runs] = i;
            runEnd[runs] = j;
            runs++;
            i = j;
        }
        int validRuns = 0;
        long validFrames = 0;
        for (int run = 0; run < runs; run++) {
            if (isValid(labels[runStart[run]])) {
                validRuns++;
                validFrames += runEnd[run] - runStart[run];
            }
        }
        double[] increments = new double[n];
        double total = 0;
        for (int run = 0; run < runs; run++) {
            if (!isValid(labels[runStart[run]])) {
                continue;
            }
            int length = runEnd[run] - runStart[run];
            double weight = Math.max(0.75, Math.min(1.25, (double) validRuns * length / validFrames));
            double sum = 0;
            for (int i = runStart[run] + 1; i < runEnd[run]; i++) {
                sum += 1.5 - similarity[i];
            }
            for (int i = runStart[run] + 1; i < runEnd[run]; i++) {
                increments[i] = weight * (1.5 - similarity[i]) / sum;
                total += increments[i];
            }
        }
        if (total == 0) {
            return progress;
        }
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            progress[i] = cumulative / total;
            cumulative += increments[i];
        }
        return progress;
    }

    /** A run counts unless its label is empty, done or not done (with or without a final period). */
    static boolean isValid(String label) {
        if (label == null) {
            return false;
        }
        String normalized = label.strip().toLowerCase(Locale.ROOT);
        return !(normalized.isEmpty()
                || normalized.equals("done")
                || normalized.equals("done.")
                || normalized.equals("not done")
                || normalized.equals("not done."));
    }

    private static boolean same(String a, String b) {
        return a == null ? b == null : a.equals(b);
    }

    /** pHash similarity as the reference computes it: 1 − Hamming distance / 64. */
    public static double similarity(long hashA, long hashB) {
        return 1.0 - Long.bitCount(hashA ^ hashB) / 64.0;
    }
}
