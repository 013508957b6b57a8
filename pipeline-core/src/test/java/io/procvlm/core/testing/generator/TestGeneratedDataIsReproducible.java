package io.procvlm.core.testing.generator;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committed datasets are exactly what the committed generator makes: regenerating them gives the same bytes
 * (the HEVC clip needs the GPL FFmpeg build and is left out here).
 */
final class TestGeneratedDataIsReproducible {
    @TempDir
    Path directory;

    @Test
    void regeneratingGivesTheCommittedBytes() throws IOException {
        GenerateTestData.main(new String[] {directory.toString(), "--no-hevc"});
        Path committed = TestData.srcTestData("");
        List<String> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile)
                    .map(p -> directory.relativize(p).toString())
                    .filter(name -> !name.equals("video/expected.json"))
                    .sorted()
                    .toList();
        }
        assertThat(files).hasSizeGreaterThan(40);
        for (String file : files) {
            assertThat(Files.readAllBytes(directory.resolve(file)))
                    .as("%s regenerated", file)
                    .isEqualTo(Files.readAllBytes(committed.resolve(file)));
        }
        try (Stream<Path> walk = Files.walk(committed.resolve("lerobot"))) {
            assertThat(walk.filter(Files::isRegularFile).count())
                    .as("no committed dataset file that the generator does not make")
                    .isEqualTo(
                            files.stream().filter(f -> f.startsWith("lerobot/")).count());
        }
    }
}
