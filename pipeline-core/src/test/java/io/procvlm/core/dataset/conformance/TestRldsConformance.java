package io.procvlm.core.dataset.conformance;

import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.testing.TestData;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** RLDS TFRecords (tfds episode-per-record and step-per-record shards) through the conformance suite; a bad CRC quarantines. */
final class TestRldsConformance extends ReaderConformanceSuite {
    @Override
    protected Path dataset() {
        return TestData.srcTestData("rlds/rlds-pick-place");
    }

    @Override
    protected DatasetFormat format() {
        return DatasetFormat.RLDS;
    }

    @Override
    protected List<Long> episodes() {
        return List.of(0L, 1L, 2L);
    }

    @Override
    protected String exoCamera() {
        return "image";
    }

    @Override
    protected int[] frameSize() {
        return new int[] {64, 48};
    }

    @Override
    protected Optional<Path> malformedDataset() {
        return Optional.of(TestData.srcTestData("rlds/rlds-malformed"));
    }

    @Override
    protected Map<Long, String> malformedOutcomes() {
        return Map.of(0L, OK, 1L, "RECORD_CHECKSUM_MISMATCH");
    }
}
