package io.procvlm.app.commands;

import io.procvlm.app.ExitCodes;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.episode.DatasetValidator;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.model.Problem;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm validate PATH}: inspect a dataset, write nothing, list every problem. */
@Command(
        name = "validate",
        mixinStandardHelpOptions = true,
        description = "Inspect a dataset without writing anything and list every problem found: metadata, rows,"
                + " timestamps, video files and headers (and, with --deep, a full decode with frame alignment).",
        footer = {
            "",
            "Exit codes: 0 no errors (warnings may be listed), 3 some episodes would be quarantined, 1 the dataset"
                    + " cannot be read, 2 usage error.",
            "",
            "Example:",
            "  procvlm validate ../shared/testdata/lerobot-v21-g1-pick-bottle"
        })
public final class ValidateCommand implements Callable<Integer> {
    @ParentCommand
    ProcvlmCommand parent;

    @Parameters(index = "0", paramLabel = "PATH", description = "Dataset root folder.")
    String path;

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "auto",
            description = "Dataset format (default: auto).")
    String format;

    @Option(names = "--camera", paramLabel = "KEY", description = "Camera key to use as the exo view.")
    String camera;

    @Option(names = "--deep", description = "Also decode every episode's video and check frames against rows.")
    boolean deep;

    @Option(
            names = "--threads",
            paramLabel = "N",
            description = "Episodes checked in parallel (default: number of cores).")
    Integer threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config config = parent.globals().load();
        PrintWriter out = spec.commandLine().getOut();
        int workers = threads == null ? Runtime.getRuntime().availableProcessors() : Math.max(1, threads);
        DatasetValidator validator =
                new DatasetValidator(CameraRules.from(config), InspectionConfig.from(config), workers);
        DatasetValidator.Report report = validator.validate(new DatasetSpec(path, format, null, camera), deep);
        if (report.failure() != null) {
            out.println("Dataset " + path + " cannot be read:");
            out.println("  ERROR " + report.failure());
            out.flush();
            return ExitCodes.FAILURE;
        }
        DatasetScan scan = report.scan();
        out.printf(
                Locale.ROOT,
                "Dataset %s: %s, %d episodes, %.3g fps, robot '%s', camera %s (%s) of %s%n",
                path,
                scan.format().id(),
                scan.episodes().size(),
                scan.fps(),
                scan.robotType(),
                scan.camera().key(),
                scan.camera().rule(),
                scan.camera().candidates());
        if (!scan.problems().isEmpty()) {
            out.println("Dataset problems:");
            for (Problem problem : scan.problems()) {
                out.println("  " + problem.severity() + " " + problem);
            }
        }
        Map<String, long[]> byCode = new TreeMap<>();
        for (DatasetValidator.EpisodeProblems episode : report.episodes()) {
            for (Problem problem : episode.problems()) {
                out.printf(
                        Locale.ROOT,
                        "  episode %d: %s %s%n",
                        episode.ref().episodeIndex(),
                        problem.severity(),
                        problem);
                byCode.computeIfAbsent(problem.code(), k -> new long[2])[problem.isError() ? 0 : 1]++;
            }
        }
        long errors = report.episodesWithErrors();
        long ok = report.episodes().size() - errors;
        out.printf(
                Locale.ROOT,
                "Episodes: %d usable, %d would be quarantined, %d with warnings only%s%n",
                ok,
                errors,
                report.episodesWithWarningsOnly(),
                deep ? " (deep: videos decoded)" : "");
        if (!byCode.isEmpty()) {
            out.println("Problems by code:");
            byCode.forEach((code, counts) ->
                    out.printf(Locale.ROOT, "  %-30s %6d error(s) %6d warning(s)%n", code, counts[0], counts[1]));
        } else {
            out.println("No problems found.");
        }
        out.flush();
        return errors > 0 ? ExitCodes.PARTIAL : ExitCodes.OK;
    }
}
