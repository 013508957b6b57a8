package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.CodeIdentity;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.testing.GeneratedDatasets;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A re-run never destroys good output: a setting no episode can work with is rejected before anything runs, a stage
 * in which no unit succeeds keeps the committed table, and a changed module's code is recomputed on resume instead of
 * served from the ledger.
 */
final class TestRerunSafety {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALL = "index,features,annotate,label,vqa";

    @TempDir
    Path directory;

    private static String[] run(Path dataset, Path out, String... extra) {
        List<String> arguments = new ArrayList<>(
                List.of("run", "--dataset", dataset.toString(), "--out", out.toString(), "--stages", ALL));
        arguments.addAll(List.of(extra));
        return arguments.toArray(String[]::new);
    }

    private static Path firstRun(Path out) {
        Cli.Result first = Cli.run(run(GeneratedDatasets.path(GeneratedDatasets.V21_AV1), out));
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        return out;
    }

    @Test
    void aSettingNoEpisodeCanWorkWithIsRejectedBeforeAnythingRuns() throws IOException {
        Path out = firstRun(directory.resolve("out"));
        Map<String, String> before = files(out, Set.of());

        // features ran with features.phash=auto and the default mode: frames/ has no perceptual hash
        Cli.Result label = Cli.run("label", "--out", out.toString(), "--set", "progress.mode=reference");
        assertThat(label.exitCode()).as(label.out() + label.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(label.err())
                .contains("CONFIG_INVALID_VALUE", "progress.mode=reference", "perceptual hash", "features.phash=on")
                .contains("procvlm features --out " + out);
        assertThat(files(out, Set.of())).as("every file, the manifest included").isEqualTo(before);

        Cli.Result off = Cli.run(run(
                GeneratedDatasets.path(GeneratedDatasets.V21_AV1),
                out,
                "--set",
                "progress.mode=reference",
                "--set",
                "features.phash=off"));
        assertThat(off.exitCode()).as(off.out() + off.err()).isEqualTo(ExitCodes.USAGE);
        assertThat(off.err()).contains("progress.mode=reference", "features.phash=off");
        assertThat(files(out, Set.of())).isEqualTo(before);

        // the fix the message gives works: the hash computed, the reference mode labels every episode
        Cli.Result features = Cli.run("features", "--out", out.toString(), "--set", "features.phash=on");
        assertThat(features.exitCode()).as(features.out() + features.err()).isZero();
        Cli.Result fixed = Cli.run("label", "--out", out.toString(), "--set", "progress.mode=reference");
        assertThat(fixed.exitCode()).as(fixed.out() + fixed.err()).isZero();
        assertThat(manifest(out).at("/stages/label/ok").asInt()).isEqualTo(3);
    }

    @Test
    void aRerunWhereNoAnnotateUnitSucceedsKeepsTheCommittedTablesAndLedger() throws IOException {
        Path out = firstRun(directory.resolve("out"));
        Map<String, String> before = files(out, Set.of("_manifest.json"));

        // the generated dataset ships no subtask labels: the native annotator quarantines every episode
        Cli.Result all = Cli.run(
                run(GeneratedDatasets.path(GeneratedDatasets.V21_AV1), out, "--set", "annotate.annotator=native"));
        assertThat(all.exitCode()).as(all.out() + all.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(all.err())
                .contains("STAGE_NO_USABLE_UNIT", "No unit of the annotate stage succeeded", "NATIVE_LABELS_MISSING 3")
                .contains("committed segments/ table (3 units done");
        assertThat(files(out, Set.of("_manifest.json")))
                .as("tables, ledger and unit folders byte-identical")
                .isEqualTo(before);
        JsonNode manifest = manifest(out);
        assertThat(manifest.get("exit-code").asInt()).isEqualTo(ExitCodes.FAILURE);
        assertThat(manifest.get("error").asText()).startsWith("STAGE_NO_USABLE_UNIT: ");
        assertThat(manifest.at("/rejected-stage/stage").asText()).isEqualTo("annotate");
        assertThat(manifest.at("/rejected-stage/quarantine-reasons/NATIVE_LABELS_MISSING")
                        .asInt())
                .isEqualTo(3);
        assertThat(manifest.at("/stages/annotate/ok").asInt())
                .as("the kept table's entry")
                .isEqualTo(3);
        assertThat(manifest.at("/stages/annotate/counters/annotator-kinematic").asInt())
                .isEqualTo(3);

        Cli.Result again = Cli.run(run(GeneratedDatasets.path(GeneratedDatasets.V21_AV1), out));
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(computed(out)).as("the first settings: everything reused").containsExactly(0, 0, 0, 0);
        assertThat(manifest(out).has("rejected-stage")).isFalse();
    }

    @Test
    void aRerunWhereNoVqaUnitSucceedsKeepsTheCommittedVqa() throws IOException {
        Path dataset = GeneratedDatasets.copy(GeneratedDatasets.V21_AV1, directory);
        Path out = directory.resolve("out");
        // without the features images/ table vqa decodes the videos again: with them gone, every episode is
        // quarantined
        Cli.Result first = Cli.run(run(dataset, out, "--set", "features.images=false"));
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        Map<String, String> before = files(out, Set.of("_manifest.json"));

        try (Stream<Path> videos = Files.walk(dataset.resolve("videos"))) {
            for (Path video : videos.filter(Files::isRegularFile).toList()) {
                Files.delete(video);
            }
        }
        Cli.Result vqa = Cli.run("vqa", "--out", out.toString(), "--force", "vqa");
        assertThat(vqa.exitCode()).as(vqa.out() + vqa.err()).isEqualTo(ExitCodes.FAILURE);
        assertThat(vqa.err()).contains("STAGE_NO_USABLE_UNIT", "No unit of the vqa stage succeeded (3 units");
        assertThat(files(out, Set.of("_manifest.json"))).isEqualTo(before);
        assertThat(manifest(out).at("/rejected-stage/stage").asText()).isEqualTo("vqa");
        assertThat(manifest(out).at("/stages/vqa/ok").asInt()).isEqualTo(3);
    }

    @Test
    void aResumedRunRecomputesWhatAChangedModuleComputes() throws IOException {
        Path out = directory.resolve("out");
        Config config = AppConfig.load(null, List.of())
                .with(
                        CoreConfig.DATASETS,
                        List.of(Map.of(
                                "path",
                                GeneratedDatasets.path(GeneratedDatasets.V21_AV1)
                                        .toString(),
                                "format",
                                "auto")),
                        "--dataset")
                .with(CoreConfig.OUTPUT_ROOT, out.toString(), "--out");
        CodeIdentity built = AppCode.current();
        assertThat(built.modules())
                .containsOnlyKeys("pipeline-core", "annotators", "progress-budget", "vqa-builder", "pipeline-app");
        assertThat(built.modules().values())
                .allSatisfy(digest -> assertThat(digest).hasSize(64));

        assertThat(runWith(config, built)).isZero();
        JsonNode first = manifest(out);
        assertThat(first.at("/code/version").asText()).isEqualTo(built.version());
        assertThat(first.at("/code/modules/annotators").asText())
                .isEqualTo(built.modules().get("annotators"));
        assertThat(runWith(config, built)).isZero();
        assertThat(computed(out)).as("the same code").containsExactly(0, 0, 0, 0);

        // a fix to an annotator: same version string, another digest of the annotators module
        CodeIdentity fixed = built.with("annotators", Fingerprints.ofString("a fixed annotator"));
        assertThat(runWith(config, fixed)).isZero();
        assertThat(computed(out))
                .as("annotate and what is made from its segments, not features")
                .containsExactly(0, 3, 3, 3);
        JsonNode after = manifest(out);
        assertThat(after.at("/code/modules/annotators").asText())
                .isEqualTo(fixed.modules().get("annotators"));
        assertThat(after.at("/stages/annotate/fingerprint/code").asText())
                .isNotEqualTo(first.at("/stages/annotate/fingerprint/code").asText());
        assertThat(after.at("/stages/features/fingerprint/code").asText())
                .isEqualTo(first.at("/stages/features/fingerprint/code").asText());

        assertThat(runWith(config, fixed.with("progress-budget", Fingerprints.ofString("a fixed labeller"))))
                .isZero();
        assertThat(computed(out)).as("a changed label module").containsExactly(0, 0, 3, 3);
    }

    private static int runWith(Config config, CodeIdentity code) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        PipelineRunner.Result result = new PipelineRunner(config, new PrintWriter(out), new PrintWriter(err), code)
                .run("run", PipelineRunner.STAGES);
        return result.exitCode();
    }

    private static JsonNode manifest(Path out) throws IOException {
        return JSON.readTree(out.resolve("_manifest.json").toFile());
    }

    private static List<Integer> computed(Path out) throws IOException {
        JsonNode manifest = manifest(out);
        List<Integer> computed = new ArrayList<>();
        for (String stage : List.of("features", "annotate", "label", "vqa")) {
            computed.add(
                    manifest.at("/stages/" + stage + "/counters/units-computed").asInt());
        }
        return computed;
    }

    /** Relative path to SHA-256 of every file under {@code root}, but the top-level names in {@code except}. */
    private static Map<String, String> files(Path root, Set<String> except) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                Path relative = root.relativize(file);
                if (!except.contains(relative.getName(0).toString())) {
                    files.put(relative.toString(), Fingerprints.ofBytes(Files.readAllBytes(file)));
                }
            }
        }
        return files;
    }
}
