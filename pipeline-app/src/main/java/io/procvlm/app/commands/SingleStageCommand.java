package io.procvlm.app.commands;

import io.procvlm.app.OutputOption;
import io.procvlm.app.PipelineRunner;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.app.ResumeFlags;
import io.procvlm.core.config.Config;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A command that runs one stage on the tables of an existing output folder. */
abstract class SingleStageCommand implements Callable<Integer> {
    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    OutputOption output;

    @Mixin
    ResumeFlags resumeFlags;

    @Spec
    CommandSpec spec;

    /** The stage's name, also the command's. */
    abstract String stage();

    @Override
    public Integer call() {
        Config config = resumeFlags.apply(output.apply(parent.globals().load()));
        return new PipelineRunner(
                        config, spec.commandLine().getOut(), spec.commandLine().getErr())
                .run(stage(), List.of(stage()))
                .exitCode();
    }
}
