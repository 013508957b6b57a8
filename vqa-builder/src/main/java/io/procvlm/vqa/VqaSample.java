package io.procvlm.vqa;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * One ProcVQA sample: a question over some frames of one episode, and its answer.
 *
 * @param id unique and stable: {@code <dataset>/<episode>/<family>/<template>/<anchor>}
 * @param dataset the dataset id
 * @param episodeIndex the episode
 * @param segmentIndex the task segment
 * @param split {@code train}, {@code test} or {@code ood}
 * @param family the task family
 * @param template the template id ({@code a1}, {@code a2}, {@code b1}, {@code b2}, {@code c})
 * @param task the task text
 * @param frames the frame indices shown, in order (each is one {@code <image>} of the question)
 * @param question the question text, with one {@code <image>} placeholder per frame
 * @param answer the ground-truth answer text
 * @param progress the progress family's ground truth in percent (0-100), {@code NaN} for other families
 * @param anchorFrame the frame the question is about (the window's last frame), -1 for segmentation
 */
public record VqaSample(
        String id,
        String dataset,
        long episodeIndex,
        int segmentIndex,
        String split,
        VqaFamily family,
        String template,
        String task,
        List<Long> frames,
        String question,
        String answer,
        double progress,
        long anchorFrame)
        implements Serializable {
    public VqaSample {
        requireNonNull(id, "id is null");
        requireNonNull(dataset, "dataset is null");
        requireNonNull(split, "split is null");
        requireNonNull(family, "family is null");
        requireNonNull(template, "template is null");
        requireNonNull(task, "task is null");
        frames = List.copyOf(requireNonNull(frames, "frames is null"));
        requireNonNull(question, "question is null");
        requireNonNull(answer, "answer is null");
    }
}
