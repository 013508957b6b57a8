package io.procvlm.vqa;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of a set of samples, mergeable across episodes: per split, dataset, family and template; frames per sample;
 * progress answers in 5% bins; subtasks per episode; characters of text. Sorted maps keep the output deterministic.
 * Token counts, context sets and packs are counted on the written tables ({@link ContextStats}).
 */
public final class VqaStats implements Serializable {
    public static final int PROGRESS_BINS = 20;

    /** split -> dataset -> family -> count. */
    final Map<String, Map<String, Map<String, Long>>> samples = new TreeMap<>();
    /** family -> template -> count. */
    final Map<String, Map<String, Long>> templates = new TreeMap<>();
    /** split -> episodes. */
    final Map<String, Long> episodes = new TreeMap<>();
    /** family -> frames shown -> count. */
    final Map<String, Map<Integer, Long>> framesPerSample = new TreeMap<>();
    /** subtask spans per episode -> episodes. */
    final Map<Integer, Long> subtasksPerEpisode = new TreeMap<>();

    final long[] progressHistogram = new long[PROGRESS_BINS];

    long frameReferences;
    long textCharacters;
    long sampleCount;

    /** The statistics of one episode's samples. */
    public static VqaStats ofEpisode(String split, int subtaskSpans, List<VqaSample> episodeSamples) {
        VqaStats stats = new VqaStats();
        stats.episodes.put(split, 1L);
        stats.subtasksPerEpisode.put(subtaskSpans, 1L);
        for (VqaSample sample : episodeSamples) {
            stats.samples
                    .computeIfAbsent(sample.split(), k -> new TreeMap<>())
                    .computeIfAbsent(sample.dataset(), k -> new TreeMap<>())
                    .merge(sample.family().id(), 1L, Long::sum);
            stats.templates
                    .computeIfAbsent(sample.family().id(), k -> new TreeMap<>())
                    .merge(sample.template(), 1L, Long::sum);
            stats.framesPerSample
                    .computeIfAbsent(sample.family().id(), k -> new TreeMap<>())
                    .merge(sample.frames().size(), 1L, Long::sum);
            if (sample.family() == VqaFamily.PROGRESS) {
                int bin = (int) Math.min(PROGRESS_BINS - 1, Math.floor(sample.progress() / (100.0 / PROGRESS_BINS)));
                stats.progressHistogram[Math.max(0, bin)]++;
            }
            stats.frameReferences += sample.frames().size();
            stats.textCharacters += sample.question().length() + sample.answer().length();
            stats.sampleCount++;
        }
        return stats;
    }

    public VqaStats plus(VqaStats other) {
        VqaStats sum = new VqaStats();
        for (VqaStats part : List.of(this, other)) {
            part.samples.forEach((split, byDataset) ->
                    byDataset.forEach((dataset, byFamily) -> byFamily.forEach((family, count) -> sum.samples
                            .computeIfAbsent(split, k -> new TreeMap<>())
                            .computeIfAbsent(dataset, k -> new TreeMap<>())
                            .merge(family, count, Long::sum))));
            part.templates.forEach((family, byTemplate) -> byTemplate.forEach((template, count) ->
                    sum.templates.computeIfAbsent(family, k -> new TreeMap<>()).merge(template, count, Long::sum)));
            part.episodes.forEach((split, count) -> sum.episodes.merge(split, count, Long::sum));
            part.framesPerSample.forEach((family, byFrames) -> byFrames.forEach((frames, count) -> sum.framesPerSample
                    .computeIfAbsent(family, k -> new TreeMap<>())
                    .merge(frames, count, Long::sum)));
            part.subtasksPerEpisode.forEach((spans, count) -> sum.subtasksPerEpisode.merge(spans, count, Long::sum));
            for (int i = 0; i < PROGRESS_BINS; i++) {
                sum.progressHistogram[i] += part.progressHistogram[i];
            }
            sum.frameReferences += part.frameReferences;
            sum.textCharacters += part.textCharacters;
            sum.sampleCount += part.sampleCount;
        }
        return sum;
    }

    public long sampleCount() {
        return sampleCount;
    }

    public long frameReferences() {
        return frameReferences;
    }

    /** split -> dataset -> family -> count. */
    public Map<String, Map<String, Map<String, Long>>> samples() {
        return samples;
    }

    public Map<String, Map<String, Long>> templates() {
        return templates;
    }

    public Map<String, Long> episodes() {
        return episodes;
    }

    public Map<String, Map<Integer, Long>> framesPerSample() {
        return framesPerSample;
    }

    public Map<Integer, Long> subtasksPerEpisode() {
        return subtasksPerEpisode;
    }

    public long[] progressHistogram() {
        return progressHistogram.clone();
    }

    public long textCharacters() {
        return textCharacters;
    }

    /** Samples per split and family, over datasets. */
    public Map<String, Map<String, Long>> bySplitAndFamily() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        samples.forEach((split, byDataset) ->
                byDataset.forEach((dataset, byFamily) -> byFamily.forEach((family, count) ->
                        out.computeIfAbsent(split, k -> new TreeMap<>()).merge(family, count, Long::sum))));
        return out;
    }
}
