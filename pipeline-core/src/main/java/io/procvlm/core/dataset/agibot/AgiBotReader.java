package io.procvlm.core.dataset.agibot;

import static io.procvlm.core.error.CoreErrorCode.DATASET_METADATA_INVALID;
import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_MISSING;
import static io.procvlm.core.error.CoreErrorCode.MISSING_VIDEO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.CameraSelector;
import io.procvlm.core.dataset.DatasetReader;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.ReaderCapabilities;
import io.procvlm.core.dataset.ReaderSupport;
import io.procvlm.core.dataset.hdf5.Hdf5Values;
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
import io.procvlm.core.model.VideoSegment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * AgiBot World's native layout: {@code task_info/task_<task>.json} (a list of episodes: {@code episode_id}, {@code
 * task_name}, {@code label_info.action_config} subtask spans), {@code observations/<task>/<episode>/videos/*.mp4} (one
 * file per camera; {@code head_color} is listed first so it is the exo view unless configured otherwise) and {@code
 * proprio_stats/<task>/<episode>/proprio_stats.h5} (state and action arrays, {@code timestamp} in nanoseconds). The
 * episode index is the {@code episode_id}.
 */
public final class AgiBotReader implements DatasetReader {
    public static final AgiBotReader INSTANCE = new AgiBotReader();
    public static final String HEAD_CAMERA = "head_color";
    /** AgiBot World records at 30 Hz; used when the first episode has no usable {@code timestamp}. */
    static final double DEFAULT_FPS = 30.0;
    /** How many episodes' proprio files the scan opens, at most, to learn the state layout and rate. */
    static final int LAYOUT_TRIES = 8;

    static final List<String> STATE_PARTS = List.of("state/joint/position", "state/effector/position");
    static final List<String> ACTION_PARTS = List.of("action/joint/position", "action/effector/position");
    static final ObjectMapper JSON = new ObjectMapper();

    private AgiBotReader() {}

    @Override
    public String family() {
        return DatasetFormat.AGIBOT_WORLD.id();
    }

    @Override
    public List<DatasetFormat> formats() {
        return List.of(DatasetFormat.AGIBOT_WORLD);
    }

    @Override
    public ReaderCapabilities capabilities() {
        return new ReaderCapabilities(true, true, true, true, true);
    }

    @Override
    public Optional<DatasetFormat> detect(DatasetFiles files) {
        return taskFiles(files).isEmpty() ? Optional.empty() : Optional.of(DatasetFormat.AGIBOT_WORLD);
    }

    @Override
    public EpisodeReader episodes() {
        return AgiBotEpisodeReader.INSTANCE;
    }

    static List<String> taskFiles(DatasetFiles files) {
        List<String> found = new ArrayList<>(
                files.listFiles("task_info", name -> name.startsWith("task_") && name.endsWith(".json")));
        found.removeIf(f -> f.lastIndexOf('/') != "task_info".length());
        return found;
    }

    static String taskId(String taskFile) {
        String name = taskFile.substring(taskFile.lastIndexOf('/') + 1);
        return name.substring("task_".length(), name.length() - ".json".length());
    }

    static String h5Path(String task, long episode) {
        return "proprio_stats/" + task + "/" + episode + "/proprio_stats.h5";
    }

    static String videoFolder(String task, long episode) {
        return "observations/" + task + "/" + episode + "/videos";
    }

    /** One episode as task_info declares it. */
    private record Raw(String task, long episode, String text) {}

    @Override
    public DatasetScan scan(DatasetId id, DatasetFiles files, String explicitCamera, CameraRules rules) {
        List<String> taskFiles = taskFiles(files);
        List<Problem> problems = new ArrayList<>();
        Map<Long, Raw> raws = new TreeMap<>();
        for (String taskFile : taskFiles) {
            String task = taskId(taskFile);
            JsonNode root;
            try {
                root = JSON.readTree(files.readAll(taskFile, 256 * 1024 * 1024));
            } catch (IOException e) {
                throw new PipelineException(
                        DATASET_METADATA_INVALID, "Cannot read " + taskFile + ": " + e.getMessage(), e);
            }
            if (!root.isArray()) {
                throw new PipelineException(DATASET_METADATA_INVALID, taskFile + " is not a JSON list of episodes");
            }
            for (JsonNode episode : root) {
                JsonNode idNode = episode.get("episode_id");
                if (idNode == null || !idNode.canConvertToLong() || idNode.asLong() < 0) {
                    problems.add(Problem.warning(
                            "METADATA_LINE_INVALID",
                            taskFile + " has an episode without a valid episode_id (skipped)"));
                    continue;
                }
                long episodeId = idNode.asLong();
                if (raws.containsKey(episodeId)) {
                    problems.add(Problem.warning(
                            "METADATA_DUPLICATE_EPISODE", taskFile + " repeats episode " + episodeId + " (skipped)"));
                    continue;
                }
                String text = episode.path("task_name").asText("").strip();
                raws.put(episodeId, new Raw(task, episodeId, text));
            }
        }
        if (raws.isEmpty()) {
            throw new PipelineException(
                    DATASET_METADATA_INVALID, "Dataset " + id + " declares no episode in task_info/");
        }
        // cameras: the video files of the first episode that has any, head_color first
        Map<String, CameraStorage> cameras = new LinkedHashMap<>();
        for (Raw raw : raws.values()) {
            List<String> videos = files.listFiles(videoFolder(raw.task(), raw.episode()), n -> n.endsWith(".mp4"));
            if (videos.isEmpty()) {
                continue;
            }
            List<String> names = new ArrayList<>();
            for (String video : videos) {
                String name = video.substring(video.lastIndexOf('/') + 1);
                names.add(name.substring(0, name.length() - ".mp4".length()));
            }
            names.sort(
                    Comparator.comparing((String n) -> !n.equals(HEAD_CAMERA)).thenComparing(n -> n));
            names.forEach(n -> cameras.put(n, CameraStorage.VIDEO));
            break;
        }
        CameraChoice camera = CameraSelector.choose(id, cameras, explicitCamera, rules);
        // The state layout and rate: from the first episode whose proprio file reads, in episode order (a damaged or
        // missing file of one episode must not give every other episode the default rate and no state). At most
        // LAYOUT_TRIES files are opened.
        double fps = DEFAULT_FPS;
        FrameColumns columns = FrameColumns.none();
        int tries = 0;
        for (Raw raw : raws.values()) {
            String h5 = h5Path(raw.task(), raw.episode());
            if (tries >= LAYOUT_TRIES) {
                break;
            }
            if (!files.exists(h5)) {
                continue;
            }
            tries++;
            try (HdfFile hdf = new HdfFile(files.localFile(h5).toPath())) {
                fps = fps(hdf).orElse(DEFAULT_FPS);
                columns = columns(hdf);
                break;
            } catch (RuntimeException e) {
                problems.add(Problem.warning(
                        "METADATA_UNREADABLE",
                        "Cannot read " + h5 + " to learn the state layout and rate: " + e.getMessage()));
            }
        }
        List<EpisodeRef> episodes = new ArrayList<>();
        List<String> h5Files = new ArrayList<>();
        for (Raw raw : raws.values()) {
            List<Problem> episodeProblems = new ArrayList<>();
            String h5 = h5Path(raw.task(), raw.episode());
            String video = videoFolder(raw.task(), raw.episode()) + "/" + camera.key() + ".mp4";
            if (!files.exists(h5)) {
                episodeProblems.add(Problem.error(DATA_FILE_MISSING.name(), "proprio file " + h5 + " does not exist"));
            } else {
                h5Files.add(h5);
            }
            if (!files.exists(video)) {
                episodeProblems.add(Problem.error(MISSING_VIDEO.name(), "video file " + video + " does not exist"));
            }
            episodes.add(new EpisodeRef(
                    id,
                    files.root(),
                    DatasetFormat.AGIBOT_WORLD,
                    raw.episode(),
                    raw.text().isEmpty() ? List.of() : List.of(raw.text()),
                    fps,
                    -1,
                    DataSlice.wholeFile(h5),
                    columns,
                    camera,
                    new VideoSegment(video, 0.0, Double.NaN, null, 0, 0),
                    episodeProblems));
        }
        return new DatasetScan(
                id,
                files.root(),
                DatasetFormat.AGIBOT_WORLD,
                fps,
                "agibot-g1",
                camera,
                problems,
                episodes,
                ReaderSupport.snapshot(files, taskFiles, List.of()));
    }

    /** The rate from the median step of {@code timestamp} (nanoseconds), when it has at least two entries. */
    static Optional<Double> fps(HdfFile hdf) {
        if (!(hdf.getChild("timestamp") instanceof Dataset timestamps)) {
            return Optional.empty();
        }
        double[] values = Hdf5Values.doubles(timestamps.getData());
        if (values.length < 2) {
            return Optional.empty();
        }
        double[] steps = new double[values.length - 1];
        for (int i = 1; i < values.length; i++) {
            steps[i - 1] = values[i] - values[i - 1];
        }
        java.util.Arrays.sort(steps);
        double step = steps[steps.length / 2] / 1e9;
        if (!(step > 0)) {
            return Optional.empty();
        }
        return Optional.of(Math.round(1000.0 / step) / 1000.0);
    }

    static FrameColumns columns(HdfFile hdf) {
        List<String> stateParts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String part : STATE_PARTS) {
            if (exists(hdf, part)) {
                Dataset dataset = (Dataset) hdf.getByPath(part);
                stateParts.add(part);
                int[] dims = dataset.getDimensions();
                int width = dims.length > 1 ? dims[1] : 1;
                String prefix = part.equals("state/effector/position") ? "gripper_effector_" : "joint_";
                for (int d = 0; d < width; d++) {
                    names.add(prefix + d);
                }
            }
        }
        List<String> actionParts = new ArrayList<>();
        for (String part : ACTION_PARTS) {
            if (exists(hdf, part)) {
                actionParts.add(part);
            }
        }
        return FrameColumns.of(
                stateParts.isEmpty() ? null : String.join("+", stateParts),
                actionParts.isEmpty() ? null : String.join("+", actionParts),
                stateParts.isEmpty() ? List.of() : names);
    }

    private static boolean exists(HdfFile hdf, String path) {
        try {
            return hdf.getByPath(path) instanceof Dataset;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
