package io.procvlm.app.commands;

import io.procvlm.progress.spark.LabelStage;
import picocli.CommandLine.Command;

/** {@code procvlm label}: one stage on an existing output folder. */
@Command(
        name = "label",
        mixinStandardHelpOptions = true,
        description = "Label every frame from its segments and visual change and write ProcCorpus (the corpus/ table):"
                + " subtask, progress, remaining actions, done.",
        footer = {
            "",
            "Example:",
            "  procvlm label --out out",
            "  procvlm features --out out --set features.phash=on && procvlm label --out out --set progress.mode=reference"
        })
public final class LabelCommand extends SingleStageCommand {
    @Override
    String stage() {
        return LabelStage.NAME;
    }
}
