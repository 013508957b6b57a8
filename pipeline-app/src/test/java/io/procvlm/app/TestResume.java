package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.ledger.Ledger;
import io.procvlm.core.ledger.LedgerEntry;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resumable, fingerprinted rebuilds through the CLI on real Spark and real files: a driver killed in the middle of
 * {@code features} resumes with the unfinished units only and ends with the tables of an uninterrupted run; changing a
 * setting or a template recomputes exactly the stages (and units) it affects.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.procvlm.core.testing.FaultResults.Watcher.class)
final class TestResume {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    /** The run's arguments over one generated dataset: V30_AV1 has 5 episodes, V21_AV1 3. */
    private static List<String> arguments(String dataset, Path out, String stages, String... extra) {
        List<String> arguments = new ArrayList<>(List.of(
                "run",
                "--dataset",
                GeneratedDatasets.path(dataset).toString(),
                "--out",
                out.toString(),
                "--stages",
                stages));
        arguments.addAll(List.of(extra));
        return arguments;
    }

    private static JsonNode counters(Path out, String stage) throws IOException {
        return JSON.readTree(out.resolve("_manifest.json").toFile()).at("/stages/" + stage + "/counters");
    }

    @Test
    @io.procvlm.core.testing.FaultResults.Fault(
            name = "driver killed (SIGKILL) mid-features, then resumed",
            runs = 3,
            expected =
                    "no half-visible table; resume computes only unfinished units; tables byte-identical to an uninterrupted run",
            observed =
                    "no frames/ after the kill; reused = committed units; frames/ byte-identical; status shows 5/5 done")
    void aDriverKilledInFeaturesResumesWithTheUnfinishedUnitsOnly() throws Exception {
        Path clean = directory.resolve("clean");
        Cli.Result uninterrupted = Cli.run(
                arguments(GeneratedDatasets.V30_AV1, clean, "index,features").toArray(String[]::new));
        assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();

        Path out = directory.resolve("killed");
        List<String> run = arguments(GeneratedDatasets.V30_AV1, out, "index,features", "--set", "run.batch-units=1");
        Process process = new ProcessBuilder(Cli.inNewJvm(run))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("killed.log").toFile())
                .start();
        Path ledger = out.resolve("_ledger/features");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (ledgerFiles(ledger) < 2 && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        Map<String, LedgerEntry> before = Ledger.load(out.toString(), "features");
        assertThat(before).as("units committed before the kill").hasSizeBetween(2, 4);
        assertThat(out.resolve("frames")).as("no half-visible table").doesNotExist();

        Cli.Result resumed = Cli.run(run.toArray(String[]::new));
        assertThat(resumed.exitCode()).as(resumed.out() + resumed.err()).isZero();
        assertThat(counters(out, "features").get("units-reused").asInt()).isEqualTo(before.size());
        assertThat(counters(out, "features").get("units-computed").asInt()).isEqualTo(5 - before.size());
        Map<String, LedgerEntry> after = Ledger.load(out.toString(), "features");
        assertThat(after).hasSize(5);
        assertThat(after.values()).allMatch(LedgerEntry::isDone);
        before.forEach((unit, entry) -> assertThat(after.get(unit).runId())
                .as("kept from the killed run")
                .isEqualTo(entry.runId()));
        assertThat(files(out.resolve("frames"))).isEqualTo(files(clean.resolve("frames")));
        assertThat(out.resolve("_units/features")).isDirectory();

        Cli.Result status = Cli.run("status", "--out", out.toString());
        assertThat(status.exitCode()).isZero();
        assertThat(status.out()).containsPattern("features\\s+5\\s+5\\s+0\\s+0\\s+1\\s+yes");
    }

