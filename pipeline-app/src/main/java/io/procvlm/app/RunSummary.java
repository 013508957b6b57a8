package io.procvlm.app;

import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.manifest.RunManifest;
import io.procvlm.core.manifest.StageReport;
import io.procvlm.core.manifest.TableInfo;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.spark.FeaturesStage;
import io.procvlm.vqa.spark.VqaStage;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** Prints a run's one-screen summary: where the outputs are, per-dataset counts, why episodes were quarantined. */
final class RunSummary {
    private static final int MAX_EXAMPLES = 3;

    private final PrintWriter out;

    RunSummary(PrintWriter out) {
        this.out = out;
    }

    void print(String command, String runId, PipelineRunner.Result result, List<String> failedDatasets) {
        out.printf(
                Locale.ROOT,
                "procvlm %s %s: %s (exit code %d)%n",
                command,
                runId,
                verdict(result.exitCode()),
                result.exitCode());
        out.println("Output: " + display(result.outputRoot()));
        for (StageReport report : result.reports()) {
            TableInfo table = report.output();
            if (table != null && table.name().equals(VqaStage.NAME)) {
                out.printf(
                        Locale.ROOT,
                        "  %-11s %,d samples, %,d images in %d file(s), %s (README.md, stats.json)%n",
                        table.name() + "/",
                        table.rows(),
                        report.counters().getOrDefault("images", 0).longValue(),
                        table.files(),
                        bytes(table.bytes()));
            } else if (table != null) {
                out.printf(
                        Locale.ROOT,
                        "  %-11s %,d rows in %d file(s), %s%n",
                        table.name() + "/",
                        table.rows(),
                        table.files(),
                        bytes(table.bytes()));
            }
        }
        out.println("  " + RunManifest.FILE_NAME);
        if (!result.scans().isEmpty()) {
            out.println("Datasets:");
            Map<String, long[]> perDataset = perDataset(result.reports());
            for (DatasetScan scan : result.scans()) {
                long[] counts = perDataset.getOrDefault(scan.id().value(), new long[3]);
                out.printf(
                        Locale.ROOT,
                        "  %s (%s, camera %s by %s): %d episodes, %d ok, %d quarantined, %,d frames%n",
                        scan.id(),
                        scan.format().id(),
                        scan.camera().key(),
                        scan.camera().rule(),
                        scan.episodes().size(),
                        scan.episodes().size() - counts[1],
                        counts[1],
                        counts[2]);
            }
        }
        for (String failed : failedDatasets) {
            out.println("  FAILED dataset " + failed + " (see the manifest for why)");
        }
        List<EpisodeOutcome> quarantined = new ArrayList<>();
        long warnings = 0;
        for (StageReport report : result.reports()) {
            quarantined.addAll(report.quarantined());
            for (EpisodeOutcome outcome : report.outcomes()) {
                warnings += outcome.warnings().size();
            }
        }
        if (!quarantined.isEmpty()) {
            out.printf(Locale.ROOT, "Quarantined: %d episode(s)%n", quarantined.size());
            Map<String, List<EpisodeOutcome>> byCode = new TreeMap<>();
            for (EpisodeOutcome outcome : quarantined) {
                byCode.computeIfAbsent(outcome.reason().code(), k -> new ArrayList<>())
                        .add(outcome);
            }
            for (Map.Entry<String, List<EpisodeOutcome>> entry : byCode.entrySet()) {
                EpisodeOutcome example = entry.getValue().get(0);
                out.printf(
                        Locale.ROOT,
                        "  %-28s %5d  e.g. %s [%s]: %s%n",
                        entry.getKey(),
                        entry.getValue().size(),
                        example.key(),
                        example.stage(),
                        example.reason().message());
                if (entry.getValue().size() > 1 && entry.getValue().size() <= MAX_EXAMPLES) {
                    for (EpisodeOutcome other :
                            entry.getValue().subList(1, entry.getValue().size())) {
                        out.printf(Locale.ROOT, "  %-28s        %s [%s]%n", "", other.key(), other.stage());
                    }
                }
            }
        }
        if (warnings > 0) {
            out.printf(Locale.ROOT, "Warnings: %d (listed in %s)%n", warnings, RunManifest.FILE_NAME);
        }
        StringBuilder timings = new StringBuilder("Stages:");
        for (StageReport report : result.reports()) {
            timings.append(String.format(Locale.ROOT, " %s %.1f s", report.stage(), report.durationMillis() / 1000.0));
            Number framesPerSecond = report.counters().get("frames-per-second-per-task");
            if (framesPerSecond != null && framesPerSecond.doubleValue() > 0) {
                timings.append(String.format(Locale.ROOT, " (%.0f frames/s per task)", framesPerSecond.doubleValue()));
            }
            timings.append(';');
        }
        if (!result.reports().isEmpty()) {
            timings.setLength(timings.length() - 1);
            out.println(timings);
        }
        out.flush();
    }

    /** Per dataset: {unused, quarantined episodes (any stage), frames written by features}. */
    private static Map<String, long[]> perDataset(List<StageReport> reports) {
        Map<String, long[]> counts = new LinkedHashMap<>();
        for (StageReport report : reports) {
            for (EpisodeOutcome outcome : report.outcomes()) {
                long[] values = counts.computeIfAbsent(outcome.dataset(), k -> new long[3]);
                if (outcome.status() == EpisodeStatus.QUARANTINED) {
                    values[1]++;
                }
                if (report.stage().equals(FeaturesStage.NAME)) {
                    values[2] += outcome.frames();
                }
            }
        }
        return counts;
    }

    private static String verdict(int exitCode) {
        return switch (exitCode) {
            case ExitCodes.OK -> "finished";
            case ExitCodes.PARTIAL -> "finished with quarantined episodes (partial success)";
            default -> "failed";
        };
    }

    private static String display(String location) {
        return location.startsWith("file:") ? location.substring("file:".length()) : location;
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
