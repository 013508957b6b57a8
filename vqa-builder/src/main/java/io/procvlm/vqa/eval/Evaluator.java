package io.procvlm.vqa.eval;

import static io.procvlm.core.error.CoreErrorCode.CONFIG_INVALID_VALUE;
import static java.util.Objects.requireNonNull;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.metrics.Segment;
import io.procvlm.core.metrics.SegmentationMetrics;
import io.procvlm.core.metrics.SegmentationMetrics.BoundaryCounts;
import io.procvlm.core.metrics.SegmentationMetrics.OverlapCounts;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;

/**
 * Scores model answers against ProcVQA samples, family by family.
 *
 * <p><b>Progress.</b> Answers are read with {@link ProgressAnswers}. Samples are grouped into episodes by {@link
 * EvalSample#episodeKey()} (dataset and episode, so equal episode indices of two datasets stay apart); within an
 * episode the samples keep their input order, which decides the order of ground-truth ties for VOC, so list them in
 * frame order. VOC, Kendall τ-a, CCC and EPR@50 are computed for each episode with at least two parsable answers and
 * averaged over those episodes. MCC@95 is computed over all parsable progress answers and nothing else. A missing or
 * unparsable answer is counted and left out of every progress score (the reference's inference instead reused the
 * previous frame's value).
 *
 * <p><b>Segmentation.</b> Ground truth and answer are read with {@link SegmentationAnswers}; labels are compared after
 * {@link PlanningAnswers#normalise}. BF1@5 and F1@{10,25,50} are micro-averaged over samples, mMAE is the mean |Δ| of
 * all matched boundaries, and the edit score (0–100) is averaged over samples. A missing or unparsable answer scores
 * zero: every ground-truth boundary and segment is a false negative (at least one, so that such an answer never counts
 * as "nothing to find, nothing found"), and its edit score is 0. A readable answer and ground truth both without
 * boundaries add nothing to the micro sums (so if every sample is like that, BF1 = 1).
 *
 * <p><b>Planning.</b> A sample is finished when its ground truth says "No action required". Done detection is correct
 * when the answer says so exactly when the ground truth does (a missing or unparsable answer is wrong). The planning
 * score is the mean action-list F1 ({@link PlanningAnswers#match}) over the unfinished samples of both templates; an
 * answer that says no action is required, or is missing or unparsable, scores 0 there. The next-action accuracy is the
 * share of unfinished next-action samples (template {@code next-action} or {@code b1}) whose answer is the expected
 * action ({@link PlanningAnswers#sameAction}). A planning answer is unparsable when it is missing, or has no action
 * and does not say that none is required.
 */
public final class Evaluator {
    public static final String PROGRESS = "progress";
    public static final String SEGMENTATION = "segmentation";
    public static final String PLANNING = "planning";
    /** Template ids of the next-action question: its descriptive name and the reference's id. */
    public static final Set<String> NEXT_ACTION_TEMPLATES = Set.of("next-action", "b1");

    /** Boundary tolerance of BF1@5, as a fraction of the ground truth's boundary range. */
    public static final double BOUNDARY_TOLERANCE = 0.05;

    private Evaluator() {}