    @Test
    void anUnchangedIndexReusesItsInspectionsAndAForcedOneInspectsAgain() throws Exception {
        Path out = directory.resolve("out");
        Path fresh = directory.resolve("fresh");
        Cli.Result first =
                Cli.run(arguments(GeneratedDatasets.V30_AV1, out, "index").toArray(String[]::new));
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(counters(out, "index").get("units-computed").asInt()).isEqualTo(5);

        Cli.Result again =
                Cli.run(arguments(GeneratedDatasets.V30_AV1, out, "index").toArray(String[]::new));
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(counters(out, "index").get("units-reused").asInt()).isEqualTo(5);
        assertThat(counters(out, "index").get("units-computed").asInt()).isZero();
        Map<String, JsonNode> reusedOutcomes = outcomes(out, "index");

        Cli.Result other =
                Cli.run(arguments(GeneratedDatasets.V30_AV1, fresh, "index").toArray(String[]::new));
        assertThat(other.exitCode()).as(other.out() + other.err()).isZero();
        assertThat(files(out.resolve("episodes")))
                .as("a reused index writes the bytes of a fresh one")
                .isEqualTo(files(fresh.resolve("episodes")));
        assertThat(reusedOutcomes).isEqualTo(outcomes(fresh, "index"));

        for (String[] recompute :
                List.of(new String[] {"--set", "run.force=index"}, new String[] {"--set", "run.resume=false"})) {
            Cli.Result forced = Cli.run(arguments(GeneratedDatasets.V30_AV1, out, "index", recompute)
                    .toArray(String[]::new));
            assertThat(forced.exitCode()).as(forced.out() + forced.err()).isZero();
            assertThat(counters(out, "index").get("units-computed").asInt())
                    .as(String.join(" ", recompute))
                    .isEqualTo(5);
        }
        assertThat(files(out.resolve("episodes"))).isEqualTo(files(fresh.resolve("episodes")));
    }

    @Test
    void aChangeRecomputesExactlyTheStagesItAffects() throws Exception {
        Path out = directory.resolve("out");
        String all = "index,features,annotate,label,vqa";
        List<String> stages = List.of("features", "annotate", "label", "vqa");
        Cli.Result first =
                Cli.run(arguments(GeneratedDatasets.V21_AV1, out, all).toArray(String[]::new));
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        assertThat(computed(out, stages)).containsExactly(3, 3, 3, 3);

        assertThat(rerun(out, all)).as("nothing changed").containsExactly(0, 0, 0, 0);
        Map<String, String> tables = tableHashes(out);

        assertThat(rerun(out, all, "--set", "progress.idle-floor=0.01"))
                .as("a label setting")
                .containsExactly(0, 0, 3, 3);

        Path vocabulary = directory.resolve("vocabulary.yaml");
        Files.writeString(
                vocabulary, Files.readString(TestData.repoRoot().resolve("conf/vocabulary.yaml")) + "\n# edited\n");
        String[] edited = {"--set", "progress.idle-floor=0.01", "--set", "annotate.vocabulary=" + vocabulary};
        assertThat(rerun(out, all, edited)).as("the vocabulary file's content").containsExactly(0, 3, 3, 3);

        Path templates = directory.resolve("templates.yaml");
        Files.writeString(
                templates,
                Files.readString(TestData.repoRoot().resolve("conf/vqa-templates.yaml"))
                        .replace("Split the execution into", "Divide the execution into"));
        List<String> withTemplates = new ArrayList<>(List.of(edited));
        withTemplates.addAll(List.of("--set", "vqa.templates=" + templates));
        assertThat(rerun(out, all, withTemplates.toArray(String[]::new)))
                .as("a ProcVQA template")
                .containsExactly(0, 0, 0, 3);

        withTemplates.addAll(List.of("--force", "label"));
        assertThat(rerun(out, all, withTemplates.toArray(String[]::new)))
                .as("--force label: label again, with the same result, so vqa is kept")
                .containsExactly(0, 0, 3, 0);
        assertThat(Ledger.load(out.toString(), "label").values()).allMatch(entry -> entry.attempts() == 2);

        List<String> back = new ArrayList<>(arguments(GeneratedDatasets.V21_AV1, out, all));
        Cli.Result restored = Cli.run(back.toArray(String[]::new));
        assertThat(restored.exitCode()).isZero();
        assertThat(tableHashes(out))
                .as("back to the first settings, back to the first tables")
                .isEqualTo(tables);
    }

