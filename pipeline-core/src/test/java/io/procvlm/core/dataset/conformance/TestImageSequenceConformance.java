package io.procvlm.core.dataset.conformance;

import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Image sequences (a folder of frames + episode.json) through the conformance suite. */
final class TestImageSequenceConformance extends ReaderConformanceSuite {
    @Override
    protected Path dataset() {
        return TestData.srcTestData("image-sequence/captures-pick-place");
    }

    @Override
    protected DatasetFormat format() {
        return DatasetFormat.IMAGE_SEQUENCE;
    }

    @Override
    protected List<Long> episodes() {
        return List.of(0L, 1L);
    }

    @Override
    protected String exoCamera() {
        return "front";
    }

    @Override
    protected int[] frameSize() {
        return new int[] {64, 48};
    }

    @Override
    protected Optional<Path> malformedDataset() {
        return Optional.of(TestData.srcTestData("image-sequence/captures-malformed"));
    }

    @Override
    protected Map<Long, String> malformedOutcomes() {
        return Map.of(0L, OK, 1L, "IMAGE_FILE_MISSING", 2L, "DATASET_METADATA_INVALID");
    }
}
