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
import io.procvlm.vqa.ContextConfig;
import io.procvlm.vqa.VqaConfig;
import io.procvlm.vqa.VqaForecast;
import io.procvlm.vqa.VqaTemplates;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
                + " and nothing is sent; answers already in the response cache are not subtracted. Then the features"
                + " work plan, and the ProcVQA forecast for the trainer: expected samples, tokens, short / long /"
                + " dropped samples and packs, by the vqa stage's own rules (vqa.*) on a seeded sample of episodes.",
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

    @picocli.CommandLine.Option(
            names = "--vqa-sample",
            paramLabel = "N",
            defaultValue = "8",
            description = "Episodes per dataset the ProcVQA forecast samples (default: ${DEFAULT-VALUE}; 0 skips it).")
    int vqaSample;

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
        if (vqaSample > 0) {
            printVqaForecast(out, config, readable);
        }
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

    /**
     * The ProcVQA forecast: per dataset, a seeded sample of episodes through {@link VqaForecast}, scaled to the
     * dataset's frames.
     */
    private void printVqaForecast(PrintWriter out, Config config, List<EpisodeRef> episodes) {
        VqaConfig vqa = VqaConfig.from(config);
        VqaTemplates templates = VqaTemplates.load(vqa.templates());
        ContextConfig context = vqa.context();
        Map<String, List<EpisodeRef>> byDataset = new TreeMap<>();
        for (EpisodeRef ref : episodes) {
            byDataset
                    .computeIfAbsent(ref.dataset().value(), k -> new ArrayList<>())
                    .add(ref);
        }
        out.printf(
                Locale.ROOT,
                "ProcVQA forecast (%s tokens; %s image rule; %d sampled episode(s) per dataset, scaled by frames):%n",
                context.counter().text().method(),
                context.counter().vision().model().id(),
                vqaSample);
        out.printf(
                Locale.ROOT,
                "%-40s %8s %11s %15s %11s %9s %8s %9s %9s%n",
                "dataset",
                "sampled",
                "samples",
                "tokens",
                "short",
                "long",
                "dropped",
                "packs-" + context.packName(ContextConfig.SHORT).replace("trun", ""),
                "packs-" + context.packName(ContextConfig.LONG).replace("ext", ""));
        double[] total = new double[7];
        double[] packedTokens = new double[2];
        for (Map.Entry<String, List<EpisodeRef>> entry : byDataset.entrySet()) {
            List<EpisodeRef> refs = new ArrayList<>(entry.getValue());
            refs.sort(java.util.Comparator.comparingLong((EpisodeRef ref) ->
                            io.procvlm.vqa.Splits.hash64(vqa.seed() + "\u0000plan\u0000" + ref.key()))
                    .thenComparing(EpisodeRef::key));
            List<VqaForecast.Episode> sample = new ArrayList<>();
            long allFrames = 0;
            for (EpisodeRef ref : refs) {
                allFrames += ref.declaredLength();
            }
            for (EpisodeRef ref : refs.subList(0, Math.min(vqaSample, refs.size()))) {
                sample.add(new VqaForecast.Episode(
                        ref.dataset().value(),
                        ref.episodeIndex(),
                        ref.task(),
                        ref.declaredLength(),
                        ref.fps(),
                        ref.video() != null && ref.video().declaredWidth() > 0
                                ? ref.video().declaredWidth()
                                : 640,
                        ref.video() != null && ref.video().declaredHeight() > 0
                                ? ref.video().declaredHeight()
                                : 480));
            }
            VqaForecast.Totals totals = VqaForecast.forecast(sample, vqa, templates);
            double scale = totals.frames() == 0 ? 0 : allFrames / (double) totals.frames();
            double[] row = {
                totals.samples() * scale,
                totals.tokens() * scale,
                totals.setSamples().getOrDefault(ContextConfig.SHORT, 0L) * scale,
                totals.setSamples().getOrDefault(ContextConfig.LONG, 0L) * scale,
                totals.dropped() * scale,
                totals.packs().getOrDefault(ContextConfig.SHORT, 0L) * scale,
                totals.packs().getOrDefault(ContextConfig.LONG, 0L) * scale
            };
            packedTokens[0] += totals.packedTokens().getOrDefault(ContextConfig.SHORT, 0L) * scale;
            packedTokens[1] += totals.packedTokens().getOrDefault(ContextConfig.LONG, 0L) * scale;
            printForecastRow(out, entry.getKey(), totals.episodes() + "/" + refs.size(), row);
            for (int i = 0; i < total.length; i++) {
                total[i] += row[i];
            }
        }
        printForecastRow(out, "total", "", total);
        out.printf(
                Locale.ROOT,
                "Short: below %,d tokens; long: up to %,d (%.1f%% of short replayed); packs of %,d / %,d tokens, expected"
                        + " fill %.3f / %.3f. Stand-in episodes: %d equal subtasks with typical labels, so text"
                        + " tokens are approximate; image tokens follow the declared video size.%n",
                context.shortMax(),
                context.longMax(),
                context.replay() * 100,
                context.shortCapacity(),
                context.longCapacity(),
                total[5] == 0 ? 0 : packedTokens[0] / (total[5] * context.shortCapacity()),
                total[6] == 0 ? 0 : packedTokens[1] / (total[6] * context.longCapacity()),
                VqaForecast.STAND_IN_SUBTASKS.size());
    }

    private static void printForecastRow(PrintWriter out, String name, String sampled, double[] row) {
        out.printf(
                Locale.ROOT,
                "%-40s %8s %,11.0f %,15.0f %,11.0f %,9.0f %,8.0f %,9.0f %,9.0f%n",
                name,
                sampled,
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                row[6]);
    }

    private static long tokens(int width, int height) {
        return (long) Math.ceil(width / 28.0) * (long) Math.ceil(height / 28.0);
    }
}
