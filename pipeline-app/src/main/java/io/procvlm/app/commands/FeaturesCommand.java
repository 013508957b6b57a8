package io.procvlm.app.commands;

import io.procvlm.core.spark.FeaturesStage;
import picocli.CommandLine.Command;

/** {@code procvlm features}: decode the good episodes of {@code episodes/} and write {@code frames/}. */
@Command(
        name = "features",
        mixinStandardHelpOptions = true,
        description = "Decode the exo camera of every ok episode in <out>/episodes/ and write the frames/ table: one"
                + " row per decoded frame with frame difference, optical-flow magnitude, proprioceptive signals and"
                + " (with features.phash) the perceptual hash.",
        footer = {"", "Example:", "  procvlm features --out out --set features.flow=farneback"})
public final class FeaturesCommand extends SingleStageCommand {
    @Override
    String stage() {
        return FeaturesStage.NAME;
    }
}
