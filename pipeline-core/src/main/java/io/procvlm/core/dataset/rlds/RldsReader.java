package io.procvlm.core.dataset.rlds;

import static io.procvlm.core.error.CoreErrorCode.DATASET_METADATA_INVALID;
import static io.procvlm.core.error.CoreErrorCode.RECORD_CHECKSUM_MISMATCH;
import static io.procvlm.core.error.CoreErrorCode.RECORD_INVALID;

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

    @Override
    public DatasetScan scan(DatasetId id, DatasetFiles files, String explicitCamera, CameraRules rules) {
        List<String> shards = shards(files);
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
                    if (start < 0) {
                        start = record.ordinal();
                        steps = 0;
                        task = "";
                        problems = new ArrayList<>();
                    }
                    if (!record.valid()) {
                        problems.add(
                                Problem.error(RECORD_CHECKSUM_MISMATCH.name(), shard + " " + record.checksumProblem()));
                    }
                    TfExample example;
                    try {
                        example = TfExample.parse(record.data());
                    } catch (IOException | RuntimeException e) {
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
                    steps += RldsSteps.stepCount(example, examplePrefix, camera);
                    if (task.isEmpty()) {
                        task = RldsSteps.instruction(example, examplePrefix);
                    }
                    if (RldsSteps.endsEpisode(example, examplePrefix)) {
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
        return new DatasetScan(
                id,
                files.root(),
                DatasetFormat.RLDS,
                DEFAULT_FPS,
                "",
                camera,
                List.of(Problem.warning("FPS_ASSUMED", "RLDS records no frame rate; assuming " + DEFAULT_FPS + " Hz")),
                episodes,
                ReaderSupport.snapshot(files, metadata, shards));
    }
}
