package io.procvlm.core.dataset;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * How the exo camera is chosen: a per-dataset map, then name patterns, then the first camera.
 *
 * @param datasetMap dataset id to camera key
 * @param exoPatterns words marking third-person cameras, tried in order
 * @param egoPatterns words marking egocentric cameras, used only when nothing else exists
 */
public record CameraRules(Map<String, String> datasetMap, List<String> exoPatterns, List<String> egoPatterns)
        implements Serializable {
    public CameraRules {
        datasetMap = Map.copyOf(requireNonNull(datasetMap, "datasetMap is null"));
        exoPatterns = List.copyOf(requireNonNull(exoPatterns, "exoPatterns is null"));
        egoPatterns = List.copyOf(requireNonNull(egoPatterns, "egoPatterns is null"));
    }

    public static CameraRules from(Config config) {
        return new CameraRules(
                config.stringMap(CoreConfig.CAMERA_MAP),
                config.stringList(CoreConfig.CAMERA_EXO_PATTERNS),
                config.stringList(CoreConfig.CAMERA_EGO_PATTERNS));
    }
}
