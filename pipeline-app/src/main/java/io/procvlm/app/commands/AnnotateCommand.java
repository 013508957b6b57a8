package io.procvlm.app.commands;

import io.procvlm.annotators.spark.AnnotateStage;
import picocli.CommandLine.Command;

/** {@code procvlm annotate}: one stage on an existing output folder. */
@Command(
        name = "annotate",
        mixinStandardHelpOptions = true,
        description = "Find the subtasks of every episode with frames (annotate.annotator: auto, kinematic, native or"
                + " imported) and write the segments/ table: plan, subtask spans with status, outcome and evidence.",
        footer = {"", "Example:", "  procvlm annotate --out out --set annotate.annotator=kinematic"})
public final class AnnotateCommand extends SingleStageCommand {
    @Override
    String stage() {
        return AnnotateStage.NAME;
    }
}
