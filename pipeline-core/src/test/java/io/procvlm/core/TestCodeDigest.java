package io.procvlm.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A module's code digest follows the bytes of its own files, from a classes folder or a jar, and nothing else. */
final class TestCodeDigest {
    private static final String PREFIX = "io/procvlm/annotators/";

    @TempDir
    Path directory;

    @Test
    void changesWithOneClassFileAndOnlyWithTheModulesFiles() throws IOException {
        Path classes = directory.resolve("classes");
        write(classes, PREFIX + "Annotators.class", new byte[] {(byte) 0xCA, (byte) 0xFE, 1, 2, 3});
        write(classes, PREFIX + "kinematic/GraspSegmenter.class", new byte[] {(byte) 0xCA, (byte) 0xFE, 7, 7});
        write(classes, "io/procvlm/core/Versions.class", new byte[] {(byte) 0xCA, (byte) 0xFE, 9});
        String first = CodeDigest.ofLocation(classes, PREFIX);
        assertThat(first).hasSize(64);
        assertThat(CodeDigest.ofLocation(classes, PREFIX)).as("stable").isEqualTo(first);

        write(classes, "io/procvlm/core/Versions.class", new byte[] {(byte) 0xCA, (byte) 0xFE, 10});
        assertThat(CodeDigest.ofLocation(classes, PREFIX))
                .as("another module's class")
                .isEqualTo(first);
        Files.setLastModifiedTime(
                classes.resolve(PREFIX + "Annotators.class"), java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        assertThat(CodeDigest.ofLocation(classes, PREFIX))
                .as("a new mtime only")
                .isEqualTo(first);

        write(classes, PREFIX + "kinematic/GraspSegmenter.class", new byte[] {(byte) 0xCA, (byte) 0xFE, 7, 8});
        String changed = CodeDigest.ofLocation(classes, PREFIX);
        assertThat(changed).as("one byte of one class").isNotEqualTo(first);

        write(classes, PREFIX + "kinematic/GraspSegmenter.class", new byte[] {(byte) 0xCA, (byte) 0xFE, 7, 7});
        assertThat(CodeDigest.ofLocation(classes, PREFIX)).as("the bytes back").isEqualTo(first);
        Files.move(
                classes.resolve(PREFIX + "kinematic/GraspSegmenter.class"),
                classes.resolve(PREFIX + "kinematic/Grasp.class"));
        assertThat(CodeDigest.ofLocation(classes, PREFIX)).as("a renamed class").isNotEqualTo(first);
    }

    @Test
    void aJarOfTheSameFilesHasTheFoldersDigest() throws IOException {
        Path classes = directory.resolve("classes");
        write(classes, PREFIX + "B.class", new byte[] {4, 5});
        write(classes, PREFIX + "A.class", new byte[] {1, 2, 3});
        Path jar = directory.resolve("shaded.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            // other modules and libraries in the same jar (the shaded jar under spark-submit), in another order
            for (String name : List.of(PREFIX + "B.class", "io/procvlm/core/X.class", PREFIX + "A.class")) {
                out.putNextEntry(new JarEntry(name));
                out.write(
                        name.endsWith("B.class")
                                ? new byte[] {4, 5}
                                : name.endsWith("A.class") ? new byte[] {1, 2, 3} : new byte[] {0});
                out.closeEntry();
            }
        }
        assertThat(CodeDigest.ofLocation(jar, PREFIX)).isEqualTo(CodeDigest.ofLocation(classes, PREFIX));
    }

    @Test
    void theRunningModulesHaveDigests() {
        String core = CodeDigest.of(Versions.class);
        assertThat(core).hasSize(64).isEqualTo(CodeDigest.of(CodeIdentity.class));
        CodeIdentity code = new CodeIdentity("1.0", java.util.Map.of("pipeline-core", core, "annotators", "a"));
        assertThat(code.of(List.of("pipeline-core", "annotators"))).isEqualTo("1.0;annotators=a;pipeline-core=" + core);
        assertThat(code.with("annotators", "b").digest(List.of("annotators")))
                .isNotEqualTo(code.digest(List.of("annotators")));
        assertThat(code.with("annotators", "b").digest(List.of("pipeline-core")))
                .as("another module's change leaves the digest of a stage that does not run it")
                .isEqualTo(code.digest(List.of("pipeline-core")));
    }

    private static void write(Path root, String name, byte[] bytes) throws IOException {
        Path file = root.resolve(name);
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(bytes);
        }
    }
}
