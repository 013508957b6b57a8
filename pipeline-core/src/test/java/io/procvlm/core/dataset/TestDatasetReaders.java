package io.procvlm.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry: every format has one reader, and its messages list exactly the formats it knows. */
final class TestDatasetReaders {
    private static final CameraRules RULES = new CameraRules(Map.of(), List.of("front"), List.of("wrist"));

    @TempDir
    Path directory;

    @Test
    void everyFormatHasExactlyOneReaderAndIsListed() {
        for (DatasetFormat format : DatasetFormat.values()) {
            assertThat(DatasetReaders.all().stream().filter(r -> r.formats().contains(format)))
                    .as("%s", format)
                    .hasSize(1);
            assertThat(DatasetReaders.knownFormats()).contains(format.id());
        }
        assertThat(DatasetReaders.knownFormats())
                .isEqualTo(
                        "auto, lerobot, lerobot-v2.0, lerobot-v2.1, lerobot-v3.0, agibot-world, hdf5-robomimic, rlds,"
                                + " image-sequence");
    }

    @Test
    void anUnknownFormatNameListsTheKnownOnes() {
        Path root = TestData.srcTestData("rlds/rlds-pick-place");
        assertThatThrownBy(() -> DatasetReaders.scan(new DatasetSpec(root.toString(), "tfds", null, null), RULES))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("Unknown format 'tfds'")
                .hasMessageContaining(DatasetReaders.knownFormats());
    }

    @Test
    void aDeclaredFormatThatTheFilesContradictFails() {
        Path root = TestData.srcTestData("image-sequence/captures-pick-place");
        assertThatThrownBy(() -> DatasetReaders.scan(new DatasetSpec(root.toString(), "rlds", null, null), RULES))
                .isInstanceOfSatisfying(
                        PipelineException.class,
                        e -> assertThat(e.errorCode().name()).isEqualTo(CoreErrorCode.DATASET_FORMAT_UNKNOWN.name()))
                .hasMessageContaining("declared as format 'rlds' but its metadata says image-sequence");
    }

    @Test
    void aFolderOfNoKnownFormatSaysWhatWasLookedFor() throws IOException {
        Files.writeString(directory.resolve("notes.txt"), "nothing to read");
        assertThatThrownBy(() -> DatasetReaders.scan(DatasetSpec.ofPath(directory.toString()), RULES))
                .isInstanceOfSatisfying(
                        PipelineException.class,
                        e -> assertThat(e.errorCode().name()).isEqualTo(CoreErrorCode.DATASET_FORMAT_UNKNOWN.name()))
                .hasMessageContaining("meta/info.json")
                .hasMessageContaining("task_info/task_*.json")
                .hasMessageContaining("*.tfrecord*")
                .hasMessageContaining(DatasetReaders.knownFormats());
    }
}
