package io.procvlm.core.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the repository's {@code src-test-data/} and the developer/CI-only {@code ../shared/testdata/}. */
public final class TestData {
    private TestData() {}

    /** The repository root (the folder holding {@code src-test-data/}). */
    public static Path repoRoot() {
        String property = System.getProperty("procvlm.repo.root");
        if (property != null && Files.isDirectory(Path.of(property, "src-test-data"))) {
            return Path.of(property).toAbsolutePath().normalize();
        }
        Path directory = Path.of("").toAbsolutePath();
        while (directory != null) {
            if (Files.isDirectory(directory.resolve("src-test-data"))) {
                return directory;
            }
            directory = directory.getParent();
        }
        throw new IllegalStateException(
                "Cannot find src-test-data/ above " + Path.of("").toAbsolutePath());
    }

    /** A path under {@code src-test-data/}. */
    public static Path srcTestData(String relative) {
        return repoRoot().resolve("src-test-data").resolve(relative);
    }

    /**
     * A path under the shared real-recordings folder ({@code $PROCVLM_SHARED_TESTDATA} or {@code ../shared/testdata}
     * beside the repository). Skips the calling test, with a message saying why, when the folder is absent: it exists
     * on developer machines and in CI, not on a user's clone.
     */
    public static Path sharedTestData(String relative) {
        Path path = sharedRoot().resolve(relative);
        assumeTrue(
                Files.exists(path),
                "Skipped: real recordings not found at " + path
                        + " (../shared/testdata exists on developer machines and in CI only; set"
                        + " PROCVLM_SHARED_TESTDATA to point elsewhere)");
        return path;
    }

    /** The shared real recording, when present (for tests that also run on generated data without it). */
    public static java.util.Optional<Path> sharedTestDataIfPresent(String relative) {
        Path path = sharedRoot().resolve(relative);
        return Files.exists(path) ? java.util.Optional.of(path) : java.util.Optional.empty();
    }

    private static Path sharedRoot() {
        String override = System.getenv("PROCVLM_SHARED_TESTDATA");
        return override != null
                ? Path.of(override)
                : repoRoot().resolveSibling("shared").resolve("testdata");
    }
}
