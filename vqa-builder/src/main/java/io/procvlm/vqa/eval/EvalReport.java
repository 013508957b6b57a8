package io.procvlm.vqa.eval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * The scores of one evaluation run. Every score is NaN when its family has no samples (or no sample the score
 * applies to); {@link #toJson()} writes NaN as {@code null}.
 */
public record EvalReport(
        Counts counts, ProgressScores progress, SegmentationScores segmentation, PlanningScores planning) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public EvalReport {
        requireNonNull(counts, "counts is null");
        requireNonNull(progress, "progress is null");
        requireNonNull(segmentation, "segmentation is null");
        requireNonNull(planning, "planning is null");
    }

    /**
     * What was evaluated.
     *
     * @param samples all samples
     * @param predictionsMatched samples that have a prediction
     * @param missingPredictions samples without a prediction (scored as unparsable)
     * @param unknownPredictions predictions whose id is no sample (ignored)
     */
    public record Counts(
            long samples,
            long predictionsMatched,
            long missingPredictions,
            long unknownPredictions,
            FamilyCount progress,
            FamilyCount segmentation,
            FamilyCount planning) {
        public Counts {
            requireNonNull(progress, "progress is null");
            requireNonNull(segmentation, "segmentation is null");
            requireNonNull(planning, "planning is null");
        }
    }

    /**
     * @param samples samples of the family
     * @param unparsable samples whose prediction is missing or cannot be read
     */
    public record FamilyCount(long samples, long unparsable) {}

    /**
     * Progress scores. VOC, Kendall τ-a, CCC and EPR@50 are means over {@code episodes} (episodes with at least two
     * parsable predictions); MCC@95 is over all parsable progress predictions.
     */
    public record ProgressScores(
            double voc, double kendallTauA, double ccc, double epr50, double mcc95, int episodes) {}

    /**
     * Segmentation scores: boundary F1 at 5% tolerance and overlap F1@k micro-averaged over samples (0–1), mMAE in
     * sampled frames, the segmental edit score averaged over samples (0–100).
     */
    public record SegmentationScores(
            double bf1, double mmae, double edit, double f1At10, double f1At25, double f1At50) {}

    /**
     * Planning scores (0–1): the action-list F1 averaged over samples whose ground truth is not finished, the exact
     * next-action accuracy over unfinished {@code next-action} samples, and the done-detection accuracy over all
     * planning samples.
     */
    public record PlanningScores(double score, double nextActionAccuracy, double doneDetectionAccuracy) {}

    /** The report as a JSON tree with a fixed key order (kebab-case keys, NaN as null). */
    public ObjectNode toJsonNode() {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode countsNode = root.putObject("counts");
        countsNode.put("samples", counts.samples());
        countsNode.put("predictions-matched", counts.predictionsMatched());
        countsNode.put("missing-predictions", counts.missingPredictions());
        countsNode.put("unknown-predictions", counts.unknownPredictions());
        putFamily(countsNode, Evaluator.PROGRESS, counts.progress());
        putFamily(countsNode, Evaluator.SEGMENTATION, counts.segmentation());
        putFamily(countsNode, Evaluator.PLANNING, counts.planning());

        ObjectNode progressNode = root.putObject(Evaluator.PROGRESS);
        putScore(progressNode, "voc", progress.voc());
        putScore(progressNode, "kendall-tau-a", progress.kendallTauA());
        putScore(progressNode, "ccc", progress.ccc());
        putScore(progressNode, "epr50", progress.epr50());
        putScore(progressNode, "mcc95", progress.mcc95());
        progressNode.put("episodes", progress.episodes());

        ObjectNode segmentationNode = root.putObject(Evaluator.SEGMENTATION);
        putScore(segmentationNode, "bf1", segmentation.bf1());
        putScore(segmentationNode, "mmae", segmentation.mmae());
        putScore(segmentationNode, "edit", segmentation.edit());
        putScore(segmentationNode, "f1-at-10", segmentation.f1At10());
        putScore(segmentationNode, "f1-at-25", segmentation.f1At25());
        putScore(segmentationNode, "f1-at-50", segmentation.f1At50());

        ObjectNode planningNode = root.putObject(Evaluator.PLANNING);
        putScore(planningNode, "score", planning.score());
        putScore(planningNode, "next-action-accuracy", planning.nextActionAccuracy());
        putScore(planningNode, "done-detection-accuracy", planning.doneDetectionAccuracy());
        return root;
    }

    /** {@link #toJsonNode()} as indented text. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(toJsonNode());
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write the evaluation report as JSON", e);
        }
    }

    /** A short human-readable summary, one block per family. */
    public String toText() {
        StringBuilder text = new StringBuilder();
        text.append(format(
                "ProcVQA evaluation: %d samples, %d predictions matched, %d missing, %d unknown\n",
                counts.samples(),
                counts.predictionsMatched(),
                counts.missingPredictions(),
                counts.unknownPredictions()));
        text.append(format(
                "progress      %d samples, %d unparsable, %d episodes\n",
                counts.progress().samples(), counts.progress().unparsable(), progress.episodes()));
        text.append(format(
                "  VOC %s  KT %s  CCC %s  EPR@50 %s  MCC@95 %s\n",
                score(progress.voc()),
                score(progress.kendallTauA()),
                score(progress.ccc()),
                score(progress.epr50()),
                score(progress.mcc95())));
        text.append(format(
                "segmentation  %d samples, %d unparsable\n",
                counts.segmentation().samples(), counts.segmentation().unparsable()));
        text.append(format(
                "  BF1@5 %s  mMAE %s  Edit %s  F1@10 %s  F1@25 %s  F1@50 %s\n",
                score(segmentation.bf1()),
                score(segmentation.mmae()),
                score(segmentation.edit()),
                score(segmentation.f1At10()),
                score(segmentation.f1At25()),
                score(segmentation.f1At50())));
        text.append(format(
                "planning      %d samples, %d unparsable\n",
                counts.planning().samples(), counts.planning().unparsable()));
        text.append(format(
                "  Score %s  Next-action %s  Done-detection %s\n",
                score(planning.score()),
                score(planning.nextActionAccuracy()),
                score(planning.doneDetectionAccuracy())));
        return text.toString();
    }

    private static void putFamily(ObjectNode parent, String family, FamilyCount count) {
        ObjectNode node = parent.putObject(family);
        node.put("samples", count.samples());
        node.put("unparsable", count.unparsable());
    }

    private static void putScore(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, value);
        } else {
            node.putNull(key);
        }
    }

    private static String score(double value) {
        return Double.isFinite(value) ? format("%.4f", value) : "n/a";
    }

    private static String format(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
