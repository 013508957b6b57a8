package io.procvlm.core.dataset.conformance;

import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** AgiBot World's native layout through the conformance suite; its known dirty cases (action longer than state, corrupt mp4) quarantine cleanly. */
final class TestAgiBotConformance extends ReaderConformanceSuite {
    @Override
    protected Path dataset() {
        return TestData.srcTestData("agibot-world/agibot-pick-place");
    }

    @Override
    protected DatasetFormat format() {
        return DatasetFormat.AGIBOT_WORLD;
    }

    @Override
    protected List<Long> episodes() {
        return List.of(648642L, 648649L);
    }

    @Override
    protected String exoCamera() {
        return "head_color";
    }

    @Override
    protected int[] frameSize() {
        return new int[] {128, 96};
    }

    @Override
    protected Optional<Path> malformedDataset() {
        return Optional.of(TestData.srcTestData("agibot-world/agibot-malformed"));
    }

    @Override
    protected Map<Long, String> malformedOutcomes() {
        return Map.of(700001L, OK, 700002L, "STATE_ACTION_LENGTH_MISMATCH", 700003L, "VIDEO_UNREADABLE");
    }
}