    /**
     * @param samples the test samples; ids must be unique and families known
     * @param predictions model answer by sample id; ids without a sample are counted and ignored
     * @throws PipelineException {@code CONFIG_INVALID_VALUE} for a duplicate id, an unknown family, or a ground truth
     *     that cannot be read
     */
    public static EvalReport evaluate(List<EvalSample> samples, Map<String, String> predictions) {
        requireNonNull(samples, "samples is null");
        requireNonNull(predictions, "predictions is null");
        Set<String> ids = new HashSet<>();
        List<EvalSample> progress = new ArrayList<>();
        List<EvalSample> segmentation = new ArrayList<>();
        List<EvalSample> planning = new ArrayList<>();
        long matched = 0;
        for (EvalSample sample : samples) {
            if (!ids.add(sample.sampleId())) {
                throw PipelineException.of(
                        CONFIG_INVALID_VALUE, "Cannot evaluate: sample id '%s' appears twice", sample.sampleId());
            }
            if (predictions.get(sample.sampleId()) != null) {
                matched++;
            }
            switch (sample.family()) {
                case PROGRESS -> progress.add(sample);
                case SEGMENTATION -> segmentation.add(sample);
                case PLANNING -> planning.add(sample);
                default ->
                    throw PipelineException.of(
                            CONFIG_INVALID_VALUE,
                            "Cannot evaluate sample %s: unknown family '%s' (expected %s, %s or %s)",
                            sample.sampleId(),
                            sample.family(),
                            PROGRESS,
                            SEGMENTATION,
                            PLANNING);
            }
        }
        long unknown =
                predictions.keySet().stream().filter(id -> !ids.contains(id)).count();

        ProgressResult progressResult = scoreProgress(progress, predictions);
        SegmentationResult segmentationResult = scoreSegmentation(segmentation, predictions);
        PlanningResult planningResult = scorePlanning(planning, predictions);
        EvalReport.Counts counts = new EvalReport.Counts(
                samples.size(),
                matched,
                samples.size() - matched,
                unknown,
                new EvalReport.FamilyCount(progress.size(), progressResult.unparsable()),
                new EvalReport.FamilyCount(segmentation.size(), segmentationResult.unparsable()),
                new EvalReport.FamilyCount(planning.size(), planningResult.unparsable()));
        return new EvalReport(counts, progressResult.scores(), segmentationResult.scores(), planningResult.scores());
    }

    private record ProgressResult(EvalReport.ProgressScores scores, long unparsable) {}

    private record SegmentationResult(EvalReport.SegmentationScores scores, long unparsable) {}

    private record PlanningResult(EvalReport.PlanningScores scores, long unparsable) {}

    private static ProgressResult scoreProgress(List<EvalSample> samples, Map<String, String> predictions) {
        Map<String, List<double[]>> episodes = new LinkedHashMap<>();
        List<double[]> all = new ArrayList<>();
        long unparsable = 0;
        for (EvalSample sample : samples) {
            double truth = progressTruth(sample);
            String answer = predictions.get(sample.sampleId());
            OptionalDouble predicted = answer == null ? OptionalDouble.empty() : ProgressAnswers.parse(answer);
            if (predicted.isEmpty()) {
                unparsable++;
                continue;
            }
            double[] pair = {truth, predicted.getAsDouble()};
            all.add(pair);
            episodes.computeIfAbsent(sample.episodeKey(), key -> new ArrayList<>())
                    .add(pair);
        }
        double voc = 0;
        double kendall = 0;
        double ccc = 0;
        double epr = 0;
        int scored = 0;
        for (List<double[]> pairs : episodes.values()) {
            if (pairs.size() < 2) {
                continue;
            }
            double[] gt = column(pairs, 0);
            double[] pred = column(pairs, 1);
            voc += ProgressMetrics.voc(gt, pred);
            kendall += ProgressMetrics.kendallTauA(gt, pred);
            ccc += ProgressMetrics.ccc(gt, pred);
            epr += ProgressMetrics.epr50(pred);
            scored++;
        }
        double mcc = ProgressMetrics.mcc95(column(all, 0), column(all, 1));
        EvalReport.ProgressScores scores = scored == 0
                ? new EvalReport.ProgressScores(Double.NaN, Double.NaN, Double.NaN, Double.NaN, mcc, 0)
                : new EvalReport.ProgressScores(
                        voc / scored, kendall / scored, ccc / scored, epr / scored, mcc, scored);
        return new ProgressResult(scores, unparsable);
    }

    private static double progressTruth(EvalSample sample) {
        if (!Double.isNaN(sample.groundTruthProgress())) {
            return sample.groundTruthProgress();
        }
        OptionalDouble parsed = ProgressAnswers.parse(sample.groundTruth());
        if (parsed.isEmpty()) {
            throw PipelineException.of(
                    CONFIG_INVALID_VALUE,
                    "Cannot evaluate sample %s: progress ground truth has no value and no <progress> tag",
                    sample.sampleId());
        }
        return parsed.getAsDouble();
    }

    private static double[] column(List<double[]> pairs, int index) {
        return pairs.stream().mapToDouble(pair -> pair[index]).toArray();
    }

