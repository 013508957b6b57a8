package io.procvlm.vqa.tokens;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The vision encoders whose image token rule is known: patch size, spatial merge and the image processor's default
 * pixel bounds. Qwen2-VL and Qwen2.5-VL: 14-pixel patches, 2x2 merge, {@code min_pixels} 56*56 and {@code max_pixels}
 * 14*14*4*1280 (the defaults of transformers' {@code smart_resize}); Qwen3-VL: 16-pixel patches, 2x2 merge and the
 * bounds of its {@code preprocessor_config.json} ({@code shortest_edge} 65,536, {@code longest_edge} 16,777,216
 * pixels).
 */
public enum VisionModel {
    QWEN2_VL("qwen2-vl", 14, 2, 56 * 56, 14 * 14 * 4 * 1280),
    QWEN2_5_VL("qwen2.5-vl", 14, 2, 56 * 56, 14 * 14 * 4 * 1280),
    QWEN3_VL("qwen3-vl", 16, 2, 65_536, 16_777_216);

    private final String id;
    private final int patch;
    private final int merge;
    private final long minPixels;
    private final long maxPixels;

    VisionModel(String id, int patch, int merge, long minPixels, long maxPixels) {
        this.id = id;
        this.patch = patch;
        this.merge = merge;
        this.minPixels = minPixels;
        this.maxPixels = maxPixels;
    }

    public String id() {
        return id;
    }

    public int patch() {
        return patch;
    }

    public int merge() {
        return merge;
    }

    /** {@code patch * merge}: both sides of a resized image are multiples of it. */
    public int factor() {
        return patch * merge;
    }

    public long defaultMinPixels() {
        return minPixels;
    }

    public long defaultMaxPixels() {
        return maxPixels;
    }

    public static List<String> ids() {
        return Arrays.stream(values()).map(VisionModel::id).toList();
    }

    public static VisionModel fromId(String id) {
        for (VisionModel model : values()) {
            if (model.id.equals(id.toLowerCase(Locale.ROOT))) {
                return model;
            }
        }
        throw new IllegalArgumentException("Unknown vision model '" + id + "': expected one of " + ids());
    }
}
