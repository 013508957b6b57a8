package io.procvlm.app.commands;

import io.procvlm.app.OutputOption;
import io.procvlm.app.PipelineRunner;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.core.config.Config;
import io.procvlm.progress.spark.LabelStage;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm label}: one stage on an existing output folder. */
@Command(
        name = "label",
        mixinStandardHelpOptions = true,
        description = "Label every frame from its segments and visual change and write ProcCorpus (the corpus/ table):"
                + " subtask, progress, remaining actions, done.",
        footer = {"", "Example:", "  procvlm label --out out --set progress.mode=reference"})
public final class LabelCommand implements Callable<Integer> {
    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config config = output.apply(parent.globals().load());
        return new PipelineRunner(config, spec.commandLine().getOut(), spec.commandLine().getErr())
                .run("label", List.of(LabelStage.NAME))
                .exitCode();
    }
}
