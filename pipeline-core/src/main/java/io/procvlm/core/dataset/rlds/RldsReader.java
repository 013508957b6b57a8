package io.procvlm.core.dataset.rlds;

import static io.procvlm.core.error.CoreErrorCode.DATASET_METADATA_INVALID;
import static io.procvlm.core.error.CoreErrorCode.EPISODE_NOT_TERMINATED;
import static io.procvlm.core.error.CoreErrorCode.RECORD_CHECKSUM_MISMATCH;
import static io.procvlm.core.error.CoreErrorCode.RECORD_INVALID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.CameraSelector;
import io.procvlm.core.dataset.DatasetReader;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.ReaderCapabilities;
import io.procvlm.core.dataset.ReaderSupport;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.CameraChoice;
import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.DataSlice;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.DatasetId;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.FrameColumns;
import io.procvlm.core.model.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * RLDS / Open X-Embodiment TFRecord shards ({@code *.tfrecord*} anywhere under the root, in path order), read without
 * TensorFlow: TFRecord framing with both CRC32Cs checked, {@code tf.train.Example} parsed with protobuf-java. Episodes
 * are runs of records ending at a step with {@code is_last} (tfds writes one record per episode; step-per-record files
 * work the same). Cameras are {@code steps/observation/<name>} PNG/JPEG bytes, state {@code steps/observation/state},
 * actions {@code steps/action} (a flat float vector, or the float parts of an action dictionary {@code
 * steps/action/<part>} concatenated in name order), task {@code steps/language_instruction}. RLDS does not record a
 * frame rate: {@value #DEFAULT_FPS} Hz is assumed, with a warning.
 */
public final class RldsReader implements DatasetReader {
    public static final RldsReader INSTANCE = new RldsReader();
    static final double DEFAULT_FPS = 10.0;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RldsReader() {}

    @Override
    public String family() {
        return DatasetFormat.RLDS.id();
    }

    @Override
    public List<DatasetFormat> formats() {
        return List.of(DatasetFormat.RLDS);
    }

    @Override
    public ReaderCapabilities capabilities() {
        return new ReaderCapabilities(true, true, false, false, true);
    }

    @Override
    public Optional<DatasetFormat> detect(DatasetFiles files) {
        return shards(files).isEmpty() ? Optional.empty() : Optional.of(DatasetFormat.RLDS);
    }

    @Override
    public EpisodeReader episodes() {
        return RldsEpisodeReader.INSTANCE;
    }

    static List<String> shards(DatasetFiles files) {
        return files.listFiles("", name -> name.contains(".tfrecord"));
    }

    /** An episode found while scanning. */
    private record Found(String file, long from, long to, int steps, String task, List<Problem> problems) {}

    /** How episodes lie in the records. */
    enum Layout {
        /** features.json declares a top-level {@code steps} Dataset feature: every record is one episode (tfds). */
        EPISODE_PER_RECORD,
        /** features.json declares the step features at the top level: records are steps, episodes end at is_last. */
        STEP_PER_RECORD,
        /** No features.json: each record says (several steps from is_first: an episode; one step: a step). */
        UNKNOWN
    }

    /**
     * The layout declared by the dataset's {@code features.json} (TFDS' serialized FeaturesDict, both the current
     * proto-JSON form {@code {"featuresDict": {"features": {"steps": {"pythonClassName":
     * "...dataset_feature.Dataset"}}}}} and the older {@code {"type": ..., "content": {"features": ...}}} form).
     */
    static Layout layout(DatasetFiles files, List<Problem> problems) {
        List<String> declared = files.listFiles("", name -> name.equals("features.json"));
        if (declared.isEmpty()) {
            return Layout.UNKNOWN;
        }
        String path = declared.get(0);
        try {
            JsonNode root = JSON.readTree(files.readAll(path, 16 * 1024 * 1024));
            JsonNode features = root.path("featuresDict").path("features");
            if (features.isMissingNode()) {
                features = root.path("content").path("features");
            }
            if (!features.isObject()) {
                problems.add(Problem.warning(
                        "METADATA_UNREADABLE", path + " has no top-level FeaturesDict; episodes are found by is_last"));
                return Layout.UNKNOWN;
            }
            JsonNode steps = features.path("steps");
            if (steps.isMissingNode()) {
                return Layout.STEP_PER_RECORD;
            }
            String type =
                    steps.path("pythonClassName").asText(steps.path("type").asText(""));
            return type.endsWith("Dataset") || steps.has("sequence")
                    ? Layout.EPISODE_PER_RECORD
                    : Layout.STEP_PER_RECORD;
        } catch (IOException | RuntimeException e) {
            problems.add(Problem.warning(
                    "METADATA_UNREADABLE",
                    "Cannot read " + path + " (" + e.getMessage() + "); episodes are found by is_last"));
            return Layout.UNKNOWN;
        }
    }

    /**
     * A TFDS dataset opened at its version folder ({@code <name>/1.0.0/}) is named by {@code dataset_info.json}'s
     * {@code name} instead of {@code 1.0.0}.
     */
    @Override
    public Optional<String> datasetName(DatasetFiles files, String folderName) {
        if (!folderName.matches("v?\\d+(\\.\\d+)*") || !files.exists("dataset_info.json")) {
            return Optional.empty();
        }
        try {
            String name = JSON.readTree(files.readAll("dataset_info.json", 16 * 1024 * 1024))
                    .path("name")
                    .asText("")
                    .strip();
            return name.isEmpty() ? Optional.empty() : Optional.of(name);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public DatasetScan scan(DatasetId id, DatasetFiles files, String explicitCamera, CameraRules rules) {
        List<String> shards = shards(files);
        List<Problem> datasetProblems = new ArrayList<>();
        Layout layout = layout(files, datasetProblems);
        List<Found> found = new ArrayList<>();
        Map<String, CameraStorage> cameras = new LinkedHashMap<>();
        String prefix = null;
        int stateWidth = -1;
        String actionKey = null;
        for (String shard : shards) {
            long start = -1;
            int steps = 0;
            String task = "";
            List<Problem> problems = new ArrayList<>();
            long lastOrdinal = -1;
            try (TfRecords records = new TfRecords(files.open(shard))) {
                while (true) {
                    TfRecords.Record record;
                    try {
                        record = records.next(false);
                    } catch (TfRecords.FramingException e) {
                        List<Problem> broken = start < 0 ? new ArrayList<>() : problems;
                        broken.add(Problem.error(
                                RECORD_CHECKSUM_MISMATCH.name(),
                                shard + " " + e.getMessage() + "; the rest of the file cannot be read"));
                        found.add(new Found(
                                shard,
                                start < 0 ? lastOrdinal + 1 : start,
                                lastOrdinal + 2,
                                start < 0 ? 0 : steps,
                                start < 0 ? "" : task,
                                broken));
                        break;
                    }
                    if (record == null) {
                        if (start >= 0) {
                            problems.add(Problem.error(
                                    RECORD_INVALID.name(),
                                    shard + " ends before the episode that starts at record " + start
                                            + " has is_last"));
                            found.add(new Found(shard, start, lastOrdinal + 1, steps, task, problems));
                        }
                        break;
                    }
                    lastOrdinal = record.ordinal();
                    Problem checksum = record.valid()
                            ? null
                            : Problem.error(RECORD_CHECKSUM_MISMATCH.name(), shard + " " + record.checksumProblem());
                    TfExample example;
                    try {
                        example = TfExample.parse(record.data());
                    } catch (IOException | RuntimeException e) {
                        if (start < 0) {
                            start = record.ordinal();
                            steps = 0;
                            task = "";
                            problems = new ArrayList<>();
                        }
                        if (checksum != null) {
                            problems.add(checksum);
                        }
                        problems.add(Problem.error(
                                RECORD_INVALID.name(),
                                shard + " record " + record.ordinal() + " is not a tf.train.Example: "
                                        + e.getMessage()));
                        found.add(new Found(shard, start, record.ordinal() + 1, steps, task, problems));
                        start = -1;
                        continue;
                    }
                    String examplePrefix = RldsSteps.prefix(example);
                    if (prefix == null
                            && !RldsSteps.cameras(example, examplePrefix).isEmpty()) {
                        prefix = examplePrefix;
                        RldsSteps.cameras(example, prefix).forEach(c -> cameras.put(c, CameraStorage.IMAGE_IN_RECORDS));
                        int count = RldsSteps.stepCount(example, prefix, null);
                        TfExample.Feature state = example.get(prefix + "observation/state");
                        if (state != null && state.floats() != null && count > 0) {
                            stateWidth = state.floats().length / count;
                        }
                        TfExample.Feature action = example.get(prefix + "action");
                        if (action != null && action.floats() != null) {
                            actionKey = "steps/action";
                        } else {
                            // an action dictionary (steps/action/world_vector, ...): its float parts, by name
                            List<String> parts = new ArrayList<>();
                            for (var feature : example.features().entrySet()) {
                                if (feature.getKey().startsWith(prefix + "action/")
                                        && feature.getValue().floats() != null) {
                                    parts.add("steps/" + feature.getKey().substring(prefix.length()));
                                }
                            }
                            parts.sort(null);
                            actionKey = parts.isEmpty() ? null : String.join("+", parts);
                        }
                    }
                    String camera = cameras.isEmpty()
                            ? null
                            : cameras.keySet().iterator().next();
                    int count = RldsSteps.stepCount(example, examplePrefix, camera);
                    // A record is a whole episode in the tfds layout (features.json: a top-level `steps` Dataset),
                    // or when it holds several steps from the first one; is_last then only says whether the episode
                    // was finished.
                    boolean whole = layout == Layout.EPISODE_PER_RECORD
                            || (layout == Layout.UNKNOWN && RldsSteps.holdsEpisode(example, examplePrefix, count));
                    if (start >= 0 && (whole || RldsSteps.startsEpisode(example, examplePrefix))) {
                        problems.add(Problem.warning(
                                EPISODE_NOT_TERMINATED.name(),
                                shard + " records " + start + " to " + (record.ordinal() - 1)
                                        + " end without is_last: record " + record.ordinal()
                                        + " starts the next episode (is_first); read as a truncated episode"));
                        found.add(new Found(shard, start, record.ordinal(), steps, task, problems));
                        start = -1;
                    }
                    if (start < 0) {
                        start = record.ordinal();
                        steps = 0;
                        task = "";
                        problems = new ArrayList<>();
                    }
                    if (checksum != null) {
                        problems.add(checksum);
                    }
                    steps += count;
                    if (task.isEmpty()) {
                        task = RldsSteps.instruction(example, examplePrefix);
                    }
                    if (RldsSteps.endsEpisode(example, examplePrefix)) {
                        found.add(new Found(shard, start, record.ordinal() + 1, steps, task, problems));
                        start = -1;
                    } else if (whole) {
                        problems.add(Problem.warning(
                                EPISODE_NOT_TERMINATED.name(),
                                shard + " record " + record.ordinal() + " holds a whole episode of " + count
                                        + " steps whose last step is not is_last (a truncated episode); read as it"
                                        + " is"));
                        found.add(new Found(shard, start, record.ordinal() + 1, steps, task, problems));
                        start = -1;
                    }
                }
            } catch (IOException e) {
                throw new PipelineException(
                        DATASET_METADATA_INVALID, "Cannot read " + shard + ": " + e.getMessage(), e);
            }
        }
        if (found.isEmpty()) {
            throw new PipelineException(DATASET_METADATA_INVALID, "Dataset " + id + " has no episode in " + shards);
        }
        CameraChoice camera = CameraSelector.choose(id, cameras, explicitCamera, rules);
        List<String> stateNames = new ArrayList<>();
        for (int d = 0; d < stateWidth; d++) {
            stateNames.add("state_" + d);
        }
        String stepPrefix = prefix == null ? "steps/" : prefix;
        FrameColumns columns =
                FrameColumns.of(stateWidth > 0 ? stepPrefix + "observation/state" : null, actionKey, stateNames);
        List<EpisodeRef> episodes = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            Found episode = found.get(i);
            episodes.add(new EpisodeRef(
                    id,
                    files.root(),
                    DatasetFormat.RLDS,
                    i,
                    episode.task().isEmpty() ? List.of() : List.of(episode.task()),
                    DEFAULT_FPS,
                    episode.steps(),
                    DataSlice.member(episode.file(), "records=" + episode.from() + "-" + episode.to()),
                    columns,
                    camera,
                    null,
                    episode.problems()));
        }
        List<String> metadata = new ArrayList<>(
                files.listFiles("", name -> name.equals("dataset_info.json") || name.equals("features.json")));
        datasetProblems.add(
                0, Problem.warning("FPS_ASSUMED", "RLDS records no frame rate; assuming " + DEFAULT_FPS + " Hz"));
        return new DatasetScan(
                id,
                files.root(),
                DatasetFormat.RLDS,
                DEFAULT_FPS,
                "",
                camera,
                datasetProblems,
                episodes,
                ReaderSupport.snapshot(files, metadata, shards));
    }
}
