package io.procvlm.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.core.model.CameraChoice;
import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.DatasetId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class TestCameraSelector {
    private static final DatasetId DATASET = new DatasetId("bridge_orig_lerobot");
    private static final CameraRules RULES = new CameraRules(
            Map.of(), List.of("front", "exo", "exterior", "global", "high"), List.of("wrist", "ego", "hand"));

    @Test
    void followsTheRulesInOrder() {
        Map<String, CameraStorage> cameras = cameras(
                "observation.images.wrist_left", "observation.images.cam_high", "observation.images.front_wrist");
        CameraChoice pattern = CameraSelector.choose(DATASET, cameras, null, RULES);
        assertThat(pattern.key()).isEqualTo("observation.images.cam_high");
        assertThat(pattern.rule()).isEqualTo("pattern:high");
        assertThat(pattern.candidates()).hasSize(3);

        CameraChoice explicit = CameraSelector.choose(DATASET, cameras, "wrist_left", RULES);
        assertThat(explicit.key()).isEqualTo("observation.images.wrist_left");
        assertThat(explicit.rule()).isEqualTo("config");

        CameraRules mapped = new CameraRules(
                Map.of("bridge_orig_lerobot", "observation.images.front_wrist"),
                RULES.exoPatterns(),
                RULES.egoPatterns());
        assertThat(CameraSelector.choose(DATASET, cameras, null, mapped).rule()).isEqualTo("dataset-map");

        CameraChoice first = CameraSelector.choose(
                DATASET, cameras("observation.images.hand", "observation.images.image_0"), null, RULES);
        assertThat(first.key()).isEqualTo("observation.images.image_0");
        assertThat(first.rule()).isEqualTo("first");

        CameraChoice egoOnly = CameraSelector.choose(DATASET, cameras("observation.images.wrist"), null, RULES);
        assertThat(egoOnly.rule()).isEqualTo("first-ego");
    }

    @Test
    void namedCameraMustExist() {
        assertThatThrownBy(() -> CameraSelector.choose(DATASET, cameras("observation.images.top"), "side", RULES))
                .hasMessage("Dataset bridge_orig_lerobot has no camera 'side' (named in its datasets entry); it has"
                        + " [observation.images.top]");
        assertThatThrownBy(() -> CameraSelector.choose(DATASET, Map.of(), null, RULES))
                .hasMessageContaining("has no camera");
    }

    private static Map<String, CameraStorage> cameras(String... keys) {
        Map<String, CameraStorage> cameras = new LinkedHashMap<>();
        for (String key : keys) {
            cameras.put(key, CameraStorage.VIDEO);
        }
        return cameras;
    }
}