    private static SegmentationResult scoreSegmentation(List<EvalSample> samples, Map<String, String> predictions) {
        BoundaryCounts boundaries = BoundaryCounts.zero();
        OverlapCounts at10 = new OverlapCounts(0, 0, 0);
        OverlapCounts at25 = new OverlapCounts(0, 0, 0);
        OverlapCounts at50 = new OverlapCounts(0, 0, 0);
        double edit = 0;
        long unparsable = 0;
        for (EvalSample sample : samples) {
            List<Segment> truth = normalisedLabels(SegmentationAnswers.parse(sample.groundTruth())
                    .orElseThrow(() -> PipelineException.of(
                            CONFIG_INVALID_VALUE,
                            "Cannot evaluate sample %s: segmentation ground truth is not a JSON list of segments",
                            sample.sampleId())));
            String answer = predictions.get(sample.sampleId());
            Optional<List<Segment>> parsed = answer == null ? Optional.empty() : SegmentationAnswers.parse(answer);
            if (parsed.isEmpty()) {
                unparsable++;
                long missedBoundaries = SegmentationMetrics.boundaries(truth, List.of(), BOUNDARY_TOLERANCE)
                        .falseNegatives();
                boundaries = boundaries.plus(new BoundaryCounts(0, 0, Math.max(1, missedBoundaries), 0));
                OverlapCounts missed = new OverlapCounts(0, 0, Math.max(1, truth.size()));
                at10 = at10.plus(missed);
                at25 = at25.plus(missed);
                at50 = at50.plus(missed);
                continue;
            }
            List<Segment> predicted = normalisedLabels(parsed.get());
            boundaries = boundaries.plus(SegmentationMetrics.boundaries(truth, predicted, BOUNDARY_TOLERANCE));
            at10 = at10.plus(SegmentationMetrics.overlap(truth, predicted, 0.10));
            at25 = at25.plus(SegmentationMetrics.overlap(truth, predicted, 0.25));
            at50 = at50.plus(SegmentationMetrics.overlap(truth, predicted, 0.50));
            edit += SegmentationMetrics.editScore(truth, predicted);
        }
        if (samples.isEmpty()) {
            return new SegmentationResult(
                    new EvalReport.SegmentationScores(
                            Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN),
                    0);
        }
        return new SegmentationResult(
                new EvalReport.SegmentationScores(
                        boundaries.f1(),
                        boundaries.meanAbsoluteError(),
                        edit / samples.size(),
                        at10.f1(),
                        at25.f1(),
                        at50.f1()),
                unparsable);
    }

    private static List<Segment> normalisedLabels(List<Segment> segments) {
        return segments.stream()
                .map(segment -> new Segment(PlanningAnswers.normalise(segment.label()), segment.start(), segment.end()))
                .toList();
    }

    private static PlanningResult scorePlanning(List<EvalSample> samples, Map<String, String> predictions) {
        long unparsable = 0;
        long doneCorrect = 0;
        double f1 = 0;
        long unfinished = 0;
        long nextActionCorrect = 0;
        long nextActionSamples = 0;
        for (EvalSample sample : samples) {
            String answer = predictions.get(sample.sampleId());
            boolean truthDone = PlanningAnswers.saysNoActionRequired(sample.groundTruth());
            boolean answerDone = answer != null && PlanningAnswers.saysNoActionRequired(answer);
            List<String> answerActions = answer == null ? List.of() : PlanningAnswers.splitActions(answer);
            boolean readable = answer != null && (answerDone || !answerActions.isEmpty());
            if (!readable) {
                unparsable++;
            }
            if (readable && truthDone == answerDone) {
                doneCorrect++;
            }
            if (truthDone) {
                continue;
            }
            unfinished++;
            if (readable && !answerDone) {
                f1 += PlanningAnswers.match(PlanningAnswers.splitActions(sample.groundTruth()), answerActions)
                        .f1();
            }
            if (NEXT_ACTION_TEMPLATES.contains(sample.template())) {
                nextActionSamples++;
                if (readable && !answerDone && PlanningAnswers.sameAction(sample.groundTruth(), answer)) {
                    nextActionCorrect++;
                }
            }
        }
        EvalReport.PlanningScores scores = new EvalReport.PlanningScores(
                ratio(f1, unfinished), ratio(nextActionCorrect, nextActionSamples), ratio(doneCorrect, samples.size()));
        return new PlanningResult(scores, unparsable);
    }

    private static double ratio(double numerator, long denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }
}
