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
 * The committed AgiBot World, HDF5, RLDS and image-sequence samples are exactly what {@link FormatDatasetsWriter}
 * makes: regenerating them gives the same bytes, file for file, and nothing committed is left over.
 */
final class TestFormatDatasetsAreReproducible {
    @TempDir
    Path directory;

    @Test
    void regeneratingGivesTheCommittedBytes() throws IOException {
        FormatDatasetsWriter.writeAll(directory);
        for (String dataset : FormatDatasetsWriter.DATASETS) {
            List<String> generated = files(directory.resolve(dataset));
            List<String> committed = files(TestData.srcTestData(dataset));
            assertThat(generated).as(dataset).isNotEmpty().isEqualTo(committed);
            for (String file : generated) {
                assertThat(Files.readAllBytes(directory.resolve(dataset).resolve(file)))
                        .as("%s/%s regenerated", dataset, file)
                        .isEqualTo(
                                Files.readAllBytes(TestData.srcTestData(dataset).resolve(file)));
            }
        }
    }

    private static List<String> files(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .map(p -> root.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }
}
