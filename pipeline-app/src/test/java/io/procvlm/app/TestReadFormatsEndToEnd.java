package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every format read in place goes end to end through {@code procvlm run} (to {@code vqa/}) alone and mixed with the
 * others in one run; {@code procvlm validate} works on each; malformed samples end as quarantined episodes with their
 * reason codes while the good episodes of the same run complete.
 */
final class TestReadFormatsEndToEnd {
    private static final List<String> MALFORMED = List.of(
            "agibot-world/agibot-malformed",
            "hdf5-robomimic/robomimic-malformed",
            "image-sequence/captures-malformed",
            "rlds/rlds-malformed");

    @TempDir
    Path directory;

    @ParameterizedTest
    @CsvSource({
        "agibot-world/agibot-pick-place, agibot-world, 2",
        "hdf5-robomimic/libero-pick-place, hdf5-robomimic, 2",
        "image-sequence/captures-pick-place, image-sequence, 2",
        "rlds/rlds-pick-place, rlds, 3"
    })
    void validateWorksOnEachFormat(String dataset, String format, int episodes) {
        Cli.Result validate = Cli.run("validate", TestData.srcTestData(dataset).toString(), "--deep");
        assertThat(validate.exitCode()).as(validate.out() + validate.err()).isZero();
        assertThat(validate.out())
                .contains(format + ", " + episodes + " episodes", "Episodes: " + episodes + " usable");
    }

    /**
     * One run over a dataset of every format (and a LeRobot one), {@code conf/formats.yaml}, goes to vqa/ with samples
     * from each dataset.
     */
    @Test
    void oneRunMixesEveryFormat() throws IOException {
        String mixed = Files.readString(TestData.repoRoot().resolve("conf/formats.yaml"))
                .replace("src-test-data/", TestData.repoRoot() + "/src-test-data/");
        Path file = directory.resolve("formats.yaml");
        Files.writeString(file, mixed);
        Path out = directory.resolve("mixed");
        Cli.Result run = Cli.run("run", "--config", file.toString(), "--out", out.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(out.resolve("vqa/README.md")).isRegularFile();
        JsonNode manifest =
                new ObjectMapper().readTree(out.resolve("_manifest.json").toFile());
        List<String> formats = new ArrayList<>();
        manifest.get("inputs").forEach(input -> formats.add(input.get("format").asText()));
        assertThat(formats)
                .containsExactlyInAnyOrder("agibot-world", "hdf5-robomimic", "image-sequence", "rlds", "lerobot-v2.1");
        assertThat(manifest.at("/stages/index/ok").asInt()).isEqualTo(2 + 2 + 2 + 3 + 2);
        assertThat(manifest.at("/stages/index/quarantined").asInt()).isZero();
        assertThat(manifest.at("/stages/features/ok").asInt()).isEqualTo(11);
        JsonNode stats =
                new ObjectMapper().readTree(out.resolve("vqa/stats.json").toFile());
        List<String> withSamples = new ArrayList<>();
        stats.get("samples-by-split-dataset-and-family")
                .forEach(split -> split.fieldNames().forEachRemaining(withSamples::add));
        assertThat(withSamples)
                .contains(
                        "agibot-pick-place",
                        "libero-pick-place",
                        "captures-pick-place",
                        "rlds-pick-place",
                        "lerobot-v21-native-subtasks");
        assertThat(run.out())
                .contains(
                        "agibot-pick-place (agibot-world, camera head_color",
                        "libero-pick-place (hdf5-robomimic, camera agentview_image",
                        "captures-pick-place (image-sequence, camera front",
                        "rlds-pick-place (rlds, camera image");
    }

    @Test
    void malformedSamplesAreQuarantinedWhileTheirGoodEpisodesComplete() throws IOException {
        StringBuilder config = new StringBuilder("datasets:\n");
        for (String dataset : MALFORMED) {
            config.append("  - path: ").append(TestData.srcTestData(dataset)).append('\n');
        }
        Path file = directory.resolve("malformed.yaml");
        Files.writeString(file, config.toString());
        Path out = directory.resolve("malformed");
        Cli.Result run = Cli.run("run", "--config", file.toString(), "--out", out.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.PARTIAL);
        JsonNode manifest =
                new ObjectMapper().readTree(out.resolve("_manifest.json").toFile());
        JsonNode reasons = manifest.at("/stages/index/quarantine-reasons");
        assertThat(reasons.path("STATE_ACTION_LENGTH_MISMATCH").asInt()).isEqualTo(1);
        assertThat(reasons.path("VIDEO_UNREADABLE").asInt()).isEqualTo(1);
        assertThat(reasons.path("FRAME_COUNT_MISMATCH").asInt()).isEqualTo(1);
        assertThat(reasons.path("DATA_FILE_UNREADABLE").asInt()).isEqualTo(1);
        assertThat(reasons.path("IMAGE_FILE_MISSING").asInt()).isEqualTo(1);
        assertThat(reasons.path("DATASET_METADATA_INVALID").asInt()).isEqualTo(1);
        assertThat(reasons.path("RECORD_CHECKSUM_MISMATCH").asInt()).isEqualTo(1);
        assertThat(manifest.at("/stages/index/quarantined").asInt()).isEqualTo(7);
        assertThat(manifest.at("/stages/index/ok").asInt()).isEqualTo(4);
        assertThat(manifest.at("/stages/features/ok").asInt()).isEqualTo(4);
    }
}
