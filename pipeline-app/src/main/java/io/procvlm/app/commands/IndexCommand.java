package io.procvlm.app.commands;

import io.procvlm.app.DatasetOptions;
import io.procvlm.app.PipelineRunner;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.app.ResumeFlags;
import io.procvlm.core.config.Config;
import io.procvlm.core.spark.IndexStage;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm index}: check every episode and write {@code episodes/}. */
@Command(
        name = "index",
        mixinStandardHelpOptions = true,
        description = "Check every declared episode of the datasets (rows, timestamps, video files and headers) and"
                + " write the episodes/ table: one row per episode with its status and reason.",
        footer = {"", "Example:", "  procvlm index --dataset path/to/lerobot-dataset --out out"})
public final class IndexCommand implements Callable<Integer> {
    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    DatasetOptions datasets;

    /** {@code --force} / {@code --no-resume} inspect every episode again; {@code --retry-failed} the quarantined ones. */
    @Mixin
    ResumeFlags resumeFlags;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config config = resumeFlags.apply(datasets.apply(parent.globals().load()));
        return new PipelineRunner(
                        config, spec.commandLine().getOut(), spec.commandLine().getErr())
                .run("index", List.of(IndexStage.NAME))
                .exitCode();
    }
}
