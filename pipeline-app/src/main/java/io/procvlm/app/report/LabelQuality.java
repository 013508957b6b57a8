package io.procvlm.app.report;

import io.procvlm.annotators.eval.GoldQuery;
import io.procvlm.annotators.eval.GoldSource;
import io.procvlm.annotators.eval.LabelEvaluator;
import io.procvlm.core.metrics.Segment;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code eval-labels} over a run's tables: the segments of every episode against a gold source. */
public final class LabelQuality {
    private LabelQuality() {}

    /** The predictions of a run: every task segment's non-absent spans, one prediction per episode. */
    public static List<LabelEvaluator.Prediction> predictions(
            List<SegmentAnnotation> segments, Map<String, RunTables.EpisodeRow> episodes) {
        Map<String, List<SegmentAnnotation>> byEpisode = new LinkedHashMap<>();
        for (SegmentAnnotation segment : segments) {
            byEpisode
                    .computeIfAbsent(segment.dataset().value() + "/" + segment.episodeIndex(), k -> new ArrayList<>())
                    .add(segment);
        }
        List<LabelEvaluator.Prediction> predictions = new ArrayList<>();
        byEpisode.forEach((key, list) -> {
            List<Segment> spans = new ArrayList<>();
            for (SegmentAnnotation segment : list) {
                for (SubtaskSpan span : segment.spans()) {
                    if (span.status() != SpanStatus.ABSENT && span.length() > 0) {
                        spans.add(new Segment(span.label(), span.startFrame(), span.endFrame()));
                    }
                }
            }
            SegmentAnnotation first = list.get(0);
            RunTables.EpisodeRow episode = episodes.get(key);
            predictions.add(new LabelEvaluator.Prediction(
                    first.dataset().value(),
                    first.episodeIndex(),
                    first.annotator(),
                    episode == null ? Double.NaN : episode.fps(),
                    spans));
        });
        return predictions;
    }

    public static LabelEvaluator.Result evaluate(RunTables tables, GoldSource gold, LabelEvaluator.Match match) {
        Map<String, RunTables.EpisodeRow> episodes = new LinkedHashMap<>();
        for (RunTables.EpisodeRow row : tables.episodes()) {
            episodes.put(row.key(), row);
        }
        List<LabelEvaluator.Prediction> predictions = predictions(tables.segments(), episodes);
        return LabelEvaluator.evaluate(predictions, gold, match, (dataset, episode) -> {
            RunTables.EpisodeRow row = episodes.get(dataset + "/" + episode);
            return row == null
                    ? new GoldQuery(dataset, episode, null, null)
                    : new GoldQuery(dataset, episode, row.datasetRoot(), row.ref());
        });
    }
}
