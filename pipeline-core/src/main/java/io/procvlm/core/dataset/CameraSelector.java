package io.procvlm.core.dataset;

import static io.procvlm.core.error.CoreErrorCode.CAMERA_NOT_FOUND;
import static io.procvlm.core.error.CoreErrorCode.NO_CAMERA;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.model.CameraChoice;
import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.DatasetId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses a dataset's third-person ("exo") camera: the camera named for the dataset in its config entry, then the
 * per-dataset map, then the first key containing an exo word (front, exo, exterior, global, high, ...) and no ego word,
 * then the first non-ego camera, then the first camera of any kind.
 */
public final class CameraSelector {
    private CameraSelector() {}

    /**
     * @param cameras camera keys in metadata order, with how each is stored
     * @param explicitCamera the camera named in the dataset's config entry, or {@code null}
     */
    public static CameraChoice choose(
            DatasetId dataset, Map<String, CameraStorage> cameras, String explicitCamera, CameraRules rules) {
        List<String> keys = new ArrayList<>(cameras.keySet());
        if (keys.isEmpty()) {
            throw new PipelineException(
                    NO_CAMERA, "Dataset " + dataset + " has no camera (no video or image feature in its metadata)");
        }
        if (explicitCamera != null) {
            return named(dataset, cameras, explicitCamera, "config", "its datasets entry");
        }
        String mapped = rules.datasetMap().get(dataset.value());
        if (mapped != null) {
            return named(dataset, cameras, mapped, "dataset-map", "camera.map");
        }
        for (String pattern : rules.exoPatterns()) {
            String word = pattern.toLowerCase(Locale.ROOT);
            for (String key : keys) {
                String name = shortName(key);
                if (name.contains(word) && !isEgo(name, rules)) {
                    return new CameraChoice(key, cameras.get(key), "pattern:" + word, keys);
                }
            }
        }
        for (String key : keys) {
            if (!isEgo(shortName(key), rules)) {
                return new CameraChoice(key, cameras.get(key), "first", keys);
            }
        }
        return new CameraChoice(keys.get(0), cameras.get(keys.get(0)), "first-ego", keys);
    }

    private static CameraChoice named(
            DatasetId dataset, Map<String, CameraStorage> cameras, String key, String rule, String where) {
        if (!cameras.containsKey(key)) {
            // accept the short form "cam_high" for "observation.images.cam_high"
            Map<String, String> byShortName = new LinkedHashMap<>();
            cameras.keySet().forEach(k -> byShortName.put(shortName(k), k));
            String full = byShortName.get(key.toLowerCase(Locale.ROOT));
            if (full == null) {
                throw new PipelineException(
                        CAMERA_NOT_FOUND,
                        "Dataset " + dataset + " has no camera '" + key + "' (named in " + where + "); it has "
                                + cameras.keySet());
            }
            key = full;
        }
        return new CameraChoice(key, cameras.get(key), rule, new ArrayList<>(cameras.keySet()));
    }

    private static boolean isEgo(String name, CameraRules rules) {
        for (String pattern : rules.egoPatterns()) {
            if (name.contains(pattern.toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /** {@code observation.images.cam_high} → {@code cam_high}, lower case. */
    static String shortName(String key) {
        String name = key.startsWith("observation.images.") ? key.substring("observation.images.".length()) : key;
        return name.toLowerCase(Locale.ROOT);
    }
}
