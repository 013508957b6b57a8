package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.SharedSpark;
import io.procvlm.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code procvlm catalog} and {@code --datasets}: listing, validation errors, and selection for a run. */
final class TestCatalogCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void listsThirtyEntriesWithLicenseAndFormat() throws IOException {
        Cli.Result table = Cli.run("catalog");
        assertThat(table.exitCode()).as(table.err()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines.get(0)).matches("ID +FORMAT +LICENSE +DOMAIN +NATIVE-LABELS +INFERRED");
        assertThat(lines).hasSize(32);
        assertThat(lines.get(31)).startsWith("30 datasets (3 inferred) from the embedded catalog");
        assertThat(table.out())
                .containsPattern("agibot_world_alpha +agibot-world +CC-BY-NC-SA-4.0 +real +yes +no")
                .containsPattern("robocerebra +lerobot-v3.0 +unknown +sim +yes +yes")
                .containsPattern("viola +rlds +CC-BY-4.0 +real +no +yes");

        Cli.Result json = Cli.run("catalog", "--json");
        assertThat(json.exitCode()).isZero();
        JsonNode all = JSON.readTree(json.out());
        assertThat(all.size()).isEqualTo(30);
        for (JsonNode entry : all) {
            assertThat(entry.get("license").asText())
                    .as(entry.get("id").asText())
                    .isNotBlank();
            assertThat(entry.get("format").asText()).isNotBlank();
            assertThat(entry.has("resolved")).isFalse();
        }

        Cli.Result show = Cli.run("catalog", "--show", "droid", "--set", "catalog.data-root=/data");
        assertThat(show.exitCode()).isZero();
        assertThat(show.out())
                .contains("format:               lerobot-v2.1")
                .contains("resolved:             file:/data/droid_1.0.1_lerobot")
                .contains("exo-camera:           observation.images.exterior_1_left");
        JsonNode one =
                JSON.readTree(Cli.run("catalog", "--show", "libero", "--json").out());
        assertThat(one.get("domain").asText()).isEqualTo("sim");
        assertThat(one.get("fps").asDouble()).isEqualTo(10.0);
    }

    @Test
    void unknownIdsAreUsageErrorsWithSuggestions() {
        Cli.Result show = Cli.run("catalog", "--show", "brige_orig");
        assertThat(show.exitCode()).isEqualTo(2);
        assertThat(show.err())
                .contains("Error [CONFIG_UNKNOWN_DATASET]: Unknown dataset 'brige_orig' (from --show): not in the"
                        + " embedded catalog; did you mean 'bridge_orig'?");
        Cli.Result run = Cli.run("run", "--datasets", "droid,librero", "--set", "catalog.data-root=/data");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown dataset 'librero' (from --datasets)", "did you mean 'libero'?");
        Cli.Result index = Cli.run("index", "--datasets", "agibot");
        assertThat(index.exitCode()).isEqualTo(2);
        assertThat(index.err()).contains("did you mean 'agibot_world_", "'agibot_world_alpha'", "'agibot_world_beta'");
    }

    @Test
    void badCatalogFolderStopsBeforeAnythingRuns() throws IOException {
        Path catalog = Files.createDirectories(directory.resolve("catalog"));
        Files.writeString(
                catalog.resolve("escape.yaml"),
                Files.readString(TestData.repoRoot().resolve("conf/datasets/droid.yaml"))
                        .replace("id: droid", "id: escape")
                        .replace("${PROCVLM_DATA}/droid_1.0.1_lerobot", "${PROCVLM_DATA}/../../etc"));
        Cli.Result listed = Cli.run("catalog", "--set", "catalog.folder=" + catalog);
        assertThat(listed.exitCode()).isEqualTo(2);
        assertThat(listed.err())
                .contains("Error [CONFIG_CATALOG_INVALID]: Invalid catalog entry " + catalog.resolve("escape.yaml")
                        + ": key 'location' has value '${PROCVLM_DATA}/../../etc': '..' segments could leave the"
                        + " data root");
        Cli.Result noFolder = Cli.run("catalog", "--set", "catalog.folder=" + directory.resolve("absent"));
        assertThat(noFolder.exitCode()).isEqualTo(2);
        assertThat(noFolder.err()).contains("for configuration key 'catalog.folder': no such folder");
    }

    @Test
    void datasetsWithoutDataRootIsAUsageError() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                System.getenv("PROCVLM_DATA") == null, "PROCVLM_DATA is set in this environment");
        Cli.Result run = Cli.run("run", "--datasets", "droid");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains(
                        "No data root for catalog datasets: set configuration key 'catalog.data-root'", "PROCVLM_DATA");
    }

    @Test
    void runSelectsCatalogDatasetsAndSkipsMissingFolders() throws IOException {
        Path catalog = Files.createDirectories(directory.resolve("catalog"));
        String droid = Files.readString(TestData.repoRoot().resolve("conf/datasets/droid.yaml"));
        Files.writeString(
                catalog.resolve("pick_place.yaml"),
                droid.replace("id: droid", "id: pick_place")
                        .replace("${PROCVLM_DATA}/droid_1.0.1_lerobot", "${PROCVLM_DATA}/" + GeneratedDatasets.V21_AV1)
                        .replace(
                                "exo: observation.images.exterior_1_left",
                                "exo: " + firstCamera(GeneratedDatasets.path(GeneratedDatasets.V21_AV1)))
                        .replace(
                                "ego: [observation.images.exterior_2_left, observation.images.wrist_left]", "ego: []"));
        Files.writeString(
                catalog.resolve("not_downloaded.yaml"),
                droid.replace("id: droid", "id: not_downloaded")
                        .replace("${PROCVLM_DATA}/droid_1.0.1_lerobot", "${PROCVLM_DATA}/nothing/here"));
        Path out = directory.resolve("out");
        Cli.Result run = Cli.run(
                "run",
                "--datasets",
                "pick_place,not_downloaded",
                "--stages",
                "index",
                "--set",
                "catalog.folder=" + catalog,
                "--set",
                "catalog.data-root="
                        + GeneratedDatasets.path(GeneratedDatasets.V21_AV1).getParent(),
                "--out",
                out.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(ExitCodes.PARTIAL);
        assertThat(run.err())
                .contains("Dataset not_downloaded (file:"
                        + GeneratedDatasets.path(GeneratedDatasets.V21_AV1).getParent()
                        + "/nothing/here) cannot be read and is skipped: DATASET_NOT_FOUND");
        JsonNode manifest = JSON.readTree(out.resolve("_manifest.json").toFile());
        assertThat(manifest.at("/inputs/0/dataset").asText()).isEqualTo("pick_place");
        assertThat(manifest.at("/failed-datasets/0/code").asText()).isEqualTo("DATASET_NOT_FOUND");
        assertThat(manifest.at("/failed-datasets/0/path").asText()).endsWith("/nothing/here");
        List<Row> episodes = SharedSpark.get()
                .read()
                .parquet(out.resolve("episodes").toString())
                .select("dataset", "camera_rule")
                .distinct()
                .collectAsList();
        assertThat(episodes).hasSize(1);
        assertThat(episodes.get(0).getString(0)).isEqualTo("pick_place");
        assertThat(episodes.get(0).getString(1)).isEqualTo("config");
    }

    private static String firstCamera(Path dataset) throws IOException {
        JsonNode features =
                JSON.readTree(dataset.resolve("meta/info.json").toFile()).get("features");
        var names = features.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (features.get(name).path("dtype").asText().equals("video")) {
                return name;
            }
        }
        throw new IllegalStateException("no video feature in " + dataset);
    }
}
