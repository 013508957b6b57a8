package io.procvlm.core.dataset.conformance;

import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** LeRobot v2.1 with native subtask labels through the conformance suite (its quirks are covered by TestEpisodeQuirks). */
class TestLeRobotConformance extends ReaderConformanceSuite {
    @Override
    protected Path dataset() {
        return TestData.srcTestData("lerobot/lerobot-v21-native-subtasks");
    }

    @Override
    protected DatasetFormat format() {
        return DatasetFormat.LEROBOT_V2_1;
    }

    @Override
    protected List<Long> episodes() {
        return List.of(0L, 1L);
    }

    @Override
    protected String exoCamera() {
        return "observation.images.front";
    }

    @Override
    protected int[] frameSize() {
        return new int[] {160, 120};
    }

    @Override
    protected Optional<Path> malformedDataset() {
        return Optional.empty();
    }

    @Override
    protected Map<Long, String> malformedOutcomes() {
        return Map.of();
    }
}
