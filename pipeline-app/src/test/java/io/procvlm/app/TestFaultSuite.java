package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.io.ParquetRecords;
import io.procvlm.core.testing.BadInputCorpus;
import io.procvlm.core.testing.FaultResults;
import io.procvlm.core.testing.FaultResults.Fault;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.TestData;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault and bad-input suite (docs/faults.md): a generated corpus of damaged datasets goes through one run, and
 * every bad episode must end quarantined with its own reason code (or its dataset skipped with its code) while every
 * good episode completes and the manifest's accounting adds up; then faults of the run's surroundings (an output that
 * cannot be written, a very long episode) and security checks (listeners, YAML payloads, catalog escapes). Each
 * checked fault is appended to {@code target/fault-suite/results.tsv}, which {@code scripts/fault-suite} prints.
 * Driver kills and VLM endpoint faults are checked by {@link TestResume} and {@link TestVlm}.
 */
@ExtendWith(FaultResults.Watcher.class)
final class TestFaultSuite {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @Test
    void everyBadInputIsQuarantinedWithItsCodeAndEveryGoodEpisodeCompletes() throws IOException {
        BadInputCorpus corpus = BadInputCorpus.write(directory.resolve("corpus"));
        for (String note : corpus.notes()) {
            System.out.println("fault suite: " + note);
            FaultResults.record("unreadable file permissions", 0, "DATA_FILE_UNREADABLE", "skipped: " + note, true);
        }
        StringBuilder config = new StringBuilder("datasets:\n");
        Map<String, String> ids = new LinkedHashMap<>();
        for (String dataset : corpus.datasets()) {
            String id = dataset.equals(BadInputCorpus.CAPTURES) ? "captures-unicode" : dataset;
            ids.put(dataset, id);
            config.append("  - path: '")
                    .append(corpus.root().resolve(dataset))
                    .append("'\n    id: ")
                    .append(id)
                    .append('\n');
        }
        Path configFile = directory.resolve("faults.yaml");
        Files.writeString(configFile, config, StandardCharsets.UTF_8);
        Path out = directory.resolve("out");
        Cli.Result run = Cli.run(
                "run", "--config", configFile.toString(), "--out", out.toString(), "--stages", "index,features");
        assertThat(out.resolve("_manifest.json")).as(run.out() + run.err()).exists();
        JsonNode manifest = JSON.readTree(out.resolve("_manifest.json").toFile());
        JsonNode index = manifest.at("/stages/index");
        JsonNode features = manifest.at("/stages/features");
        for (String stage : List.of("index", "features")) {
            for (JsonNode entry : manifest.at("/stages/" + stage + "/quarantined-episodes")) {
                System.out.println("fault suite: " + stage + " quarantined "
                        + entry.get("dataset").asText() + "/"
                        + entry.get("episode").asText() + " "
                        + entry.get("code").asText() + ": "
                        + entry.get("message").asText());
            }
        }
        for (JsonNode failed : manifest.get("failed-datasets")) {
            System.out.println("fault suite: dataset skipped "
                    + failed.get("path").asText() + " " + failed.get("code").asText() + ": "
                    + failed.get("message").asText());
        }

        List<String> failures = new ArrayList<>();
        for (BadInputCorpus.Case fault : corpus.cases()) {
            String id = ids.get(fault.dataset());
            String expected;
            String observed;
            switch (fault.outcome()) {
                case QUARANTINED -> {
                    expected = "quarantined " + fault.code();
                    String code = quarantineCode(index, id, fault.episode());
                    String stage = "index";
                    if (code == null) {
                        code = quarantineCode(features, id, fault.episode());
                        stage = "features";
                    }
                    observed = code == null ? "not quarantined" : "quarantined " + code + " (" + stage + ")";
                }
                case OK_WITH_WARNING -> {
                    expected = "ok, warning " + fault.code();
                    boolean quarantined = quarantineCode(index, id, fault.episode()) != null
                            || quarantineCode(features, id, fault.episode()) != null;
                    boolean warned = hasWarning(index, id, fault.episode(), fault.code());
                    observed = (quarantined ? "quarantined" : "ok") + (warned ? ", warning " + fault.code() : "");
                }
                default -> {
                    expected = "dataset skipped " + fault.code();
                    String code = null;
                    for (JsonNode failed : manifest.get("failed-datasets")) {
                        if (failed.get("path").asText().endsWith("/" + fault.dataset())) {
                            code = failed.get("code").asText();
                        }
                    }
                    observed = code == null ? "dataset not skipped" : "dataset skipped " + code;
                }
            }
            boolean pass = observed.startsWith(expected);
            if (!pass) {
                failures.add(fault.fault() + ": expected " + expected + ", observed " + observed);
            }
            FaultResults.record(fault.fault(), 1, expected, observed, pass);
        }

        boolean unicodeOk = corpus.good().stream()
                .filter(good -> good.dataset().equals(BadInputCorpus.CAPTURES))
                .allMatch(good -> quarantineCode(index, "captures-unicode", good.episode()) == null
                        && quarantineCode(features, "captures-unicode", good.episode()) == null);
        FaultResults.record(
                "paths with spaces and non-ASCII letters",
                1,
                "good episodes under '" + BadInputCorpus.CAPTURES + "/\u00e9pisode N/front cam/' ok",
                unicodeOk ? "ok (episodes 0 and 3)" : "quarantined",
                unicodeOk);
        if (!unicodeOk) {
            failures.add("a good episode under a path with spaces and non-ASCII letters was quarantined");
        }

        // every good episode completes, and the table holds exactly their rows
        long expectedRows = 0;
        int goodOk = 0;
        for (BadInputCorpus.Good good : corpus.good()) {
            String id = ids.get(good.dataset());
            if (quarantineCode(index, id, good.episode()) == null
                    && quarantineCode(features, id, good.episode()) == null) {
                goodOk++;
            } else {
                failures.add("good episode " + id + "/" + good.episode() + " was quarantined");
            }
            expectedRows += rows(corpus.root().resolve(good.dataset()), good.episode());
        }
        int discovered = 0;
        for (JsonNode input : manifest.get("inputs")) {
            discovered += input.get("episodes").asInt();
        }
        String accounting = String.format(
                Locale.ROOT,
                "discovered %d; index ok %d + quarantined %d; features ok %d + quarantined %d; %d/%d good ok;"
                        + " frames rows %d (expected %d); exit %d",
                discovered,
                index.get("ok").asInt(),
                index.get("quarantined").asInt(),
                features.get("ok").asInt(),
                features.get("quarantined").asInt(),
                goodOk,
                corpus.good().size(),
                features.at("/output/rows").asLong(),
                expectedRows,
                run.exitCode());
        boolean accounts = index.get("ok").asInt() + index.get("quarantined").asInt() == discovered
                && index.get("episodes").asInt() == discovered
                && features.get("episodes").asInt() == index.get("ok").asInt()
                && features.get("ok").asInt() + features.get("quarantined").asInt()
                        == features.get("episodes").asInt()
                && features.get("ok").asInt() == corpus.good().size()
                && goodOk == corpus.good().size()
                && features.at("/output/rows").asLong() == expectedRows
                && run.exitCode() == 3;
        if (!accounts) {
            failures.add("accounting: " + accounting);
        }
        FaultResults.record(
                "accounting of the bad-input run",
                1,
                "ok + quarantined = discovered; good episodes all ok; no lost or duplicated rows; exit 3",
                accounting,
                accounts);
        assertThat(failures).as(run.out() + run.err()).isEmpty();
    }

