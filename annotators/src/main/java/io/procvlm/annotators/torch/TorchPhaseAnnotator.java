package io.procvlm.annotators.torch;

import static io.procvlm.core.error.CoreErrorCode.CONFIG_INVALID_VALUE;
import static io.procvlm.core.error.CoreErrorCode.CONFIG_MISSING_VALUE;
import static java.util.Objects.requireNonNull;

import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.AnnotatorErrorCode;
import io.procvlm.annotators.SubtaskAnnotator;
import io.procvlm.annotators.Vocabulary;
import io.procvlm.annotators.vlm.VlmFrames;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Subtasks from a phase model run in process: a TorchScript model in a local folder, loaded through DJL's PyTorch
 * engine (offline, libtorch from the Maven artifact), scores each sampled frame of a task segment over the labels of
 * {@code labels.txt}; runs of the best label become spans, mapped onto the task's plan from the verb vocabulary.
 *
 * <p>For users who run their own model on the executor's own GPU (or CPU) instead of calling a VLM service. The model
 * says what happens when, not whether the task succeeded: the outcome is unknown. Its contract is in docs/vlm.md.
 */
public final class TorchPhaseAnnotator implements SubtaskAnnotator {
    public static final String ID = "torchscript";
    static final String VERSION = "2";
    /** The label of frames where nothing of the plan happens. */
    public static final String IDLE = "idle";

    private final TorchSettings settings;
    private final List<String> labels;
    private final String modelHash;
    private final Vocabulary vocabulary;
    private final double minSubtaskSeconds;
    private final double toleranceFrames;

    /**
     * Checks the model folder and loads the model once (on the driver), so that a bad model fails before any task.
     *
     * @param toleranceFrames how far, in frame periods, a decoded frame may lie from its row
     */
    public TorchPhaseAnnotator(
            TorchSettings settings, Vocabulary vocabulary, double minSubtaskSeconds, double toleranceFrames) {
        this.settings = requireNonNull(settings, "settings is null");
        this.vocabulary = requireNonNull(vocabulary, "vocabulary is null");
        this.minSubtaskSeconds = minSubtaskSeconds;
        this.toleranceFrames = toleranceFrames;
        Path dir = Path.of(settings.modelDir());
        this.labels = readLabels(dir, vocabulary);
        this.modelHash = hash(dir);
        TorchModels.model(settings).close();
    }

    @Override
    public String id() {
        return ID;
    }

    /** The model's labels, one per score column. */
    public List<String> labels() {
        return labels;
    }

