package io.procvlm.core.testing.generator;

import java.io.IOException;
import java.nio.file.Path;

/** Regenerates only the non-LeRobot formats ({@link FormatDatasetsWriter}) under the given {@code src-test-data/}. */
public final class FormatDatasetsMain {
    private FormatDatasetsMain() {}

    public static void main(String[] args) throws IOException {
        FormatDatasetsWriter.writeAll(Path.of(args.length > 0 ? args[0] : "src-test-data"));
    }
}