    /** The quarantine code of one episode in a stage, or null. */
    private static String quarantineCode(JsonNode stage, String dataset, long episode) {
        for (JsonNode entry : stage.path("quarantined-episodes")) {
            if (entry.get("dataset").asText().equals(dataset)
                    && entry.get("episode").asLong() == episode) {
                return entry.get("code").asText();
            }
        }
        return null;
    }

    private static boolean hasWarning(JsonNode stage, String dataset, long episode, String code) {
        for (JsonNode entry : stage.path("warnings")) {
            if (entry.get("dataset").asText().equals(dataset)
                    && entry.get("episode").asLong() == episode
                    && entry.get("code").asText().equals(code)) {
                return true;
            }
        }
        return false;
    }

    /** Rows of a good episode: its parquet file's rows (LeRobot), or its image files (image sequence). */
    private static long rows(Path dataset, long episode) throws IOException {
        Path parquet = dataset.resolve(String.format(Locale.ROOT, "data/chunk-000/episode_%06d.parquet", episode));
        if (Files.exists(parquet)) {
            return ParquetRecords.rowCount(new org.apache.hadoop.fs.Path(parquet.toUri()));
        }
        try (Stream<Path> images = Files.list(dataset.resolve("\u00e9pisode " + episode + "/front cam"))) {
            return images.filter(p -> p.toString().endsWith(".png")).count();
        }
    }

