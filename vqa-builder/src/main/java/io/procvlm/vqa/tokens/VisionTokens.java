package io.procvlm.vqa.tokens;

import java.io.Serializable;

/**
 * Image tokens by a Qwen-VL vision encoder's rule, as its image processor computes them: the image is resized by
 * {@code smart_resize} (both sides rounded to multiples of {@code patch * merge}, the area brought into
 * [min_pixels, max_pixels] keeping the aspect ratio), cut into {@code patch x patch} patches (grid t*h*w with t = 1 for
 * an image: the processor repeats a still image over the temporal patch of 2), and every {@code merge x merge} patches
 * become one token: grid t*h*w / 4, the reference's formula.
 *
 * @param model the encoder
 * @param minPixels the smallest resized area
 * @param maxPixels the largest resized area
 */
public record VisionTokens(VisionModel model, long minPixels, long maxPixels) implements Serializable {
    public VisionTokens {
        if (minPixels <= 0 || maxPixels < minPixels) {
            throw new IllegalArgumentException(
                    "Pixel bounds must satisfy 0 < min-pixels <= max-pixels, got " + minPixels + ", " + maxPixels);
        }
    }

    /** The encoder's own defaults. */
    public static VisionTokens of(VisionModel model) {
        return new VisionTokens(model, model.defaultMinPixels(), model.defaultMaxPixels());
    }

    /** Tokens of one {@code width} x {@code height} image. */
    public long tokens(int width, int height) {
        int[] resized = smartResize(height, width, model.factor(), minPixels, maxPixels);
        long gridH = resized[0] / model.patch();
        long gridW = resized[1] / model.patch();
        return gridH * gridW / ((long) model.merge() * model.merge());
    }

    /**
     * transformers' {@code smart_resize} (image_processing_qwen2_vl.py), to the letter: Python's {@code round} rounds
     * halves to even, so 70 / 28 = 2.5 rounds to 2. Returns {height, width}. (The processor refuses images whose aspect
     * ratio is above 200; such images are counted by the same arithmetic.)
     */
    public static int[] smartResize(int height, int width, int factor, long minPixels, long maxPixels) {
        if (height <= 0 || width <= 0) {
            throw new IllegalArgumentException("Image size must be positive, got " + width + "x" + height);
        }
        long hBar = (long) Math.rint(height / (double) factor) * factor;
        long wBar = (long) Math.rint(width / (double) factor) * factor;
        if (hBar * wBar > maxPixels) {
            double beta = Math.sqrt((double) height * width / maxPixels);
            hBar = Math.max(factor, (long) Math.floor(height / beta / factor) * factor);
            wBar = Math.max(factor, (long) Math.floor(width / beta / factor) * factor);
        } else if (hBar * wBar < minPixels) {
            double beta = Math.sqrt(minPixels / ((double) height * width));
            hBar = (long) Math.ceil(height * beta / factor) * factor;
            wBar = (long) Math.ceil(width * beta / factor) * factor;
        }
        return new int[] {(int) hBar, (int) wBar};
    }
}
