package io.procvlm.vqa.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Image tokens against answers worked out by hand from transformers' {@code smart_resize} (factor = patch * 2; Python's
 * round halves to even; floor above max-pixels, ceil below min-pixels), then (h / patch) * (w / patch) / 4.
 */
final class TestVisionTokens {
    private static final VisionTokens QWEN2 = VisionTokens.of(VisionModel.QWEN2_VL);
    private static final VisionTokens QWEN3 = VisionTokens.of(VisionModel.QWEN3_VL);

    @Test
    void qwen2VlDefaultsAreTheProcessorDefaults() {
        assertThat(VisionModel.QWEN2_VL.factor()).isEqualTo(28);
        assertThat(QWEN2.minPixels()).isEqualTo(56 * 56);
        assertThat(QWEN2.maxPixels()).isEqualTo(14 * 14 * 4 * 1280);
        assertThat(VisionModel.QWEN2_5_VL.factor()).isEqualTo(28);
        assertThat(VisionModel.QWEN3_VL.factor()).isEqualTo(32);
    }

    @Test
    void roundsEachSideToTheNearestMultipleOf28() {
        // 192 / 28 = 6.86 -> 7 -> 196; 256 / 28 = 9.14 -> 9 -> 252; grid 14 x 18 = 252 patches -> 63 tokens
        assertThat(VisionTokens.smartResize(192, 256, 28, 3136, 1003520)).containsExactly(196, 252);
        assertThat(QWEN2.tokens(256, 192)).isEqualTo(63);
        // 360 -> 12.86 -> 13 -> 364; 480 -> 17.14 -> 17 -> 476; grid 26 x 34 -> 221
        assertThat(QWEN2.tokens(480, 360)).isEqualTo(221);
        // 240 -> 8.57 -> 9 -> 252; 320 -> 11.43 -> 11 -> 308; grid 18 x 22 -> 99
        assertThat(QWEN2.tokens(320, 240)).isEqualTo(99);
        // odd sizes: 75 -> 2.68 -> 3 -> 84; 99 -> 3.54 -> 4 -> 112; grid 6 x 8 -> 12
        assertThat(QWEN2.tokens(99, 75)).isEqualTo(12);
    }

    @Test
    void halvesRoundToEvenAsPythonDoes() {
        // 70 / 28 = 2.5 -> 2 (not 3) -> 56; 126 / 28 = 4.5 -> 4 (not 5) -> 112; grid 4 x 8 -> 8 tokens
        assertThat(VisionTokens.smartResize(70, 126, 28, 3136, 1003520)).containsExactly(56, 112);
        assertThat(QWEN2.tokens(126, 70)).isEqualTo(8);
        // 98 / 28 = 3.5 -> 4 -> 112; 42 / 28 = 1.5 -> 2 -> 56
        assertThat(VisionTokens.smartResize(98, 42, 28, 3136, 1003520)).containsExactly(112, 56);
        assertThat(QWEN2.tokens(42, 98)).isEqualTo(8);
    }

    @Test
    void scalesUpBelowMinPixels() {
        // 20 x 30 -> 28 x 28 = 784 < 3136: beta = sqrt(3136 / 600) = 2.286; ceil(20 * 2.286 / 28) = 2 -> 56,
        // ceil(30 * 2.286 / 28) = 3 -> 84; grid 4 x 6 -> 6 tokens
        assertThat(VisionTokens.smartResize(20, 30, 28, 3136, 1003520)).containsExactly(56, 84);
        assertThat(QWEN2.tokens(30, 20)).isEqualTo(6);
        // Qwen3-VL: 192 x 256 = 49152 < 65536: beta = 1.1547; ceil(6.93) = 7 -> 224, ceil(9.24) = 10 -> 320;
        // grid 14 x 20 -> 70 tokens
        assertThat(VisionTokens.smartResize(192, 256, 32, 65536, 16777216)).containsExactly(224, 320);
        assertThat(QWEN3.tokens(256, 192)).isEqualTo(70);
    }

    @Test
    void scalesDownAboveMaxPixels() {
        // 1080 x 1920 -> 1092 x 1932 = 2,109,744 > 1,003,520: beta = sqrt(2,073,600 / 1,003,520) = 1.4375;
        // floor(1080 / 1.4375 / 28) = 26 -> 728, floor(1920 / 1.4375 / 28) = 47 -> 1316; grid 52 x 94 -> 1222
        assertThat(VisionTokens.smartResize(1080, 1920, 28, 3136, 1003520)).containsExactly(728, 1316);
        assertThat(QWEN2.tokens(1920, 1080)).isEqualTo(1222);
        // Qwen3-VL: 5000 x 5000 -> 4992 x 4992 > 16,777,216: beta = 5000 / 4096; floor(128) = 128 -> 4096; grid 256
        // x 256 -> 16384
        assertThat(QWEN3.tokens(5000, 5000)).isEqualTo(16384);
        // within bounds for Qwen3-VL: 360 -> 11.25 -> 11 -> 352; 480 -> 15 -> 480; grid 22 x 30 -> 165
        assertThat(QWEN3.tokens(480, 360)).isEqualTo(165);
    }

    @Test
    void configuredBoundsApply() {
        VisionTokens small = new VisionTokens(VisionModel.QWEN2_VL, 3136, 256 * 28 * 28);
        // 480 x 360 -> 476 x 364 = 173,264 <= 200,704: unchanged, 221 tokens
        assertThat(small.tokens(480, 360)).isEqualTo(221);
        // 1920 x 1080 above 200,704: beta = sqrt(2,073,600 / 200,704) = 45 / 14; floor(12) = 12 -> 336,
        // floor(21.33) = 21 -> 588; grid 24 x 42 -> 252
        assertThat(VisionTokens.smartResize(1080, 1920, 28, 3136, 256 * 28 * 28))
                .containsExactly(336, 588);
        assertThat(small.tokens(1920, 1080)).isEqualTo(252);
    }
}
