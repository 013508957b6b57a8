package io.procvlm.core.dataset;

import static io.procvlm.core.error.CoreErrorCode.DATASET_FORMAT_UNKNOWN;
import static io.procvlm.core.error.CoreErrorCode.DATASET_NOT_FOUND;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.lerobot.LeRobotDatasetReader;
import io.procvlm.core.dataset.lerobot.LeRobotEpisodeReader;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.Locations;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.DatasetId;
import java.util.Locale;

/** Detects a dataset's format and reads its metadata with the matching reader. */
public final class DatasetReaders {
    private DatasetReaders() {}

    /** Reads the dataset described by {@code spec}; format {@code auto} detects it from the files. */
    public static DatasetScan scan(DatasetSpec spec, CameraRules rules) {
        String root = Locations.absolute(spec.path());
        DatasetFiles files = DatasetFiles.at(root);
        if (!files.rootExists()) {
            throw new PipelineException(DATASET_NOT_FOUND, "Dataset folder " + spec.path() + " does not exist");
        }
        DatasetFormat detected = detect(files, spec.path());
        String requested = spec.format().toLowerCase(Locale.ROOT);
        if (!requested.equals("auto") && !requested.equals("lerobot") && !requested.equals(detected.id())) {
            if (DatasetFormat.fromId(requested).isEmpty()) {
                throw new PipelineException(
                        DATASET_FORMAT_UNKNOWN,
                        "Unknown format '" + spec.format() + "' for dataset " + spec.path()
                                + " (known: auto, lerobot, lerobot-v2.0, lerobot-v2.1, lerobot-v3.0)");
            }
            throw new PipelineException(
                    DATASET_FORMAT_UNKNOWN,
                    "Dataset " + spec.path() + " was declared as format '" + spec.format() + "' but its metadata says "
                            + detected.id());
        }
        DatasetId id =
                spec.explicitId().map(DatasetId::new).orElseGet(() -> DatasetId.fromFolderName(folderName(root)));
        return LeRobotDatasetReader.scan(id, files, spec.camera(), rules);
    }

    /** The reader of one episode's contents, for use inside tasks. */
    public static EpisodeReader episodeReader(DatasetFormat format) {
        if (format.isLeRobot()) {
            return LeRobotEpisodeReader.INSTANCE;
        }
        throw new IllegalArgumentException("No episode reader for " + format);
    }

    static DatasetFormat detect(DatasetFiles files, String displayPath) {
        if (files.exists("meta/info.json")) {
            return LeRobotDatasetReader.readInfo(files).format();
        }
        throw new PipelineException(
                DATASET_FORMAT_UNKNOWN,
                "Cannot tell the format of " + displayPath
                        + ": it has no meta/info.json (LeRobot v2.0/v2.1/v3.0 are supported)");
    }

    private static String folderName(String root) {
        String trimmed = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
