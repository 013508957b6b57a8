package io.procvlm.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.GeneratedDatasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's recomputed curve of the other progress mode equals what the label stage writes in that mode: a run in
 * the default mode (no perceptual hash stored, so the report decodes the episodes once for it) and a run in the
 * reference mode draw the same two curves, point for point.
 */
final class TestReportCurves {
    private static final Pattern CURVE =
            Pattern.compile("data-curve=\"([^\"]+)\" data-points=\"(\\d+)\" d=\"([^\"]+)\"");

    @TempDir
    Path directory;

    @Test
    void recomputedCurvesEqualTheLabelStage() throws IOException {
        Map<String, Map<String, String>> defaultRun = runAndReadCurves("default");
        Map<String, Map<String, String>> referenceRun = runAndReadCurves("reference");
        assertThat(defaultRun.keySet()).hasSize(3).isEqualTo(referenceRun.keySet());
        for (String page : defaultRun.keySet()) {
            Map<String, String> fromDefault = defaultRun.get(page);
            Map<String, String> fromReference = referenceRun.get(page);
            assertThat(fromDefault.keySet()).containsExactly("default (run)", "reference", "time-linear");
            assertThat(fromReference.keySet()).containsExactly("default", "reference (run)", "time-linear");
            assertThat(fromDefault.get("reference")).as(page).isEqualTo(fromReference.get("reference (run)"));
            assertThat(fromReference.get("default")).as(page).isEqualTo(fromDefault.get("default (run)"));
            assertThat(fromDefault.get("time-linear")).as(page).isEqualTo(fromReference.get("time-linear"));
            // the modes differ (else the comparison proves nothing)
            assertThat(fromDefault.get("reference")).as(page).isNotEqualTo(fromDefault.get("default (run)"));
        }
    }

    /** Per episode page, curve name to its SVG path. */
    private Map<String, Map<String, String>> runAndReadCurves(String mode) throws IOException {
        Path out = directory.resolve(mode);
        Cli.Result run = Cli.run(
                "run",
                "--dataset",
                GeneratedDatasets.path(GeneratedDatasets.V20_H264).toString(),
                "--out",
                out.toString(),
                "--stages",
                "index,features,annotate,label",
                "--set",
                "progress.mode=" + mode,
                "--set",
                "report.episodes-per-dataset=3");
        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, Map<String, String>> pages = new TreeMap<>();
        try (Stream<Path> files = Files.list(out.resolve("report/episodes"))) {
            for (Path page : files.sorted().toList()) {
                Map<String, String> curves = new TreeMap<>();
                Matcher matcher = CURVE.matcher(Files.readString(page));
                while (matcher.find()) {
                    assertThat(Integer.parseInt(matcher.group(2))).isGreaterThan(100);
                    curves.put(matcher.group(1), matcher.group(3));
                }
                pages.put(page.getFileName().toString(), curves);
            }
        }
        return pages;
    }
}
