package io.procvlm.core.dataset.conformance;

import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.testing.TestData;
import java.nio.file.Path;

/**
 * LeRobot v3.0 (episodes sharing data and video files) with native subtask labels through the conformance suite: the
 * v2.1 sample's episodes, camera and frame size in the other layout.
 */
final class TestLeRobotV30Conformance extends TestLeRobotConformance {
    @Override
    protected Path dataset() {
        return TestData.srcTestData("lerobot/lerobot-v30-native-subtasks");
    }

    @Override
    protected DatasetFormat format() {
        return DatasetFormat.LEROBOT_V3_0;
    }

    @Override
    protected boolean filesNameEpisodes() {
        return false;
    }
}
