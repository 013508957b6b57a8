package io.procvlm.vqa;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A sample's tokens, image variant and context set (reference stages 5, 5b and 7). */
final class TestPlacement {
    private static VqaSample sample(String id, int frames) {
        List<Long> shown = new ArrayList<>();
        StringBuilder question = new StringBuilder();
        for (int i = 0; i < frames; i++) {
            shown.add((long) i);
            question.append("<image>\n");
        }
        question.append("How far is the task?");
        return new VqaSample(
                id, "d", 0, 0, "train", VqaFamily.PROGRESS, "c", "task", shown, question.toString(), "answer", 50, 0);
    }

    @Test
    void shortLongAndDownSized() {
        VqaConfig config = VqaConfig.defaults(42);
        // 480x360 images: 221 tokens each (Qwen2-VL rule)
        Placement one = Placement.of(sample("a", 1), 480, 360, 10, config);
        assertThat(one.counts().image()).isEqualTo(221);
        assertThat(one.counts().total()).isEqualTo(21 + one.counts().text() + 221);
        assertThat(one.context()).isEqualTo("short");
        assertThat(one.variant()).isEqualTo("full");

        Placement forty = Placement.of(sample("b", 40), 480, 360, 10, config);
        assertThat(forty.counts().image()).isEqualTo(40 * 221); // 8840: long
        assertThat(forty.context()).isEqualTo("long");
        assertThat(forty.variant()).isEqualTo("full");

        // 96 x 221 = 21216 > 16384: down-sized to 320x240, 99 tokens each
        Placement many = Placement.of(sample("c", 96), 480, 360, 10, config);
        assertThat(many.variant()).isEqualTo("320");
        assertThat(many.counts().image()).isEqualTo(96 * 99);
        assertThat(many.context()).isEqualTo("long");
        assertThat(Placement.fileName(7, many.variant())).isEqualTo("000007_320.jpg");
        assertThat(Placement.fileName(7, "full")).isEqualTo("000007.jpg");

        // still too long after the down-size: dropped
        Placement huge = Placement.of(sample("d", 200), 480, 360, 10, config);
        assertThat(huge.variant()).isEqualTo("320");
        assertThat(huge.context()).isEqualTo("dropped");
        assertThat(huge.dropReason()).isEqualTo("too-many-tokens");

        // images already at most 320 px: nothing to down-size, dropped
        Placement small = Placement.of(sample("e", 400), 320, 240, 10, config);
        assertThat(small.variant()).isEqualTo("full");
        assertThat(small.dropReason()).isEqualTo("too-many-tokens");
    }

    @Test
    void shortVideosAreDropped() {
        Placement placement = Placement.of(sample("a", 1), 480, 360, 0.9, VqaConfig.defaults(42));
        assertThat(placement.context()).isEqualTo("dropped");
        assertThat(placement.dropReason()).isEqualTo("video-too-short");
    }

    @Test
    void aboutOnePercentReplayedBySeedAndId() {
        VqaConfig config = VqaConfig.defaults(42);
        int replayed = 0;
        for (int i = 0; i < 20000; i++) {
            if (Placement.of(sample("s" + i, 1), 480, 360, 10, config).replay()) {
                replayed++;
            }
        }
        assertThat(replayed).isBetween(150, 250);
        assertThat(Placement.of(sample("s1", 1), 480, 360, 10, config))
                .isEqualTo(Placement.of(sample("s1", 1), 480, 360, 10, config));
        VqaConfig none = VqaConfig.load(42, "vqa.context.replay=0");
        assertThat(Placement.of(sample("s1", 1), 480, 360, 10, none).replay()).isFalse();
    }
}
