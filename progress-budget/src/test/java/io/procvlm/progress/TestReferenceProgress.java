package io.procvlm.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

final class TestReferenceProgress {
    /** The worked example of reference/procvlm.md §4. */
    @Test
    void reproducesTheWorkedExample() {
        String[] labels = {
            "Grasp the cup",
            "Grasp the cup",
            "Place the cup onto the plate",
            "Place the cup onto the plate",
            "Place the cup onto the plate",
            "Place the cup onto the plate",
            "Place the cup onto the plate",
            "Place the cup onto the plate",
            "done",
            "done"
        };
        double[] similarity = {0, 1.0, 0.9, 63 / 64.0, 58 / 64.0, 48 / 64.0, 60 / 64.0, 1.0, 0.2, 1.0};
        double[] progress = ReferenceProgress.compute(labels, similarity);
        // Recomputed by hand from §4: dp = [0, .75, 0, .2206, .2540, .3209, .2406, .2139, 0, 0], sum 2.0.
        double sum = 0.5156250 + 0.59375 + 0.75 + 0.5625 + 0.5;
        double[] expected = {
            0,
            0,
            0.375,
            0.375,
            0.375 + 1.25 * 0.515625 / sum / 2,
            0.375 + 1.25 * (0.515625 + 0.59375) / sum / 2,
            0.375 + 1.25 * (0.515625 + 0.59375 + 0.75) / sum / 2,
            0.375 + 1.25 * (0.515625 + 0.59375 + 0.75 + 0.5625) / sum / 2,
            1.0,
            1.0
        };
        for (int i = 0; i < expected.length; i++) {
            assertThat(progress[i]).as("frame %d", i).isCloseTo(expected[i], within(1e-12));
        }
        // the rounded figures printed in the reference
        double[] printed = {0, 0, .375, .375, .4853, .6123, .7727, .8930, 1.0, 1.0};
        for (int i = 0; i < printed.length; i++) {
            assertThat(progress[i]).isCloseTo(printed[i], within(5e-5));
        }
    }

    @Test
    void edgeCases() {
        assertThat(ReferenceProgress.compute(new String[0], new double[0])).isEmpty();
        assertThat(ReferenceProgress.compute(new String[] {"done", "done"}, new double[] {0, 1}))
                .containsExactly(0, 0);
        // a one-frame run gets no budget; the lone valid two-frame run gets it all
        double[] progress =
                ReferenceProgress.compute(new String[] {"a", "b", "b", null}, new double[] {0, 0.5, 1.0, 1.0});
        assertThat(progress).containsExactly(0, 0, 0, 1.0);
        assertThat(ReferenceProgress.isValid("Not Done.")).isFalse();
        assertThat(ReferenceProgress.isValid(" ")).isFalse();
        assertThat(ReferenceProgress.similarity(0b1011L, 0b0011L)).isEqualTo(63 / 64.0);
    }
}
