package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;
import java.util.Optional;

/**
 * A reference to one episode: everything a Spark task needs to find and read it, never its contents.
 *
 * @param dataset the dataset the episode belongs to
 * @param datasetRoot the dataset's root folder (a local path or a Hadoop URI)
 * @param format the on-disk format
 * @param episodeIndex the episode's index in its dataset
 * @param tasks the task texts of the episode, in metadata order
 * @param fps frames per second declared by the dataset
 * @param declaredLength the frame count declared by the metadata
 * @param data where the per-frame rows lie
 * @param columns which per-frame columns carry state, action and gripper signals
 * @param camera the camera chosen as the exo view
 * @param video where the camera's frames lie in a video file; {@code null} for images stored in parquet
 * @param problems problems already found from the metadata alone
 * @param taskSegments the episode's task segments when its task changes inside it (found by the index stage from the
 *     rows, or declared by the reader); empty when the episode holds one task, which is then one segment: the whole
 *     episode with {@link #task()}
 */
public record EpisodeRef(
        DatasetId dataset,
        String datasetRoot,
        DatasetFormat format,
        long episodeIndex,
        List<String> tasks,
        double fps,
        long declaredLength,
        DataSlice data,
        FrameColumns columns,
        CameraChoice camera,
        VideoSegment video,
        List<Problem> problems,
        List<TaskSegment> taskSegments)
        implements Serializable {
    public EpisodeRef {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(datasetRoot, "datasetRoot is null");
        requireNonNull(format, "format is null");
        tasks = List.copyOf(requireNonNull(tasks, "tasks is null"));
        requireNonNull(data, "data is null");
        requireNonNull(columns, "columns is null");
        requireNonNull(camera, "camera is null");
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
        taskSegments = List.copyOf(requireNonNull(taskSegments, "taskSegments is null"));
        if (taskSegments.size() == 1) {
            throw new IllegalArgumentException(
                    "Episode " + episodeIndex + ": one task segment is written as none (the whole episode)");
        }
        for (int i = 0; i < taskSegments.size(); i++) {
            if (taskSegments.get(i).segmentIndex() != i
                    || (i > 0
                            && taskSegments.get(i).startFrame()
                                    < taskSegments.get(i - 1).endFrame())) {
                throw new IllegalArgumentException(
                        "Episode " + episodeIndex + ": task segments out of order: " + taskSegments);
            }
        }
        if (episodeIndex < 0) {
            throw new IllegalArgumentException("Invalid episode index: " + episodeIndex);
        }
        if (camera.storage() == CameraStorage.VIDEO && video == null) {
            throw new IllegalArgumentException("Episode " + episodeIndex + " has a video camera but no video segment");
        }
    }

    /** An episode with one task (no task segments). */
    public EpisodeRef(
            DatasetId dataset,
            String datasetRoot,
            DatasetFormat format,
            long episodeIndex,
            List<String> tasks,
            double fps,
            long declaredLength,
            DataSlice data,
            FrameColumns columns,
            CameraChoice camera,
            VideoSegment video,
            List<Problem> problems) {
        this(
                dataset,
                datasetRoot,
                format,
                episodeIndex,
                tasks,
                fps,
                declaredLength,
                data,
                columns,
                camera,
                video,
                problems,
                List.of());
    }

    /** Whether the episode's task changes inside it (two or more task segments). */
    public boolean hasTaskSegments() {
        return !taskSegments.isEmpty();
    }

    public EpisodeRef withTaskSegments(List<TaskSegment> segments) {
        return new EpisodeRef(
                dataset,
                datasetRoot,
                format,
                episodeIndex,
                tasks,
                fps,
                declaredLength,
                data,
                columns,
                camera,
                video,
                problems,
                segments);
    }

    public Optional<VideoSegment> videoSegment() {
        return Optional.ofNullable(video);
    }

    /** The first task text, or an empty string. */
    public String task() {
        return tasks.isEmpty() ? "" : tasks.get(0);
    }

    public EpisodeRef withProblems(List<Problem> newProblems) {
        return new EpisodeRef(
                dataset,
                datasetRoot,
                format,
                episodeIndex,
                tasks,
                fps,
                declaredLength,
                data,
                columns,
                camera,
                video,
                newProblems,
                taskSegments);
    }

    /** A short printable key, {@code dataset/episode}. */
    public String key() {
        return dataset + "/" + episodeIndex;
    }
}