    @Test
    @Fault(
            name = "output location cannot be created (a file where the folder should be)",
            runs = 1,
            expected = "STORAGE_IO, exit 1, no table visible",
            observed = "STORAGE_IO, exit 1, no table visible")
    void anOutputThatCannotBeWrittenFailsWithStorageIo() throws IOException {
        Path blocker = directory.resolve("not-a-folder");
        Files.writeString(blocker, "a file where the output folder's parent should be\n");
        Path out = blocker.resolve("out");
        Cli.Result run = Cli.run(
                "run",
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_AV1).toString(),
                "--out",
                out.toString(),
                "--stages",
                "index,features");
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).contains("Error [STORAGE_IO]", blocker.toString(), "'output.root'");
        assertThat(run.err()).doesNotContain("Cannot write the manifest");
        assertThat(Files.readString(blocker)).startsWith("a file where");
        assertThat(Files.exists(out)).isFalse();
    }

    @Test
    @Fault(
            name = "output on a read-only file system (/proc)",
            runs = 1,
            expected = "STORAGE_IO naming the location, exit 1, nothing written",
            observed = "STORAGE_IO naming the location, exit 1, nothing written")
    void anOutputOnAReadOnlyFileSystemFailsWithStorageIo() {
        String out = "/proc/procvlm-fault-suite/out";
        Cli.Result run = Cli.run(
                "run",
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_AV1).toString(),
                "--out",
                out,
                "--stages",
                "index,features");
        assertThat(run.exitCode()).as(run.out() + run.err()).isEqualTo(1);
        assertThat(run.err()).contains("Error [STORAGE_IO]", out, "'output.root'");
        assertThat(Files.exists(Path.of(out))).isFalse();
    }

    @Test
    void aHundredThousandFrameEpisodeRunsInASmallHeap() throws Exception {
        String shortRun = probe(1_000);
        String longRun = probe(100_000);
        // Decoding holds one frame at a time; what grows with length is the episode's per-frame rows (timestamps,
        // features, state and action: FeatureRows, about 60 bytes plus the vectors). A retained 32x32 frame alone
        // would be 1 KiB (luma) to 3 KiB (BGR) per frame, and 100,000 of them would not fit the heap. Each frame's
        // JPEG (features.images) is streamed to its Parquet file: at most one 8 MiB row group is buffered.
        double peakPerFrame =
                (liveHeap(longRun, "max-live-heap-mib") - liveHeap(shortRun, "max-live-heap-mib")) * 1048576.0 / 99_000;
        double endPerFrame = (liveHeap(longRun, "live-heap-at-end-mib") - liveHeap(shortRun, "live-heap-at-end-mib"))
                * 1048576.0
                / 99_000;
        boolean pass = longRun.contains("index=OK features=OK frames=100000 images=100000 ")
                && shortRun.contains("frames=1000 images=1000 ")
                && peakPerFrame < 768
                && endPerFrame < 512;
        FaultResults.record(
                "100,000-frame episode (memory stays flat)",
                2,
                "ok, all 100000 frames, under -Xmx" + PROBE_HEAP_MIB + "m; live heap per extra frame < 768 B at peak,"
                        + " < 512 B held (rows only, no pixels)",
                String.format(
                        Locale.ROOT,
                        "%s; live heap (after GC) peak %.1f MiB vs %.1f MiB for 1,000 frames (%.0f B per frame),"
                                + " held at end %.0f B per frame",
                        longRun.contains("features=OK") ? "ok, " + frames(longRun) + " frames" : longRun,
                        liveHeap(longRun, "max-live-heap-mib"),
                        liveHeap(shortRun, "max-live-heap-mib"),
                        peakPerFrame,
                        endPerFrame),
                pass);
        assertThat(pass).as(shortRun + "\n" + longRun).isTrue();
    }

    private static final int PROBE_HEAP_MIB = 96;

    /** Runs {@code LongEpisodeProbe} on a generated episode of {@code frames} frames in a JVM with a small heap. */
    private String probe(int frames) throws Exception {
        Path dataset = BadInputCorpus.longEpisode(directory.resolve("long-" + frames), frames);
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx" + PROBE_HEAP_MIB + "m"));
        for (String argument :
                java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (argument.startsWith("--add-opens") || argument.startsWith("-D")) {
                command.add(argument);
            }
        }
        command.addAll(List.of(
                "-cp",
                System.getProperty("java.class.path"),
                "io.procvlm.core.testing.LongEpisodeProbe",
                dataset.toString()));
        Path log = directory.resolve("long-" + frames + ".log");
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(process.waitFor(4, TimeUnit.MINUTES)).as("finishes").isTrue();
        String output = Files.readString(log);
        assertThat(process.exitValue()).as(output).isZero();
        String result = output.lines()
                .filter(line -> line.startsWith("probe "))
                .findFirst()
                .orElseThrow();
        System.out.println("fault suite: " + frames + "-frame episode " + result);
        return result;
    }

    private static double liveHeap(String probe, String key) {
        java.util.regex.Matcher matcher =
                java.util.regex.Pattern.compile(key + "=([0-9.]+)").matcher(probe);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
    }

    private static String frames(String probe) {
        java.util.regex.Matcher matcher =
                java.util.regex.Pattern.compile("frames=([0-9]+)").matcher(probe);
        return matcher.find() ? matcher.group(1) : "?";
    }

    @Test
    @Fault(
            name = "network listeners of a local run",
            runs = 1,
            expected = "every listening socket of the process on 127.0.0.1",
            observed = "every listening socket on 127.0.0.1 (SPARK_LOCAL_IP unset)")
    void aLocalRunListensOnLoopbackOnly() throws Exception {
        Path out = directory.resolve("listeners");
        List<String> arguments = List.of(
                "run",
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V21_AV1).toString(),
                "--out",
                out.toString(),
                "--stages",
                "index,features");
        ProcessBuilder builder = new ProcessBuilder(Cli.inNewJvm(arguments))
                .redirectErrorStream(true)
                .redirectOutput(directory.resolve("listeners.log").toFile());
        builder.environment().remove("SPARK_LOCAL_IP");
        Process process = builder.start();
        Set<String> listeners = new TreeSet<>();
        while (process.isAlive()) {
            listeners.addAll(Listeners.of(process.pid()));
            Thread.sleep(100);
        }
        assertThat(process.waitFor())
                .as(Files.readString(directory.resolve("listeners.log")))
                .isZero();
        System.out.println("fault suite: listeners seen " + listeners);
        assertThat(listeners)
                .as("Spark's driver and block manager listen while the run is on")
                .isNotEmpty();
        assertThat(listeners).allMatch(Listeners::isLoopback);
    }

    @Test
    @Fault(
            name = "YAML type tag (!!javax.script.ScriptEngineManager) in a config file and in a catalog entry",
            runs = 2,
            expected = "config error (exit 2), no class instantiated",
            observed = "exit 2 CONFIG_UNREADABLE / CONFIG_CATALOG_INVALID, no connection to the payload's URL")
    void yamlTypeTagsAreRejectedWithoutInstantiation() throws Exception {
        try (ServerSocket trap = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            AtomicInteger connections = new AtomicInteger();
            Thread acceptor = new Thread(() -> {
                while (!trap.isClosed()) {
                    try (Socket socket = trap.accept()) {
                        connections.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            String payload = "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL"
                    + " [\"http://127.0.0.1:" + trap.getLocalPort() + "/\"]]]]";

            Path config = directory.resolve("payload.yaml");
            Files.writeString(config, "datasets: []\nrun:\n  seed: " + payload + "\n");
            Cli.Result fromConfig = Cli.run("config", "--config", config.toString(), "--describe");
            Cli.Result runFromConfig = Cli.run(
                    "run",
                    "--config",
                    config.toString(),
                    "--out",
                    directory.resolve("payload-out").toString());

            Path catalog = Files.createDirectories(directory.resolve("payload-catalog"));
            Files.writeString(
                    catalog.resolve("droid.yaml"),
                    Files.readString(TestData.repoRoot().resolve("conf/datasets/droid.yaml"))
                            .replaceFirst(
                                    "(?m)^name: .*$", java.util.regex.Matcher.quoteReplacement("name: " + payload)));
            Cli.Result fromCatalog = Cli.run("catalog", "--set", "catalog.folder=" + catalog);
            Thread.sleep(200);

            assertThat(fromConfig.exitCode())
                    .as(fromConfig.out() + fromConfig.err())
                    .isEqualTo(2);
            assertThat(runFromConfig.exitCode()).as(runFromConfig.err()).isEqualTo(2);
            assertThat(runFromConfig.err()).contains("CONFIG_");
            assertThat(fromCatalog.exitCode()).as(fromCatalog.err()).isEqualTo(2);
            assertThat(fromCatalog.err()).contains("CONFIG_CATALOG_INVALID", "name");
            assertThat(connections.get())
                    .as("the payload's class loader never fetched anything")
                    .isZero();
        }
    }

    @Test
    @Fault(
            name = "catalog locations leaving the data root (.., absolute, ~, URI)",
            runs = 4,
            expected = "CONFIG_CATALOG_INVALID naming key 'location', exit 2",
            observed = "CONFIG_CATALOG_INVALID naming key 'location', exit 2 (all 4)")
    void catalogLocationsCannotLeaveTheDataRoot() throws IOException {
        String droid = Files.readString(TestData.repoRoot().resolve("conf/datasets/droid.yaml"));
        List<String> escapes =
                List.of("${PROCVLM_DATA}/a/../../../etc", "/etc/passwd", "~/secrets", "file:///etc/shadow");
        for (int i = 0; i < escapes.size(); i++) {
            Path catalog = Files.createDirectories(directory.resolve("escape-" + i));
            Files.writeString(
                    catalog.resolve("droid.yaml"),
                    droid.replaceFirst(
                            "(?m)^location: .*$",
                            java.util.regex.Matcher.quoteReplacement("location: '" + escapes.get(i) + "'")));
            Cli.Result run = Cli.run(
                    "run",
                    "--datasets",
                    "droid",
                    "--set",
                    "catalog.folder=" + catalog,
                    "--set",
                    "catalog.data-root=" + directory.resolve("root"),
                    "--out",
                    directory.resolve("escape-out-" + i).toString());
            assertThat(run.exitCode()).as(escapes.get(i) + ": " + run.err()).isEqualTo(2);
            assertThat(run.err())
                    .as(escapes.get(i))
                    .contains("CONFIG_CATALOG_INVALID", "key 'location'", escapes.get(i));
        }
    }
}
