package io.procvlm.core.dataset;

import static io.procvlm.core.error.CoreErrorCode.DATASET_FORMAT_UNKNOWN;
import static io.procvlm.core.error.CoreErrorCode.DATASET_NOT_FOUND;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.agibot.AgiBotReader;
import io.procvlm.core.dataset.hdf5.RobomimicReader;
import io.procvlm.core.dataset.images.ImageSequenceReader;
import io.procvlm.core.dataset.lerobot.LeRobotReader;
import io.procvlm.core.dataset.rlds.RldsReader;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.Locations;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.DatasetId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The registry of dataset readers, the one place a format is added: detects a dataset's format from its files and
 * dispatches scanning and episode reading to the matching {@link DatasetReader}.
 */
public final class DatasetReaders {
    /** Every reader, in detection order (the first whose marker files are present wins). */
    private static final List<DatasetReader> READERS = List.of(
            LeRobotReader.INSTANCE,
            AgiBotReader.INSTANCE,
            RobomimicReader.INSTANCE,
            RldsReader.INSTANCE,
            ImageSequenceReader.INSTANCE);

    private DatasetReaders() {}

    /** The registered readers, in detection order. */
    public static List<DatasetReader> all() {
        return READERS;
    }

    /** Reads the dataset described by {@code spec}; format {@code auto} detects it from the files. */
    public static DatasetScan scan(DatasetSpec spec, CameraRules rules) {
        String root = Locations.absolute(spec.path());
        DatasetFiles files = DatasetFiles.at(root);
        if (!files.rootExists()) {
            throw new PipelineException(DATASET_NOT_FOUND, "Dataset folder " + spec.path() + " does not exist");
        }
        String requested = spec.format().toLowerCase(Locale.ROOT);
        if (!requested.equals("auto")
                && DatasetFormat.fromId(requested).isEmpty()
                && READERS.stream().noneMatch(r -> r.family().equals(requested))) {
            throw new PipelineException(
                    DATASET_FORMAT_UNKNOWN,
                    "Unknown format '" + spec.format() + "' for dataset " + spec.path() + " (known: " + knownFormats()
                            + ")");
        }
        DatasetFormat detected = detect(files, spec.path());
        DatasetReader reader = reader(detected);
        if (!requested.equals("auto") && !requested.equals(reader.family()) && !requested.equals(detected.id())) {
            throw new PipelineException(
                    DATASET_FORMAT_UNKNOWN,
                    "Dataset " + spec.path() + " was declared as format '" + spec.format() + "' but its metadata says "
                            + detected.id());
        }
        String folder = folderName(root);
        DatasetId id = spec.explicitId()
                .map(DatasetId::new)
                .orElseGet(() -> DatasetId.fromFolderName(
                        reader.datasetName(files, folder).orElse(folder)));
        return reader.scan(id, files, spec.camera(), rules);
    }

    /** The reader of one episode's contents, for use inside tasks. */
    public static EpisodeReader episodeReader(DatasetFormat format) {
        return reader(format).episodes();
    }

    /** The reader of a format. */
    public static DatasetReader reader(DatasetFormat format) {
        for (DatasetReader reader : READERS) {
            if (reader.formats().contains(format)) {
                return reader;
            }
        }
        throw new IllegalArgumentException("No reader registered for " + format);
    }

    /** What {@code format:} accepts: {@code auto}, every family name and every format id. */
    public static String knownFormats() {
        List<String> names = new ArrayList<>();
        names.add("auto");
        for (DatasetReader reader : READERS) {
            if (!reader.formats().get(0).id().equals(reader.family())) {
                names.add(reader.family());
            }
            reader.formats().forEach(f -> names.add(f.id()));
        }
        return String.join(", ", names);
    }

    static DatasetFormat detect(DatasetFiles files, String displayPath) {
        for (DatasetReader reader : READERS) {
            Optional<DatasetFormat> format = reader.detect(files);
            if (format.isPresent()) {
                return format.get();
            }
        }
        throw new PipelineException(
                DATASET_FORMAT_UNKNOWN,
                "Cannot tell the format of " + displayPath
                        + ": it has none of meta/info.json (LeRobot), task_info/task_*.json (AgiBot World), *.hdf5 with"
                        + " data/demo_* (robomimic/LIBERO), *.tfrecord* shards (RLDS) or */episode.json (image"
                        + " sequence); known formats: " + knownFormats());
    }

    private static String folderName(String root) {
        String trimmed = root.endsWith("/") ? root.substring(0, root.length() - 1) : root;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }
}