    @Test
    void manyBatchFoldersAreCompactedIntoOneWithTheSameTables() throws Exception {
        Path plain = directory.resolve("plain");
        Path folded = directory.resolve("folded");
        String stages = "index,features,annotate";
        String[] oneUnitBatches = {"--set", "run.batch-units=1"};
        Cli.Result first = Cli.run(arguments(GeneratedDatasets.V30_AV1, plain, stages, oneUnitBatches)
                .toArray(String[]::new));
        assertThat(first.exitCode()).as(first.out() + first.err()).isZero();
        List<String> compacting = arguments(
                GeneratedDatasets.V30_AV1,
                folded,
                stages,
                "--set",
                "run.batch-units=1",
                "--set",
                "run.max-unit-folders=2");
        Cli.Result second = Cli.run(compacting.toArray(String[]::new));
        assertThat(second.exitCode()).as(second.out() + second.err()).isZero();

        for (String stage : List.of("features", "annotate")) {
            assertThat(unitFolders(plain, stage)).as("one folder per batch").hasSize(5);
            assertThat(unitFolders(folded, stage)).singleElement().asString().endsWith("-compact");
            assertThat(counters(folded, stage).get("unit-folders-compacted").asInt())
                    .isEqualTo(5);
            assertThat(Ledger.load(folded.toString(), stage).values())
                    .allMatch(entry -> entry.batch().endsWith("-compact"));
        }
        assertThat(files(folded.resolve("frames"))).isEqualTo(files(plain.resolve("frames")));
        assertThat(files(folded.resolve("segments"))).isEqualTo(files(plain.resolve("segments")));
        assertThat(files(folded.resolve("images")))
                .as("the images/ files went along")
                .isNotEmpty()
                .isEqualTo(files(plain.resolve("images")));

        // The compacted folder serves the next runs: unchanged, all reused; features forced, the same tables again.
        Cli.Result unchanged = Cli.run(compacting.toArray(String[]::new));
        assertThat(unchanged.exitCode()).isZero();
        assertThat(counters(folded, "features").get("units-reused").asInt()).isEqualTo(5);
        assertThat(counters(folded, "annotate").get("units-reused").asInt()).isEqualTo(5);
        List<String> forced = new ArrayList<>(compacting);
        forced.addAll(List.of("--force", "annotate"));
        Cli.Result again = Cli.run(forced.toArray(String[]::new));
        assertThat(again.exitCode()).as(again.out() + again.err()).isZero();
        assertThat(counters(folded, "annotate").get("units-computed").asInt()).isEqualTo(5);
        assertThat(files(folded.resolve("segments"))).isEqualTo(files(plain.resolve("segments")));
        assertThat(unitFolders(folded, "annotate")).singleElement().asString().endsWith("-compact");
        List<String> vqa = new ArrayList<>(compacting);
        vqa.set(vqa.indexOf(stages), "index,features,annotate,label,vqa");
        Cli.Result withVqa = Cli.run(vqa.toArray(String[]::new));
        assertThat(withVqa.exitCode()).as(withVqa.out() + withVqa.err()).isZero();
        assertThat(counters(folded, "vqa").get("episodes-decoded").asInt())
                .as("vqa reads the images kept through the compaction")
                .isZero();
        assertThat(files(folded.resolve("images"))).isEqualTo(files(plain.resolve("images")));
    }

