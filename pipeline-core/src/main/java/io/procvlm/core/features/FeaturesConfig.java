package io.procvlm.core.features;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import java.io.Serializable;

/**
 * Settings of the visual-change features.
 *
 * @param workingWidth width at which frame difference and flow are computed (never upscaled; aspect kept)
 * @param flow {@code dis}, {@code farneback} or {@code none}
 * @param disPreset {@code ultrafast}, {@code fast} or {@code medium}
 * @param frameDiff whether to compute the mean absolute frame difference
 * @param phash whether to compute the perceptual hash
 * @param movingThreshold flow magnitude (working pixels per frame) above which a pixel counts as moving
 */
public record FeaturesConfig(
        int workingWidth, String flow, String disPreset, boolean frameDiff, boolean phash, double movingThreshold)
        implements Serializable {
    public FeaturesConfig {
        requireNonNull(flow, "flow is null");
        requireNonNull(disPreset, "disPreset is null");
    }

    /**
     * The features to compute.
     *
     * @param phashNeeded whether a configured stage needs the perceptual hash (decides {@code features.phash: auto})
     */
    public static FeaturesConfig from(Config config, boolean phashNeeded) {
        String phash = config.string(CoreConfig.FEATURES_PHASH);
        return new FeaturesConfig(
                config.integer(CoreConfig.FEATURES_WORKING_WIDTH),
                config.string(CoreConfig.FEATURES_FLOW),
                config.string(CoreConfig.FEATURES_DIS_PRESET),
                config.bool(CoreConfig.FEATURES_FRAME_DIFF),
                phash.equals("on") || (phash.equals("auto") && phashNeeded),
                config.doubleValue(CoreConfig.FEATURES_MOVING_THRESHOLD));
    }

    /** The default feature set: frame difference and DIS optical flow at 160 px wide, no hash. */
    public static FeaturesConfig defaults() {
        return new FeaturesConfig(160, "dis", "ultrafast", true, false, 1.0);
    }

    /** The default feature set plus the perceptual hash (what the reference progress mode needs). */
    public static FeaturesConfig defaultsWithPhash() {
        return new FeaturesConfig(160, "dis", "ultrafast", true, true, 1.0);
    }

    public boolean hasFlow() {
        return !flow.equals("none");
    }

    /** A short text naming the feature set, recorded in outputs. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        if (frameDiff) {
            text.append("frame-diff,");
        }
        if (hasFlow()) {
            text.append("flow-").append(flow);
            if (flow.equals("dis")) {
                text.append('-').append(disPreset);
            }
            text.append(',');
        }
        if (phash) {
            text.append("phash,");
        }
        text.append("w").append(workingWidth);
        return text.toString();
    }
}
