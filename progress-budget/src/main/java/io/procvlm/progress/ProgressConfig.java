package io.procvlm.progress;

import static io.procvlm.core.config.ConfigProperty.doubleValue;
import static io.procvlm.core.config.ConfigProperty.enumValue;
import static java.util.Objects.requireNonNull;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.ConfigProperty;
import java.io.Serializable;
import java.util.List;

/**
 * Settings of the {@code label} stage.
 *
 * @param mode default (ours) or reference (the seed's math)
 * @param weights how the budget is split between subtasks (default mode)
 * @param idleFloor share of the mean activity a frame always counts for (default mode); near zero, so idle frames
 *     gain almost nothing
 * @param noisePercentile the percentile of an episode's flow and frame difference taken as sensor noise (default mode)
 * @param assumeSuccessWhenUnknown whether a segment whose outcome is unknown ends in done (true) or not done (false)
 *     once every planned subtask completed
 */
public record ProgressConfig(
        ProgressMode mode,
        BudgetWeights weights,
        double idleFloor,
        double noisePercentile,
        boolean assumeSuccessWhenUnknown)
        implements Serializable {
    public static final String MODE = "progress.mode";
    public static final String WEIGHTS = "progress.weights";
    public static final String IDLE_FLOOR = "progress.idle-floor";
    public static final String NOISE_PERCENTILE = "progress.noise-percentile";
    public static final String UNKNOWN_OUTCOME = "progress.unknown-outcome";

    public ProgressConfig {
        requireNonNull(mode, "mode is null");
        requireNonNull(weights, "weights is null");
    }

    public static List<ConfigProperty> properties() {
        return List.of(
                enumValue(
                        MODE,
                        "default",
                        List.of("default", "reference"),
                        "Progress math: default (visual change from flow and frame difference, failure-aware, no lag)"
                                + " or reference (the seed's pHash math, exactly)"),
                enumValue(
                        WEIGHTS,
                        "reference-clip",
                        List.of("reference-clip", "uniform", "duration"),
                        "How the default mode splits the budget between subtasks: clip(K*L/T, 0.75, 1.25) as the"
                                + " reference, equal, or by duration"),
                doubleValue(
                        IDLE_FLOOR,
                        0.001,
                        0.0,
                        1.0,
                        "Share of the mean activity every frame counts for in the default mode (idle frames gain"
                                + " almost nothing)"),
                doubleValue(
                        NOISE_PERCENTILE,
                        10.0,
                        0.0,
                        50.0,
                        "Percentile of an episode's flow and frame difference taken as sensor noise (default mode)"),
                enumValue(
                        UNKNOWN_OUTCOME,
                        "success",
                        List.of("success", "failure"),
                        "How to end a segment whose outcome the annotator could not decide once all its subtasks"
                                + " completed: success (done tail) or failure (not done tail)"));
    }

    public static ProgressConfig from(Config config) {
        return new ProgressConfig(
                ProgressMode.fromId(config.string(MODE)),
                BudgetWeights.fromId(config.string(WEIGHTS)),
                config.doubleValue(IDLE_FLOOR),
                config.doubleValue(NOISE_PERCENTILE),
                config.string(UNKNOWN_OUTCOME).equals("success"));
    }

    public static ProgressConfig defaults() {
        return new ProgressConfig(ProgressMode.DEFAULT, BudgetWeights.REFERENCE_CLIP, 0.001, 10.0, true);
    }

    public ProgressConfig withMode(ProgressMode newMode) {
        return new ProgressConfig(newMode, weights, idleFloor, noisePercentile, assumeSuccessWhenUnknown);
    }
}
