package io.procvlm.core.dataset;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.model.CameraChoice;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.DatasetId;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.Problem;
import java.util.List;

/**
 * What reading a dataset's metadata found: the dataset as a whole, and a reference for every episode it declares
 * (each carrying the problems visible from metadata alone).
 *
 * @param id the dataset id
 * @param root the dataset's absolute root location
 * @param format the detected format
 * @param fps the declared frame rate
 * @param robotType the declared robot type, or an empty string
 * @param camera the chosen exo camera
 * @param problems dataset-level problems that do not stop the dataset (e.g. unknown metadata keys)
 * @param episodes one reference per declared episode, sorted by episode index
 * @param snapshot a fingerprint of the dataset's metadata files (its snapshot identity)
 */
public record DatasetScan(
        DatasetId id,
        String root,
        DatasetFormat format,
        double fps,
        String robotType,
        CameraChoice camera,
        List<Problem> problems,
        List<EpisodeRef> episodes,
        String snapshot) {
    public DatasetScan {
        requireNonNull(id, "id is null");
        requireNonNull(root, "root is null");
        requireNonNull(format, "format is null");
        requireNonNull(robotType, "robotType is null");
        requireNonNull(camera, "camera is null");
        problems = List.copyOf(requireNonNull(problems, "problems is null"));
        episodes = List.copyOf(requireNonNull(episodes, "episodes is null"));
        requireNonNull(snapshot, "snapshot is null");
    }
}