    private static List<String> unitFolders(Path out, String stage) throws IOException {
        try (Stream<Path> folders = Files.list(out.resolve("_units").resolve(stage))) {
            return folders.map(folder -> folder.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }

    @Test
    void jsonLogsCarryTheProgressLines() throws Exception {
        Path out = directory.resolve("json");
        List<String> run = new ArrayList<>(List.of("--log-format", "json"));
        run.addAll(arguments(GeneratedDatasets.V21_AV1, out, "index,features"));
        Path log = directory.resolve("json.log");
        Process process = new ProcessBuilder(Cli.inNewJvm(run))
                .redirectError(log.toFile())
                .redirectOutput(directory.resolve("json.out").toFile())
                .start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        List<JsonNode> events = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("{")) {
                events.add(JSON.readTree(line));
            }
        }
        assertThat(events).as(Files.readString(log)).isNotEmpty();
        assertThat(events).anySatisfy(event -> {
            assertThat(event.get("log.level").asText()).isEqualTo("INFO");
            assertThat(event.get("message").asText()).startsWith("features: 3/3 units");
            assertThat(event.has("@timestamp")).isTrue();
        });
        assertThat(events.stream().filter(event -> event.get("message").asText().startsWith("features: 3/3 units")))
                .as("each progress line once")
                .hasSize(1);
        assertThat(Files.readString(directory.resolve("json.out")))
                .as("with JSON logs, progress lines are log events only")
                .doesNotContain("features: 3/3 units");

        Cli.Result bad = Cli.run("--log-format", "xml", "status", "--out", out.toString());
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--log-format", "xml");
    }

    /** In a terminal stdout and stderr meet: a progress line is printed on one of them only, once. */
    @Test
    void eachProgressLinePrintedOnce() throws Exception {
        Path out = directory.resolve("text");
        Path log = directory.resolve("text.err");
        Path printed = directory.resolve("text.out");
        Process process = new ProcessBuilder(Cli.inNewJvm(arguments(GeneratedDatasets.V21_AV1, out, "index,features")))
                .redirectError(log.toFile())
                .redirectOutput(printed.toFile())
                .start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(log)).isZero();
        List<String> lines = new ArrayList<>(Files.readAllLines(printed));
        lines.addAll(Files.readAllLines(log));
        List<String> progress = lines.stream()
                .filter(line -> line.contains("features: ") && line.contains(" units ("))
                .toList();
        assertThat(progress).as(String.join("\n", lines)).isNotEmpty();
        assertThat(progress).as("one line per batch, on stdout").doesNotHaveDuplicates();
        assertThat(Files.readString(log)).as("nothing of it on stderr").doesNotContain(" units (");
        assertThat(Files.readString(printed)).contains("features: 3/3 units (0 reused)");
    }

    private List<Integer> rerun(Path out, String stages, String... extra) throws IOException {
        Cli.Result run =
                Cli.run(arguments(GeneratedDatasets.V21_AV1, out, stages, extra).toArray(String[]::new));
        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        return computed(out, List.of("features", "annotate", "label", "vqa"));
    }

    /** What the manifest says of a stage's episodes and their outcomes (not timings, counters or locations). */
    private static Map<String, JsonNode> outcomes(Path out, String stage) throws IOException {
        JsonNode node = JSON.readTree(out.resolve("_manifest.json").toFile()).at("/stages/" + stage);
        Map<String, JsonNode> outcomes = new TreeMap<>();
        for (String field : List.of(
                "episodes",
                "ok",
                "quarantined",
                "quarantine-reasons",
                "quarantined-episodes",
                "warnings",
                "fingerprint")) {
            outcomes.put(field, node.get(field));
        }
        return outcomes;
    }

    private static List<Integer> computed(Path out, List<String> stages) throws IOException {
        List<Integer> computed = new ArrayList<>();
        for (String stage : stages) {
            computed.add(counters(out, stage).get("units-computed").asInt());
        }
        return computed;
    }

    private static long ledgerFiles(Path ledger) throws IOException {
        if (!Files.isDirectory(ledger)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(ledger)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".jsonl"))
                    .count();
        }
    }

    /** Relative path to content of every file of a table. */
    private static Map<String, String> files(Path table) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(table)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(
                        table.relativize(file).toString(),
                        io.procvlm.core.io.Fingerprints.ofBytes(Files.readAllBytes(file)));
            }
        }
        return files;
    }

    private static Map<String, String> tableHashes(Path out) throws IOException {
        Map<String, String> all = new TreeMap<>();
        for (String table : List.of("frames", "images", "segments", "corpus", "vqa")) {
            files(out.resolve(table)).forEach((file, hash) -> all.put(table + "/" + file, hash));
        }
        return all;
    }
}
