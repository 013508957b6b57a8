package io.procvlm.vqa;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts of a set of samples, mergeable across episodes: per split, dataset, family and template; frames per sample;
 * progress answers in 5% bins; subtasks per episode; characters of text. Sorted maps keep the output deterministic.
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
    /** family -> {samples, text characters, image tokens}. */
    final Map<String, long[]> tokens = new TreeMap<>();

    long frameReferences;
    long textCharacters;
    long sampleCount;

    /**
     * The statistics of one episode's samples.
     *
     * @param tokensPerImage the estimated model tokens of one of the episode's images ({@link #imageTokens})
     */
    public static VqaStats ofEpisode(
            String split, int subtaskSpans, List<VqaSample> episodeSamples, long tokensPerImage) {
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
            long[] familyTokens = stats.tokens.computeIfAbsent(sample.family().id(), k -> new long[3]);
            familyTokens[0]++;
            familyTokens[1] += sample.question().length() + sample.answer().length();
            familyTokens[2] += tokensPerImage * sample.frames().size();
            stats.frameReferences += sample.frames().size();
            stats.textCharacters += sample.question().length() + sample.answer().length();
            stats.sampleCount++;
        }
        return stats;
    }

    /** These statistics with the image tokens of an episode whose images cost {@code tokensPerImage} each. */
    public VqaStats withImageTokens(long tokensPerImage) {
        VqaStats copy = plus(new VqaStats());
        copy.tokens.forEach((family, counts) -> {
            long references = 0;
            for (Map.Entry<Integer, Long> entry :
                    copy.framesPerSample.getOrDefault(family, Map.of()).entrySet()) {
                references += entry.getKey() * entry.getValue();
            }
            counts[2] = tokensPerImage * references;
        });
        return copy;
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
            part.tokens.forEach((family, counts) -> {
                long[] total = sum.tokens.computeIfAbsent(family, k -> new long[3]);
                for (int i = 0; i < 3; i++) {
                    total[i] += counts[i];
                }
            });
            for (int i = 0; i < PROGRESS_BINS; i++) {
                sum.progressHistogram[i] += part.progressHistogram[i];
            }
            sum.frameReferences += part.frameReferences;
            sum.textCharacters += part.textCharacters;
            sum.sampleCount += part.sampleCount;
        }
        return sum;
    }

    /**
     * Qwen2-VL-style visual tokens of one image: 14-pixel patches merged 2x2, so one token per 28x28 pixels (the
     * reference's grid t*h*w/4).
     */
    public static long imageTokens(int width, int height) {
        return (long) Math.ceil(width / 28.0) * (long) Math.ceil(height / 28.0);
    }

    /**
     * Estimated model tokens per sample of {@code family}: 21 for the chat frame (as the reference counts), about one
     * token per 4 characters of question and answer, and the image tokens.
     */
    public double tokensPerSample(String family) {
        long[] counts = tokens.get(family);
        if (counts == null || counts[0] == 0) {
            return 0;
        }
        return 21 + (counts[1] / 4.0 + counts[2]) / counts[0];
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
