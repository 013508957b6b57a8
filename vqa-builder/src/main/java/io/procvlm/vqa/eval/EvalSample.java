package io.procvlm.vqa.eval;

import static java.util.Objects.requireNonNull;

/**
 * One ProcVQA test sample as the evaluator needs it.
 *
 * @param sampleId unique id, the key of the prediction map
 * @param dataset dataset name; with {@code episodeIndex} it forms the episode key {@code dataset/episode}
 * @param episodeIndex episode index within the dataset
 * @param family {@code progress}, {@code segmentation} or {@code planning} (see {@link Evaluator})
 * @param template the question template, e.g. {@code next-action} or {@code remaining-actions} for planning
 * @param groundTruth the ground-truth answer text
 * @param groundTruthProgress the ground-truth progress in percent (0–100) for progress samples, NaN otherwise (NaN for
 *     a progress sample means: parse it from {@code groundTruth})
 */
public record EvalSample(
        String sampleId,
        String dataset,
        long episodeIndex,
        String family,
        String template,
        String groundTruth,
        double groundTruthProgress) {
    public EvalSample {
        requireNonNull(sampleId, "sampleId is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(family, "family is null");
        requireNonNull(template, "template is null");
        requireNonNull(groundTruth, "groundTruth is null");
    }

    /** The episode key {@code dataset/episodeIndex}: episodes of different datasets never merge. */
    public String episodeKey() {
        return dataset + "/" + episodeIndex;
    }
}
