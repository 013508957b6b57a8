package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.GeneratedDatasets;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same inputs and config give byte-identical tables even from two separate JVMs (identity hash codes differ between
 * JVMs; Parquet footers would otherwise differ).
 */
final class TestDeterminismAcrossProcesses {
    @TempDir
    Path directory;

    @Test
    void twoProcessesWriteTheSameBytes() throws Exception {
        List<Path> outputs = List.of(directory.resolve("first"), directory.resolve("second"));
        for (Path out : outputs) {
            List<String> command = Cli.inNewJvm(List.of(
                    "run",
                    "--dataset",
                    GeneratedDatasets.path(GeneratedDatasets.V30_AV1).toString(),
                    "--dataset",
                    GeneratedDatasets.path(GeneratedDatasets.V21_IMAGES).toString(),
                    "--out",
                    out.toString(),
                    "--set",
                    "features.phash=on"));
            File log = directory.resolve(out.getFileName() + ".log").toFile();
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log)
                    .start();
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).as(Files.readString(log.toPath())).isZero();
        }
        for (String table : List.of("episodes", "frames", "images", "segments", "corpus", "vqa")) {
            List<String> files = files(outputs.get(0).resolve(table));
            assertThat(files).isNotEmpty().isEqualTo(files(outputs.get(1).resolve(table)));
            for (String file : files) {
                assertThat(Files.readAllBytes(outputs.get(0).resolve(table).resolve(file)))
                        .as("%s/%s", table, file)
                        .isEqualTo(
                                Files.readAllBytes(outputs.get(1).resolve(table).resolve(file)));
            }
        }
    }

    /** Every file under {@code table}, as paths relative to it. */
    private static List<String> files(Path table) throws IOException {
        try (Stream<Path> files = Files.walk(table)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> table.relativize(p).toString())
                    .sorted()
                    .toList();
        }
    }
}
