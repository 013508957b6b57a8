package io.procvlm.core.dataset.conformance;

import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** robomimic / LIBERO HDF5 (jHDF) through the conformance suite. */
final class TestRobomimicConformance extends ReaderConformanceSuite {
    @Override
    protected Path dataset() {
        return TestData.srcTestData("hdf5-robomimic/libero-pick-place");
    }

    @Override
    protected DatasetFormat format() {
        return DatasetFormat.HDF5_ROBOMIMIC;
    }

    @Override
    protected List<Long> episodes() {
        return List.of(0L, 1L);
    }

    @Override
    protected String exoCamera() {
        return "agentview_image";
    }

    @Override
    protected int[] frameSize() {
        return new int[] {64, 48};
    }

    @Override
    protected Optional<Path> malformedDataset() {
        return Optional.of(TestData.srcTestData("hdf5-robomimic/robomimic-malformed"));
    }

    @Override
    protected Map<Long, String> malformedOutcomes() {
        return Map.of(0L, OK, 1L, "FRAME_COUNT_MISMATCH", 2L, "DATA_FILE_UNREADABLE");
    }
}
