package io.procvlm.app.commands;

import io.procvlm.annotators.eval.GoldSource;
import io.procvlm.annotators.eval.GoldSources;
import io.procvlm.annotators.eval.LabelEvaluator;
import io.procvlm.annotators.eval.LabelReports;
import io.procvlm.app.ExitCodes;
import io.procvlm.app.OutputOption;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.app.report.LabelQuality;
import io.procvlm.app.report.RunTables;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Locations;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm eval-labels}: a run's subtask spans scored against gold subtask annotations. */
@Command(
        name = "eval-labels",
        mixinStandardHelpOptions = true,
        description = "Score the subtask spans in the segments/ table of a run against gold subtask spans, per dataset"
                + " and annotator: BF1@5 (5 frames) and BF1@5%% (the reference's tolerance), segmental edit score,"
                + " F1@{10,25,50}, mean boundary error in seconds, label-text similarity and verb agreement. Prints"
                + " a table and writes the scores as JSON (no Spark).",
        footer = {
            "",
            "Gold labels (--gold):",
            "  auto                      phases where a dataset has them, else the labels it ships (default)",
            "  phases                    <dataset root>/ground_truth/phases.jsonl (the generated datasets' truth)",
            "  native[:COLUMN]           the LeRobot subtask columns (subtask_index, sub_task_index,"
                    + " language_persistent)",
            "  imported:FILE             the imported-labels format (JSONL or Parquet: dataset, episode, label,"
                    + " start, end)",
            "  agibot:FILE@DATASET       an AgiBot World task_info JSON (label_info.action_config)",
            "  robocoin:FILE@DATASET     a RoboCOIN label/data_annotation.json, or a CSV"
                    + " episode_index,start_frame,end_frame,label",
            "",
            "Examples:",
            "  procvlm eval-labels --out out",
            "  procvlm eval-labels --out out --gold agibot:task_info/task_327.json@agibot-world --match text"
        })
public final class EvalLabelsCommand implements Callable<Integer> {
    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    OutputOption output;

    @Option(
            names = {"-g", "--gold"},
            paramLabel = "SPEC",
            defaultValue = "auto",
            description = "Gold subtask spans (see below; default: ${DEFAULT-VALUE}).")
    String gold;

    @Option(
            names = "--match",
            paramLabel = "verb|text",
            defaultValue = "verb",
            description = "Compare labels by verb or by normalised text for edit and F1@k (default: ${DEFAULT-VALUE}).")
    String match;

    @Option(
            names = "--report",
            paramLabel = "FILE",
            description = "Where to write the scores as JSON (default: <out>/eval/labels.json).")
    Path report;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Config config = output.apply(parent.globals().load());
        String root = Locations.absolute(config.string(CoreConfig.OUTPUT_ROOT));
        LabelEvaluator.Match matchMode;
        try {
            matchMode = LabelEvaluator.Match.fromId(match);
        } catch (IllegalArgumentException e) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_INVALID_VALUE, "Invalid --match '" + match + "': use verb or text");
        }
        RunTables tables = new RunTables(root);
        if (!tables.has("segments") || !tables.has("episodes")) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_MISSING_VALUE,
                    "No segments/ or episodes/ table under " + root + ": run 'procvlm run' (or index, features and"
                            + " annotate) first");
        }
        GoldSource source;
        try {
            source = GoldSources.parse(gold);
        } catch (PipelineException e) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_INVALID_VALUE, "Invalid --gold '" + gold + "': " + e.getMessage(), e);
        }
        LabelEvaluator.Result result = LabelQuality.evaluate(tables, source, matchMode);
        PrintWriter out = spec.commandLine().getOut();
        out.print(LabelReports.text(result));
        long scored = result.episodes().size();
        if (scored == 0) {
            out.printf(Locale.ROOT, "No episode of the run has gold labels in '%s'.%n", gold);
        }
        Path target = report != null
                ? report
                : EvalCommand.localFolder(root).resolve("eval").resolve("labels.json");
        Files.createDirectories(target.toAbsolutePath().getParent());
        Files.writeString(target, LabelReports.json(result), StandardCharsets.UTF_8);
        out.println("Scores written to " + target);
        out.flush();
        return scored == 0 ? ExitCodes.FAILURE : ExitCodes.OK;
    }
}
