package io.procvlm.app.commands;

import io.procvlm.core.spark.FeaturesStage;
import picocli.CommandLine.Command;

/** {@code procvlm features}: decode the good episodes of {@code episodes/} and write {@code frames/} and {@code images/}. */
@Command(
        name = "features",
        mixinStandardHelpOptions = true,
        description = "Decode the exo camera of every ok episode in <out>/episodes/ and write the frames/ table: one"
                + " row per decoded frame with frame difference, optical-flow magnitude, proprioceptive signals and"
                + " (with features.phash) the perceptual hash; from the same decode, every frame's JPEG"
                + " (vqa.image.* settings) into the images/ table, which vqa reads instead of decoding again"
                + " (features.images, default true).",
        footer = {"", "Example:", "  procvlm features --out out --set features.flow=farneback"})
public final class FeaturesCommand extends SingleStageCommand {
    @Override
    String stage() {
        return FeaturesStage.NAME;
    }
}
