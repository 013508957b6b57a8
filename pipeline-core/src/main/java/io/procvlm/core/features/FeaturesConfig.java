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

    public static FeaturesConfig from(Config config) {
        return new FeaturesConfig(
                config.integer(CoreConfig.FEATURES_WORKING_WIDTH),
                config.string(CoreConfig.FEATURES_FLOW),
                config.string(CoreConfig.FEATURES_DIS_PRESET),
                config.bool(CoreConfig.FEATURES_FRAME_DIFF),
                config.bool(CoreConfig.FEATURES_PHASH),
                config.doubleValue(CoreConfig.FEATURES_MOVING_THRESHOLD));
    }

    /** The defaults of {@link CoreConfig}. */
    public static FeaturesConfig defaults() {
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
