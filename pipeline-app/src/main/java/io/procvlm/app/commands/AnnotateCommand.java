package io.procvlm.app.commands;

import io.procvlm.app.OutputOption;
import io.procvlm.app.PipelineRunner;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.core.config.Config;
import io.procvlm.annotators.spark.AnnotateStage;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm annotate}: one stage on an existing output folder. */
@Command(
        name = "annotate",
        mixinStandardHelpOptions = true,
        description = "Find the subtasks of every episode with frames (annotate.annotator: auto, kinematic, native or"
                + " imported) and write the segments/ table: plan, subtask spans with status, outcome and evidence.",
        footer = {"", "Example:", "  procvlm annotate --out out --set annotate.annotator=kinematic"})
public final class AnnotateCommand implements Callable<Integer> {
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
                .run("annotate", List.of(AnnotateStage.NAME))
                .exitCode();
    }
}
