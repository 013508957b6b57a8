package io.procvlm.annotators.eval;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.metrics.Segment;
import io.procvlm.core.metrics.SegmentationMetrics;
import io.procvlm.core.metrics.SegmentationMetrics.BoundaryCounts;
import io.procvlm.core.metrics.SegmentationMetrics.OverlapCounts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Scores predicted subtask spans (a run's {@code segments/}) against gold spans, per dataset and annotator, with the
 * action-segmentation metrics of {@link SegmentationMetrics}:
 *
 * <ul>
 *   <li><b>BF1@5</b>: boundary F1, boundaries (unique span starts and ends) matched one to one at minimum total
 *       distance, a match within 5 frames is a hit; also <b>BF1@5%</b>, the reference's variant whose tolerance is 5%
 *       of the gold boundaries' spread;
 *   <li><b>edit</b>: segmental edit score (0–100) of the label sequences, the mean over episodes;
 *   <li><b>F1@{10,25,50}</b>: segmental overlap F1 (Lea et al. 2017) at IoU thresholds 0.10, 0.25, 0.50;
 *   <li><b>boundary error</b>: mean distance, in seconds, of the one-to-one boundary matching (no tolerance);
 *   <li><b>text similarity</b>: for each gold span, {@link LabelText#similarity} to the predicted span that overlaps it
 *       most (0 when none does), averaged; <b>verb agreement</b>: the share of gold spans whose most-overlapping
 *       predicted span has the same verb.
 * </ul>
 *
 * Labels are compared, for edit and F1@k, by their verb ({@link Match#VERB}, the default: vocabularies agree on verbs
 * more often than on whole texts) or by their normalised text ({@link Match#TEXT}). F1 values are micro averages:
 * counts are added over the episodes of a group before the F1 is taken.
 */
public final class LabelEvaluator {
    /** The BF1 tolerance in frames. */
    public static final double BOUNDARY_TOLERANCE_FRAMES = 5;
    /** The reference's relative BF1 tolerance. */
    public static final double BOUNDARY_TOLERANCE_SHARE = 0.05;
    /** The IoU thresholds of F1@k. */
    public static final List<Double> OVERLAP_THRESHOLDS = List.of(0.10, 0.25, 0.50);

    /** How labels are compared for edit and F1@k. */
    public enum Match {
        VERB,
        TEXT;

        String key(String label) {
            return this == VERB ? LabelText.verb(label) : LabelText.normalised(label);
        }

        public static Match fromId(String id) {
            return Match.valueOf(id.toUpperCase(Locale.ROOT));
        }
    }

    /**
     * One episode's predicted spans.
     *
     * @param fps frames per second, for the boundary error in seconds
     * @param spans predicted spans in frames (end exclusive), absent subtasks left out
     */
    public record Prediction(String dataset, long episode, String annotator, double fps, List<Segment> spans) {
        public Prediction {
            requireNonNull(dataset, "dataset is null");
            requireNonNull(annotator, "annotator is null");
            spans = List.copyOf(requireNonNull(spans, "spans is null"));
        }
    }

    /** Scores of one episode (shown per episode in the report). */
    public record EpisodeScore(
            String dataset,
            long episode,
            String annotator,
            String goldSource,
            double boundaryF1,
            double edit,
            double f1At50,
            double boundaryErrorSeconds,
            double textSimilarity) {}

    /** The scores of one group (a dataset and an annotator; dataset {@code *} for all datasets). */
    public record Row(
            String dataset,
            String annotator,
            String goldSource,
            int episodes,
            int withoutGold,
            double boundaryF1,
            double boundaryF1Relative,
            double edit,
            double f1At10,
            double f1At25,
            double f1At50,
            double boundaryErrorSeconds,
            double textSimilarity,
            double verbAgreement) {}

    /** All rows, then the per-episode scores. */
    public record Result(String gold, Match match, List<Row> rows, List<EpisodeScore> episodes) {}

    private LabelEvaluator() {}

    public static Result evaluate(List<Prediction> predictions, GoldSource gold, Match match, QueryFactory queries) {
        Map<String, Accumulator> groups = new TreeMap<>();
        List<EpisodeScore> episodes = new ArrayList<>();
        for (Prediction prediction : predictions) {
            Optional<GoldEpisode> truth = gold.find(queries.query(prediction.dataset(), prediction.episode()));
            for (String dataset : List.of(prediction.dataset(), "*")) {
                Accumulator group = groups.computeIfAbsent(
                        dataset + "\u0000" + prediction.annotator(),
                        k -> new Accumulator(dataset, prediction.annotator()));
                if (truth.isEmpty()) {
                    group.withoutGold++;
                } else {
                    EpisodeScore score = group.add(prediction, truth.get(), match);
                    if (dataset.equals(prediction.dataset())) {
                        episodes.add(score);
                    }
                }
            }
        }
        List<Row> rows = new ArrayList<>();
        groups.values().stream().filter(group -> !group.dataset.equals("*")).forEach(group -> rows.add(group.row()));
        groups.values().stream().filter(group -> group.dataset.equals("*")).forEach(group -> rows.add(group.row()));
        return new Result(gold.name(), match, rows, episodes);
    }

    /** Builds the gold query of an episode (its dataset root and reference, where known). */
    @FunctionalInterface
    public interface QueryFactory {
        GoldQuery query(String dataset, long episode);
    }

    /** One episode's scores, without grouping. */
    public static EpisodeScore score(Prediction prediction, GoldEpisode truth, Match match) {
        return new Accumulator(prediction.dataset(), prediction.annotator()).add(prediction, truth, match);
    }

    private static List<Segment> keyed(List<Segment> spans, Match match) {
        List<Segment> keyed = new ArrayList<>(spans.size());
        for (Segment span : spans) {
            keyed.add(new Segment(match.key(span.label()), span.start(), span.end()));
        }
        return keyed;
    }

    private static final class Accumulator {
        final String dataset;
        final String annotator;
        final Map<String, Integer> goldSources = new TreeMap<>();
        int episodes;
        int withoutGold;
        BoundaryCounts boundaries = BoundaryCounts.zero();
        BoundaryCounts relative = BoundaryCounts.zero();
        double edit;
        OverlapCounts[] overlaps = new OverlapCounts[OVERLAP_THRESHOLDS.size()];
        double errorSeconds;
        long errorCount;
        double similarity;
        long verbAgreements;
        long goldSpans;

        Accumulator(String dataset, String annotator) {
            this.dataset = dataset;
            this.annotator = annotator;
            java.util.Arrays.fill(overlaps, new OverlapCounts(0, 0, 0));
        }

        EpisodeScore add(Prediction prediction, GoldEpisode truth, Match match) {
            episodes++;
            goldSources.merge(
                    truth.source().contains(":")
                            ? truth.source().substring(0, truth.source().indexOf(':'))
                            : truth.source(),
                    1,
                    Integer::sum);
            List<Segment> gt = truth.spans();
            List<Segment> predicted = prediction.spans();
            BoundaryCounts episodeBoundaries =
                    SegmentationMetrics.boundariesWithin(gt, predicted, BOUNDARY_TOLERANCE_FRAMES);
            boundaries = boundaries.plus(episodeBoundaries);
            relative = relative.plus(SegmentationMetrics.boundaries(gt, predicted, BOUNDARY_TOLERANCE_SHARE));
            List<Segment> gtKeys = keyed(gt, match);
            List<Segment> predictedKeys = keyed(predicted, match);
            double episodeEdit = SegmentationMetrics.editScore(gtKeys, predictedKeys);
            edit += episodeEdit;
            OverlapCounts at50 = null;
            for (int k = 0; k < overlaps.length; k++) {
                OverlapCounts counts = SegmentationMetrics.overlap(gtKeys, predictedKeys, OVERLAP_THRESHOLDS.get(k));
                overlaps[k] = overlaps[k].plus(counts);
                if (k == overlaps.length - 1) {
                    at50 = counts;
                }
            }
            BoundaryCounts all = SegmentationMetrics.boundariesWithin(gt, predicted, Double.POSITIVE_INFINITY);
            double fps = prediction.fps() > 0 ? prediction.fps() : Double.NaN;
            double episodeError = Double.NaN;
            if (all.truePositives() > 0 && Double.isFinite(fps)) {
                errorSeconds += all.absoluteError() / fps;
                errorCount += all.truePositives();
                episodeError = all.absoluteError() / fps / all.truePositives();
            }
            double episodeSimilarity = 0;
            for (Segment span : gt) {
                Segment best = mostOverlapping(span, predicted);
                double value = best == null ? 0 : LabelText.similarity(span.label(), best.label());
                episodeSimilarity += value;
                if (best != null && LabelText.verb(span.label()).equals(LabelText.verb(best.label()))) {
                    verbAgreements++;
                }
            }
            similarity += episodeSimilarity;
            goldSpans += gt.size();
            return new EpisodeScore(
                    prediction.dataset(),
                    prediction.episode(),
                    prediction.annotator(),
                    truth.source(),
                    episodeBoundaries.f1(),
                    episodeEdit,
                    at50.f1(),
                    episodeError,
                    gt.isEmpty() ? Double.NaN : episodeSimilarity / gt.size());
        }

        Row row() {
            return new Row(
                    dataset,
                    annotator,
                    String.join("+", goldSources.keySet()),
                    episodes,
                    withoutGold,
                    episodes == 0 ? Double.NaN : boundaries.f1(),
                    episodes == 0 ? Double.NaN : relative.f1(),
                    episodes == 0 ? Double.NaN : edit / episodes,
                    episodes == 0 ? Double.NaN : overlaps[0].f1(),
                    episodes == 0 ? Double.NaN : overlaps[1].f1(),
                    episodes == 0 ? Double.NaN : overlaps[2].f1(),
                    errorCount == 0 ? Double.NaN : errorSeconds / errorCount,
                    goldSpans == 0 ? Double.NaN : similarity / goldSpans,
                    goldSpans == 0 ? Double.NaN : (double) verbAgreements / goldSpans);
        }
    }

    /** The predicted span with the largest temporal intersection with {@code span} (the first on ties), or null. */
    static Segment mostOverlapping(Segment span, List<Segment> predicted) {
        Segment best = null;
        double bestOverlap = 0;
        for (Segment candidate : predicted) {
            double overlap = Math.min(span.end(), candidate.end()) - Math.max(span.start(), candidate.start());
            if (overlap > bestOverlap) {
                bestOverlap = overlap;
                best = candidate;
            }
        }
        return best;
    }
}
