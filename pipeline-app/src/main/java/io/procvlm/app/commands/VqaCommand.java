package io.procvlm.app.commands;

import io.procvlm.vqa.spark.VqaStage;
import picocli.CommandLine.Command;

/** {@code procvlm vqa}: one stage on an existing output folder. */
@Command(
        name = "vqa",
        mixinStandardHelpOptions = true,
        description = "Build ProcVQA from ProcCorpus: segmentation, planning and progress samples (vqa.families), split"
                + " by episode into train / test / ood, with each shown frame stored once as JPEG (taken from the"
                + " features stage's images/ table; the videos are decoded again only without it); writes"
                + " vqa/<split>/<family>/ Parquet and Arrow shards, vqa/<split>/images/, the dataset card"
                + " vqa/README.md and vqa/stats.json.",
        footer = {"", "Example:", "  procvlm vqa --out out --set vqa.ood-datasets=lerobot-v21-images --set run.seed=7"})
public final class VqaCommand extends SingleStageCommand {
    @Override
    String stage() {
        return VqaStage.NAME;
    }
}
