package io.procvlm.app.commands;

import io.procvlm.annotators.Annotators;
import io.procvlm.annotators.vlm.VlmConfig;
import io.procvlm.annotators.vlm.VlmPrompts;
import io.procvlm.annotators.vlm.VlmSettings;
import io.procvlm.app.DatasetOptions;
import io.procvlm.app.ExitCodes;
import io.procvlm.app.ProcvlmCommand;
import io.procvlm.core.config.Config;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.plan.WorkPlan;
import io.procvlm.core.video.FrameImages;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code procvlm plan}: what the VLM annotator would send, without sending anything. */
@Command(
        name = "plan",
        mixinStandardHelpOptions = true,
        description = "Dry run of the VLM annotator (annotate.vlm.*): per dataset, the episodes, frames, requests,"
                + " images and estimated tokens it would send, from the datasets' metadata alone. Nothing is decoded"
                + " and nothing is sent; answers already in the response cache are not subtracted.",
        footer = {
            "",
            "Example:",
            "  procvlm plan --config conf/demo.yaml --set annotate.vlm.max-frames=16 --set annotate.vlm.contact-sheet=2x2"
        })
public final class PlanCommand implements Callable<Integer> {
    /** Text tokens per request besides the prompt: chat framing, as the reference counts. */
    private static final int FRAMING_TOKENS = 21;

    @ParentCommand
    ProcvlmCommand parent;

    @Mixin
    DatasetOptions datasets;

    @picocli.CommandLine.Option(
            names = "--tasks",
            paramLabel = "N",
            description = "Spark tasks the features work plan aims at (default: 4 per core of this machine, as the"
                    + " features stage does with its cores).")
    int tasks;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Config config = datasets.apply(parent.globals().load());
        VlmSettings settings = VlmConfig.settings(config, false);
        VlmPrompts prompts = VlmPrompts.load(settings.prompts());
        int verbsLength = Annotators.vocabulary(config).verbs().values().stream()
                        .mapToInt(String::length)
                        .sum()
                + 4 * Annotators.vocabulary(config).verbs().size();
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "VLM plan (dry run, nothing sent): model %s, %.2f frames/s, at most %d frames, %s, images at most %d"
                        + " px%n",
                settings.model(),
                settings.sampleFps(),
                settings.maxFrames(),
                settings.contactSheets()
                        ? "contact sheets of " + settings.sheetColumns() + "x" + settings.sheetRows()
                        : "one image per frame",
                settings.imageMaxSide());
        out.printf(
                Locale.ROOT,
                "%-40s %9s %11s %9s %9s %14s%n",
                "dataset",
                "episodes",
                "frames",
                "requests",
                "images",
                "input tokens");
        long[] total = new long[5];
        CameraRules rules = CameraRules.from(config);
        List<EpisodeRef> readable = new java.util.ArrayList<>();
        for (DatasetSpec spec : config.datasets(CoreConfig.DATASETS)) {
            DatasetScan scan;
            try {
                scan = DatasetReaders.scan(spec, rules);
            } catch (PipelineException e) {
                out.println(spec.path() + ": cannot be read (" + e.errorCode().name() + "): " + e.getMessage());
                continue;
            }
            long[] row = new long[5];
            for (EpisodeRef ref : scan.episodes()) {
                if (ref.problems().stream().anyMatch(p -> p.isError()) || ref.declaredLength() <= 0) {
                    continue;
                }
                readable.add(ref);
                double duration = ref.declaredLength() / ref.fps();
                int frames = (int) Math.min(
                        ref.declaredLength(),
                        Math.min(settings.maxFrames(), Math.floor(duration * settings.sampleFps()) + 1));
                int width = ref.video() != null && ref.video().declaredWidth() > 0
                        ? ref.video().declaredWidth()
                        : 640;
                int height = ref.video() != null && ref.video().declaredHeight() > 0
                        ? ref.video().declaredHeight()
                        : 480;
                int[] size = FrameImages.targetSize(width, height, settings.imageMaxSide(), true);
                long images = frames;
                long perImage = tokens(size[0], size[1]);
                if (settings.contactSheets()) {
                    int perSheet = settings.sheetColumns() * settings.sheetRows();
                    images = (frames + perSheet - 1) / perSheet;
                    perImage = tokens(size[0] * settings.sheetColumns(), size[1] * settings.sheetRows());
                }
                long captions = (long) frames * 6;
                long planText =
                        (prompts.plan().length() + verbsLength + ref.task().length()) / 4;
                long localiseText = (prompts.localise().length() + ref.task().length() + 60L * 6) / 4;
                row[0]++;
                row[1] += frames;
                row[2] += 2;
                row[3] += 2 * images;
                row[4] += 2 * (FRAMING_TOKENS + captions + images * perImage) + planText + localiseText;
            }
            out.printf(
                    Locale.ROOT,
                    "%-40s %,9d %,11d %,9d %,9d %,14d%n",
                    scan.id().value(),
                    row[0],
                    row[1],
                    row[2],
                    row[3],
                    row[4]);
            for (int i = 0; i < total.length; i++) {
                total[i] += row[i];
            }
        }
        out.printf(
                Locale.ROOT,
                "%-40s %,9d %,11d %,9d %,9d %,14d%n",
                "total",
                total[0],
                total[1],
                total[2],
                total[3],
                total[4]);
        out.printf(
                Locale.ROOT,
                "Frames are those shown to the model; requests are 2 per episode (plan, localise), plus up to %d repair"
                        + " request(s) each when an answer does not validate; output is at most %,d tokens per request."
                        + " Input tokens: 21 per request, about one per 4 characters of text, one per 28x28 pixels of"
                        + " image (Qwen2-VL-style).%n",
                settings.repairAttempts(),
                settings.maxTokens());
        printWorkPlan(out, readable);
        out.flush();
        return ExitCodes.OK;
    }

    /** How the features stage would pack these episodes into Spark tasks (WorkPlan). */
    private void printWorkPlan(PrintWriter out, List<EpisodeRef> episodes) {
        int wanted = tasks > 0 ? tasks : 4 * Runtime.getRuntime().availableProcessors();
        WorkPlan plan = WorkPlan.pack(episodes, wanted);
        double[] costs =
                plan.costs().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        out.printf(
                Locale.ROOT,
                "Work plan (features): %,d episodes in %,d tasks aiming at %,d tasks, target %,.0f frame equivalents per"
                        + " task; task cost min %,.0f, median %,.0f, max %,.0f (max/mean %.2f); %d long episode(s)"
                        + " run alone%s; %d shared video file(s) kept together in file order.%n",
                plan.episodes(),
                plan.tasks().size(),
                wanted,
                plan.target(),
                costs.length == 0 ? 0 : costs[0],
                costs.length == 0 ? 0 : costs[costs.length / 2],
                costs.length == 0 ? 0 : costs[costs.length - 1],
                plan.imbalance(),
                plan.isolated().size(),
                plan.isolated().isEmpty()
                        ? ""
                        : " ("
                                + String.join(
                                        ", ",
                                        plan.isolated()
                                                .subList(
                                                        0,
                                                        Math.min(
                                                                5,
                                                                plan.isolated().size())))
                                + (plan.isolated().size() > 5 ? ", ..." : "") + ")",
                plan.sharedFiles());
    }

    private static long tokens(int width, int height) {
        return (long) Math.ceil(width / 28.0) * (long) Math.ceil(height / 28.0);
    }
}
