package io.procvlm.app.commands;

import io.procvlm.app.OutputOption;
import io.procvlm.app.PipelineRunner;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.core.config.Config;
import io.procvlm.core.spark.FeaturesStage;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm features}: decode the good episodes of {@code episodes/} and write {@code frames/}. */
@Command(
        name = "features",
        mixinStandardHelpOptions = true,
        description = "Decode the exo camera of every ok episode in <out>/episodes/ and write the frames/ table: one"
                + " row per decoded frame with frame difference, optical-flow magnitude, proprioceptive signals and"
                + " (with features.phash) the perceptual hash.",
        footer = {"", "Example:", "  procvlm features --out out --set features.flow=farneback"})
public final class FeaturesCommand implements Callable<Integer> {
    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    OutputOption output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config config = output.apply(parent.globals().load());
        return new PipelineRunner(
                        config, spec.commandLine().getOut(), spec.commandLine().getErr())
                .run("features", List.of(FeaturesStage.NAME))
                .exitCode();
    }
}
