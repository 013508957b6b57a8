package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.procvlm.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ProcVQA made ready for the trainer on the real G1 recordings (../shared/testdata; skipped with a message where
 * absent): their 480x360 images make the 96-frame segmentation samples longer than 16,384 tokens, so the down-size
 * runs on real data; token counts, sets and packs are checked against the tables, and the same seed gives the same
 * bytes.
 */
final class TestVqaOnRealRecordings {
    @TempDir
    Path directory;

    @Test
    void g1RecordingsReadyForTheTrainer() throws IOException {
        Path dataset = TestData.sharedTestData("lerobot-v21-g1-pick-bottle");
        Path out = directory.resolve("out");
        Cli.Result run = Cli.run("run", "--dataset", dataset.toString(), "--out", out.toString());
        assertThat(run.exitCode()).as(run.out() + run.err()).isIn(ExitCodes.OK, ExitCodes.PARTIAL);
        JsonNode stats = TrainerReadiness.check(out, 8192, 16384, 8000, 16000);
        long downSized = 0;
        for (JsonNode count : stats.get("down-sized-samples")) {
            downSized += count.asLong();
        }
        assertThat(downSized)
                .as("segmentation samples above 16,384 tokens at 480x360")
                .isPositive();

        Map<String, byte[]> first = files(out.resolve("vqa"));
        assertThat(first.keySet()).anyMatch(name -> name.contains("/packs/"));
        Path copy = directory.resolve("copy");
        for (String table : new String[] {"episodes", "frames", "segments", "corpus"}) {
            copyTree(out.resolve(table), copy.resolve(table));
        }
        Cli.Result other = Cli.run("vqa", "--out", copy.toString());
        assertThat(other.exitCode()).as(other.out() + other.err()).isIn(ExitCodes.OK, ExitCodes.PARTIAL);
        Map<String, byte[]> second = files(copy.resolve("vqa"));
        assertThat(second.keySet()).isEqualTo(first.keySet());
        first.forEach((name, bytes) -> assertThat(second.get(name)).as(name).isEqualTo(bytes));
    }

    private static Map<String, byte[]> files(Path root) throws IOException {
        Map<String, byte[]> files = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(file).toString(), Files.readAllBytes(file));
            }
        }
        return files;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