    @Override
    public SegmentAnnotation annotate(AnnotationInput input) {
        int from = input.firstRow();
        int to = input.endRow();
        if (to <= from) {
            throw new PipelineException(
                    AnnotatorErrorCode.NO_FRAMES, "Episode " + input.ref().key() + " has no frames to annotate");
        }
        double[] timestamps = input.frames().timestamp();
        long[] frameIndex = input.frames().frameIndex();
        int[] positions = VlmFrames.choose(timestamps, from, to, settings.sampleFps(), settings.maxFrames());
        float[][] scores;
        try (TorchModels.Lease model = TorchModels.model(settings)) {
            scores = model.predict(input.ref(), frameIndex, timestamps, positions, from, toleranceFrames);
        }
        if (scores.length != positions.length) {
            throw new PipelineException(
                    AnnotatorErrorCode.TORCH_INFERENCE_FAILED,
                    "The TorchScript model returned " + scores.length + " rows of scores for " + positions.length
                            + " frames of episode " + input.ref().key());
        }
        int[] sampled = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            if (scores[i].length != labels.size()) {
                throw new PipelineException(
                        AnnotatorErrorCode.TORCH_INFERENCE_FAILED,
                        "The TorchScript model returned " + scores[i].length + " scores per frame but labels.txt has "
                                + labels.size() + " labels");
            }
            sampled[i] = argmax(scores[i]);
        }
        int[] perRow = spread(timestamps, from, to, positions, sampled);
        List<Run> runs = merge(runs(perRow, from), timestamps, to, minSubtaskSeconds);
        return toAnnotation(input, runs, frameIndex, to);
    }

    /** A run of rows [start, end) with the same label. */
    record Run(int label, int start, int end) {}

    /** Every row of the segment takes the label of the sampled frame nearest in time. */
    static int[] spread(double[] timestamps, int from, int to, int[] positions, int[] sampled) {
        int[] perRow = new int[to - from];
        int k = 0;
        for (int row = from; row < to; row++) {
            while (k + 1 < positions.length
                    && Math.abs(timestamps[positions[k + 1]] - timestamps[row])
                            < Math.abs(timestamps[positions[k]] - timestamps[row])) {
                k++;
            }
            perRow[row - from] = sampled[k];
        }
        return perRow;
    }

    static List<Run> runs(int[] perRow, int from) {
        List<Run> runs = new ArrayList<>();
        int i = 0;
        while (i < perRow.length) {
            int j = i + 1;
            while (j < perRow.length && perRow[j] == perRow[i]) {
                j++;
            }
            runs.add(new Run(perRow[i], from + i, from + j));
            i = j;
        }
        return runs;
    }

    /**
     * Runs shorter than {@code minSeconds} join their longer neighbour (the previous one on a tie), and equal
     * neighbours join, until every run is long enough or one run is left.
     */
    static List<Run> merge(List<Run> input, double[] timestamps, int to, double minSeconds) {
        List<Run> runs = new ArrayList<>(input);
        boolean changed = true;
        while (changed && runs.size() > 1) {
            changed = false;
            int shortest = -1;
            double shortestLength = Double.MAX_VALUE;
            for (int i = 0; i < runs.size(); i++) {
                double length = seconds(runs.get(i), timestamps, to);
                if (length < minSeconds && length < shortestLength) {
                    shortest = i;
                    shortestLength = length;
                }
            }
            if (shortest >= 0) {
                Run run = runs.get(shortest);
                boolean intoPrevious = shortest > 0
                        && (shortest == runs.size() - 1
                                || seconds(runs.get(shortest - 1), timestamps, to)
                                        >= seconds(runs.get(shortest + 1), timestamps, to));
                if (intoPrevious) {
                    Run previous = runs.get(shortest - 1);
                    runs.set(shortest - 1, new Run(previous.label(), previous.start(), run.end()));
                } else {
                    Run next = runs.get(shortest + 1);
                    runs.set(shortest + 1, new Run(next.label(), run.start(), next.end()));
                }
                runs.remove(shortest);
                changed = true;
            }
            for (int i = runs.size() - 1; i > 0; i--) {
                if (runs.get(i).label() == runs.get(i - 1).label()) {
                    runs.set(
                            i - 1,
                            new Run(
                                    runs.get(i).label(),
                                    runs.get(i - 1).start(),
                                    runs.get(i).end()));
                    runs.remove(i);
                    changed = true;
                }
            }
        }
        return runs;
    }

    private static double seconds(Run run, double[] timestamps, int to) {
        double end = run.end() < to ? timestamps[run.end()] : timestamps[to - 1] + 1e-9;
        return end - timestamps[run.start()];
    }

    /**
     * Maps the runs onto the plan: a run of a verb fills the next planned step with that verb (steps skipped on the
     * way are absent); a run of the step just filled, or of an earlier step, is another attempt of it (the earlier
     * attempt becomes incomplete). When the model finds a verb the plan lacks, the plan is the model's own: its verbs in
     * order of first appearance.
     */
    private SegmentAnnotation toAnnotation(AnnotationInput input, List<Run> runs, long[] frameIndex, int to) {
        List<Run> active = new ArrayList<>();
        for (Run run : runs) {
            if (!labels.get(run.label()).equals(IDLE)) {
                active.add(run);
            }
        }
        Vocabulary.Plan planned = vocabulary.plan(input.task());
        List<String> verbs = new ArrayList<>(planned.verbs());
        List<String> planLabels = new ArrayList<>(planned.labels());
        boolean ownPlan = false;
        for (Run run : active) {
            if (!verbs.contains(labels.get(run.label()))) {
                ownPlan = true;
            }
        }
        if (ownPlan) {
            verbs.clear();
            planLabels.clear();
            for (Run run : active) {
                String verb = labels.get(run.label());
                if (!verbs.contains(verb)) {
                    verbs.add(verb);
                    planLabels.add(label(verb, planned));
                }
            }
        }
        List<SubtaskSpan> spans = new ArrayList<>();
        int next = 0;
        long end = input.segmentStart();
        for (Run run : active) {
            String verb = labels.get(run.label());
            long start = frameIndex[run.start()];
            long stop = run.end() < to ? frameIndex[run.end()] : input.segmentEnd();
            int step = -1;
            for (int i = next; i < verbs.size() && step < 0; i++) {
                if (verbs.get(i).equals(verb)) {
                    step = i;
                }
            }
            if (step >= 0) {
                for (int skipped = next; skipped < step; skipped++) {
                    spans.add(new SubtaskSpan(
                            skipped, planLabels.get(skipped), verbs.get(skipped), start, start, SpanStatus.ABSENT));
                }
                next = step + 1;
            } else {
                step = verbs.subList(0, next).lastIndexOf(verb);
                markRetried(spans, step);
            }
            spans.add(new SubtaskSpan(step, planLabels.get(step), verb, start, stop, SpanStatus.COMPLETED));
            end = stop;
        }
        int planEnd = verbs.size();
        while (!ownPlan && planEnd > next && planned.isOptional(planEnd - 1)) {
            planEnd--; // optional steps the model never saw, at the end of the plan, are left out of it
        }
        planLabels = new ArrayList<>(planLabels.subList(0, planEnd));
        for (int missing = next; missing < planEnd; missing++) {
            spans.add(
                    new SubtaskSpan(missing, planLabels.get(missing), verbs.get(missing), end, end, SpanStatus.ABSENT));
        }
        StringBuilder evidence = new StringBuilder("TorchScript phase model ")
                .append(modelHash, 0, 12)
                .append(" labelled ")
                .append(active.size())
                .append(active.size() == 1 ? " run" : " runs")
                .append(" of frames; it does not state the outcome");
        return new SegmentAnnotation(
                input.ref().dataset(),
                input.ref().episodeIndex(),
                input.segmentIndex(),
                input.segmentStart(),
                input.segmentEnd(),
                input.task(),
                planLabels,
                spans,
                TaskOutcome.UNKNOWN,
                evidence.toString(),
                ID,
                Fingerprints.ofParts(
                        ID,
                        VERSION,
                        modelHash,
                        settings.fingerprint(),
                        vocabulary.fingerprint(),
                        Double.toString(minSubtaskSeconds),
                        spans.toString()),
                List.of("video"));
    }

    /** The earlier attempts of a step that is tried again did not complete it. */
    private static void markRetried(List<SubtaskSpan> spans, int step) {
        for (int i = 0; i < spans.size(); i++) {
            SubtaskSpan span = spans.get(i);
            if (span.planIndex() == step && span.status() == SpanStatus.COMPLETED) {
                spans.set(
                        i,
                        new SubtaskSpan(
                                step,
                                span.label(),
                                span.verb(),
                                span.startFrame(),
                                span.endFrame(),
                                SpanStatus.INCOMPLETE));
            }
        }
    }

    /** A verb's label from the vocabulary, with the task's object and target filled in. */
    private String label(String verb, Vocabulary.Plan planned) {
        return vocabulary
                .verbs()
                .get(verb)
                .replace("{object}", planned.object())
                .replace("{target}", planned.target() == null ? "target" : planned.target())
                .replace("{prep}", "onto")
                .replace("{direction}", "forward");
    }

    private static int argmax(float[] scores) {
        int best = 0;
        for (int i = 1; i < scores.length; i++) {
            if (scores[i] > scores[best]) {
                best = i;
            }
        }
        return best;
    }

    /** labels.txt: one label per line (blank lines and lines starting with '#' skipped), each a verb or 'idle'. */
    static List<String> readLabels(Path dir, Vocabulary vocabulary) {
        if (!Files.isDirectory(dir)) {
            throw new PipelineException(
                    CONFIG_INVALID_VALUE,
                    "Invalid value '" + dir + "' for configuration key '" + TorchConfig.MODEL_DIR
                            + "': no such folder");
        }
        Path file = dir.resolve("labels.txt");
        if (!Files.isRegularFile(file) || !Files.isRegularFile(dir.resolve("model.pt"))) {
            throw new PipelineException(
                    CONFIG_INVALID_VALUE,
                    "Invalid value '" + dir + "' for configuration key '" + TorchConfig.MODEL_DIR
                            + "': it must hold model.pt and labels.txt");
        }
        List<String> labels = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String label = line.strip().toLowerCase(Locale.ROOT);
                if (label.isEmpty() || label.startsWith("#")) {
                    continue;
                }
                if (!label.equals(IDLE) && !vocabulary.hasVerb(label)) {
                    throw new PipelineException(
                            AnnotatorErrorCode.TORCH_MODEL_INVALID,
                            file + " names '" + label + "', which is neither a verb of the vocabulary nor '" + IDLE
                                    + "'");
                }
                if (labels.contains(label)) {
                    throw new PipelineException(
                            AnnotatorErrorCode.TORCH_MODEL_INVALID, file + " names '" + label + "' twice");
                }
                labels.add(label);
            }
        } catch (IOException e) {
            throw new PipelineException(AnnotatorErrorCode.TORCH_MODEL_INVALID, "Cannot read " + file, e);
        }
        if (labels.isEmpty()) {
            throw new PipelineException(AnnotatorErrorCode.TORCH_MODEL_INVALID, file + " names no label");
        }
        return List.copyOf(labels);
    }

    /** SHA-256 of model.pt followed by labels.txt: part of every annotation's fingerprint. */
    private static String hash(Path dir) {
        try (InputStream in = new java.io.SequenceInputStream(
                Files.newInputStream(dir.resolve("model.pt")), Files.newInputStream(dir.resolve("labels.txt")))) {
            return Fingerprints.ofStream(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails fast when the annotator is chosen without a model folder. */
    public static void requireModelDir(String modelDir) {
        if (modelDir.isBlank()) {
            throw new PipelineException(
                    CONFIG_MISSING_VALUE,
                    "annotate.annotator=torchscript needs " + TorchConfig.MODEL_DIR
                            + " (a folder with model.pt and labels.txt)");
        }
    }
}
