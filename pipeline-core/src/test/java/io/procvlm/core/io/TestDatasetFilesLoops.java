package io.procvlm.core.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbolic links back to a folder above them are not followed by listings: with three such links in one folder a
 * walk that followed them would list 3^16 folders before its depth limit (a hang); nothing is listed twice.
 */
final class TestDatasetFilesLoops {
    @TempDir
    Path directory;

    @Test
    void loopingLinksAreReportedAndNotFollowed() throws IOException {
        Path folder = Files.createDirectories(directory.resolve("data set/épisode 0"));
        Files.writeString(folder.resolve("a.png"), "x");
        Files.writeString(directory.resolve("data set/top.png"), "x");
        Files.createDirectories(directory.resolve("elsewhere"));
        Files.writeString(directory.resolve("elsewhere/b.png"), "x");
        for (String name : List.of("up1", "up2", "up3")) {
            Files.createSymbolicLink(folder.resolve(name), Path.of(".."));
        }
        Files.createSymbolicLink(folder.resolve("self"), Path.of("."));
        Files.createSymbolicLink(folder.resolve("sideways"), directory.resolve("elsewhere"));
        DatasetFiles files = DatasetFiles.at(directory.resolve("data set").toString());

        List<String> listed = assertTimeoutPreemptively(
                Duration.ofSeconds(20), () -> files.listFiles("", name -> name.endsWith(".png")));

        assertThat(listed).containsExactly("top.png", "épisode 0/a.png", "épisode 0/sideways/b.png");
        assertThat(files.symlinkLoops("épisode 0"))
                .hasSize(4)
                .allMatch(loop -> loop.contains("is a symbolic link to") && loop.endsWith("(a loop)"));
        assertThat(files.symlinkLoops("")).hasSize(4);
        assertThat(files.listFolders("")).containsExactly("épisode 0");
    }
}
