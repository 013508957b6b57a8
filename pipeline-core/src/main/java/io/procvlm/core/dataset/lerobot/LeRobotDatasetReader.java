package io.procvlm.core.dataset.lerobot;

import static io.procvlm.core.error.CoreErrorCode.DATASET_METADATA_INVALID;
import static io.procvlm.core.error.CoreErrorCode.MISSING_VIDEO;
import static io.procvlm.core.error.CoreErrorCode.PATH_TEMPLATE_VARIABLE_ALIAS;
import static io.procvlm.core.error.CoreErrorCode.VIDEO_PATH_TEMPLATE_MISMATCH;
import static io.procvlm.core.error.CoreErrorCode.VIDEO_RANGE_INCLUSIVE;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.CameraSelector;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.io.GroupValues;
import io.procvlm.core.io.ParquetRecords;
import io.procvlm.core.model.CameraChoice;
import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.DataSlice;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.DatasetId;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.FrameColumns;
import io.procvlm.core.model.Problem;
import io.procvlm.core.model.VideoSegment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;

/**
 * Reads the metadata of a LeRobot dataset (v2.0, v2.1 or v3.0, from {@code meta/info.json}) into a {@link
 * DatasetScan}: one {@link EpisodeRef} per declared episode, with problems visible from metadata and file listings
 * (missing video, a {@code video_path} template that matches no file). It never reads frame data or decodes video.
 */
public final class LeRobotDatasetReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private LeRobotDatasetReader() {}

    public static DatasetScan scan(DatasetId id, DatasetFiles files, String explicitCamera, CameraRules rules) {
        requireNonNull(id, "id is null");
        LeRobotInfo info = readInfo(files);
        List<Problem> problems = new ArrayList<>();
        if (!info.unknownKeys().isEmpty()) {
            problems.add(Problem.warning(
                    "METADATA_UNKNOWN_KEYS",
                    "meta/info.json has keys this reader does not use (ignored): " + info.unknownKeys()));
        }
        Map<String, CameraStorage> cameras = new LinkedHashMap<>();
        for (LeRobotFeature camera : info.cameras()) {
            cameras.put(camera.key(), camera.isVideo() ? CameraStorage.VIDEO : CameraStorage.IMAGE_IN_PARQUET);
        }
        CameraChoice camera = CameraSelector.choose(id, cameras, explicitCamera, rules);
        if (camera.rule().equals("first-ego")) {
            problems.add(Problem.warning(
                    "CAMERA_EGO_ONLY",
                    "No third-person camera found; using egocentric camera " + camera.key() + " of "
                            + cameras.keySet()));
        }
        if (camera.storage() == CameraStorage.VIDEO && info.videoPath() == null) {
            throw new PipelineException(
                    DATASET_METADATA_INVALID,
                    "meta/info.json declares video feature " + camera.key() + " but has no 'video_path'");
        }
        FrameColumns columns = frameColumns(info);
        Aliases aliases = aliases(info, camera, problems);
        List<RawEpisode> rawEpisodes = info.format() == DatasetFormat.LEROBOT_V3_0
                ? readEpisodesV3(files, info, camera, aliases, problems)
                : readEpisodesV2(files, info, aliases, problems);
        List<EpisodeRef> episodes = resolve(id, files, info, camera, columns, aliases, rawEpisodes);
        return new DatasetScan(
                id,
                files.root(),
                info.format(),
                info.fps(),
                info.robotType(),
                camera,
                problems,
                episodes,
                snapshot(files));
    }

    public static LeRobotInfo readInfo(DatasetFiles files) {
        try {
            return LeRobotInfo.parse(files.readAll(LeRobotInfo.INFO_PATH, 16 * 1024 * 1024), LeRobotInfo.INFO_PATH);
        } catch (IOException e) {
            throw new PipelineException(
                    DATASET_METADATA_INVALID, "Cannot read " + LeRobotInfo.INFO_PATH + ": " + e.getMessage(), e);
        }
    }

    /**
     * Path template variables read under the other LeRobot version's name. Real v2.1 datasets write v3.0's
     * {@code {chunk_index}} in {@code data_path}/{@code video_path} where v2.x means the episode's chunk ({@code
     * {episode_chunk}}); a v3.0 template addressing files by {@code {file_index}} with v2.x's {@code {episode_chunk}}
     * means the file's chunk ({@code {chunk_index}}). Each alias is a dataset warning {@code
     * PATH_TEMPLATE_VARIABLE_ALIAS}.
     *
     * @param chunkIndexIsEpisodeChunk v2.x: {@code chunk_index} renders the episode's chunk
     * @param episodeChunkIsChunkIndex v3.0: {@code episode_chunk} renders the file's {@code chunk_index}
     */
    record Aliases(boolean chunkIndexIsEpisodeChunk, boolean episodeChunkIsChunkIndex) {}

    static Aliases aliases(LeRobotInfo info, CameraChoice camera, List<Problem> problems) {
        Map<String, String> templates = new LinkedHashMap<>();
        templates.put("data_path", info.dataPath());
        if (camera.storage() == CameraStorage.VIDEO && info.videoPath() != null) {
            templates.put("video_path", info.videoPath());
        }
        boolean v3 = info.format() == DatasetFormat.LEROBOT_V3_0;
        boolean chunkIndex = false;
        boolean episodeChunk = false;
        for (Map.Entry<String, String> template : templates.entrySet()) {
            Set<String> names = PythonFormat.names(template.getValue());
            if (!v3 && names.contains("chunk_index") && !names.contains("file_index")) {
                chunkIndex = true;
                problems.add(Problem.warning(
                        PATH_TEMPLATE_VARIABLE_ALIAS.name(),
                        "meta/info.json '" + template.getKey() + "' '" + template.getValue() + "' uses {chunk_index}"
                                + " (LeRobot v3.0's name) in a " + info.format().id()
                                + " dataset; read as {episode_chunk}, the episode's chunk"));
            }
            if (v3
                    && names.contains("episode_chunk")
                    && names.contains("file_index")
                    && !names.contains("chunk_index")
                    && !names.contains("episode_index")) {
                episodeChunk = true;
                problems.add(Problem.warning(
                        PATH_TEMPLATE_VARIABLE_ALIAS.name(),
                        "meta/info.json '" + template.getKey() + "' '" + template.getValue() + "' uses"
                                + " {episode_chunk} (LeRobot v2.x's name) with {file_index} in a v3.0 dataset; read"
                                + " as {chunk_index}, the file's chunk"));
            }
        }
        return new Aliases(chunkIndex, episodeChunk);
    }

    /** The v2.x template values of an episode (and, with the alias, {@code chunk_index} = its chunk). */
    private static Map<String, Object> v2Values(long index, LeRobotInfo info, Aliases aliases, String cameraKey) {
        Map<String, Object> values = new HashMap<>();
        long chunk = index / info.chunksSize();
        values.put("episode_chunk", chunk);
        values.put("episode_index", index);
        if (cameraKey != null) {
            values.put("video_key", cameraKey);
        }
        if (aliases.chunkIndexIsEpisodeChunk()) {
            values.put("chunk_index", chunk);
        }
        return values;
    }

    static FrameColumns frameColumns(LeRobotInfo info) {
        String stateKey = pickVectorKey(info, "observation.state");
        String actionKey = pickVectorKey(info, "action");
        List<String> names =
                stateKey == null ? List.of() : info.features().get(stateKey).names();
        return FrameColumns.of(stateKey, actionKey, names);
    }

    private static String pickVectorKey(LeRobotInfo info, String preferred) {
        LeRobotFeature exact = info.features().get(preferred);
        if (exact != null && isNumeric(exact)) {
            return preferred;
        }
        for (LeRobotFeature feature : info.features().values()) {
            if (feature.key().startsWith(preferred) && isNumeric(feature)) {
                return feature.key();
            }
        }
        return null;
    }

    private static boolean isNumeric(LeRobotFeature feature) {
        return feature.dtype().startsWith("float") || feature.dtype().startsWith("int");
    }

    /** One episode as the metadata declares it, before files are resolved. */
    private record RawEpisode(
            long index,
            List<String> tasks,
            long length,
            String dataPath,
            long fromIndex,
            long toIndex,
            String videoPath,
            double fromTimestamp,
            double toTimestamp) {}

    private static List<RawEpisode> readEpisodesV2(
            DatasetFiles files, LeRobotInfo info, Aliases aliases, List<Problem> problems) {
        Map<Long, String> tasksByIndex = readTasksJsonl(files, problems);
        String episodesPath = "meta/episodes.jsonl";
        if (!files.exists(episodesPath)) {
            throw new PipelineException(DATASET_METADATA_INVALID, "Dataset has no " + episodesPath);
        }
        Map<Long, RawEpisode> episodes = new TreeMap<>();
        int lineNumber = 0;
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(files.open(episodesPath), StandardCharsets.UTF_8))) {
            for (String line; (line = reader.readLine()) != null; ) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node;
                try {
                    node = JSON.readTree(line);
                } catch (IOException e) {
                    problems.add(Problem.warning(
                            "METADATA_LINE_INVALID",
                            episodesPath + " line " + lineNumber + " is not valid JSON (skipped): "
                                    + abbreviate(line)));
                    continue;
                }
                JsonNode indexNode = node.get("episode_index");
                if (indexNode == null || !indexNode.canConvertToLong() || indexNode.asLong() < 0) {
                    problems.add(Problem.warning(
                            "METADATA_LINE_INVALID",
                            episodesPath + " line " + lineNumber + " has no valid episode_index (skipped)"));
                    continue;
                }
                long index = indexNode.asLong();
                List<String> tasks = new ArrayList<>();
                JsonNode tasksNode = node.get("tasks");
                if (tasksNode != null && tasksNode.isArray()) {
                    tasksNode.forEach(task -> tasks.add(task.asText()));
                } else if (node.has("task_index")
                        && tasksByIndex.containsKey(node.get("task_index").asLong())) {
                    tasks.add(tasksByIndex.get(node.get("task_index").asLong()));
                }
                long length = node.path("length").asLong(-1);
                String dataPath = render(info.dataPath(), v2Values(index, info, aliases, null), "data_path");
                if (episodes.containsKey(index)) {
                    problems.add(Problem.warning(
                            "METADATA_DUPLICATE_EPISODE",
                            episodesPath + " line " + lineNumber + " repeats episode " + index + " (skipped)"));
                    continue;
                }
                episodes.put(index, new RawEpisode(index, tasks, length, dataPath, -1, -1, null, 0.0, Double.NaN));
            }
        } catch (IOException e) {
            throw new PipelineException(
                    DATASET_METADATA_INVALID, "Cannot read " + episodesPath + ": " + e.getMessage(), e);
        }
        return new ArrayList<>(episodes.values());
    }

    /** Task tables read inside tasks, per dataset root (a few datasets per run; bounded anyway). */
    private static final Map<String, Map<Long, String>> TASK_TEXTS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The dataset's task table ({@code meta/tasks.parquet}, else {@code meta/tasks.jsonl}): task index to text. Read
     * once per dataset root and JVM; invalid lines are left out.
     */
    public static Map<Long, String> taskTexts(DatasetFiles files) {
        Map<Long, String> cached = TASK_TEXTS.get(files.root());
        if (cached != null) {
            return cached;
        }
        List<Problem> ignored = new ArrayList<>();
        Map<Long, String> texts = Map.copyOf(
                files.exists("meta/tasks.parquet") ? readTasksParquet(files, ignored) : readTasksJsonl(files, ignored));
        if (TASK_TEXTS.size() > 64) {
            TASK_TEXTS.clear();
        }
        TASK_TEXTS.put(files.root(), texts);
        return texts;
    }

    private static Map<Long, String> readTasksJsonl(DatasetFiles files, List<Problem> problems) {
        Map<Long, String> tasks = new HashMap<>();
        String path = "meta/tasks.jsonl";
        if (!files.exists(path)) {
            return tasks;
        }
        try (BufferedReader reader =
                new BufferedReader(new InputStreamReader(files.open(path), StandardCharsets.UTF_8))) {
            int lineNumber = 0;
            for (String line; (line = reader.readLine()) != null; ) {
                lineNumber++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    JsonNode node = JSON.readTree(line);
                    tasks.put(node.get("task_index").asLong(), node.get("task").asText());
                } catch (IOException | NullPointerException e) {
                    problems.add(Problem.warning(
                            "METADATA_LINE_INVALID", path + " line " + lineNumber + " is not a valid task (skipped)"));
                }
            }
        } catch (IOException e) {
            throw new PipelineException(DATASET_METADATA_INVALID, "Cannot read " + path + ": " + e.getMessage(), e);
        }
        return tasks;
    }

    private static List<RawEpisode> readEpisodesV3(
            DatasetFiles files, LeRobotInfo info, CameraChoice camera, Aliases aliases, List<Problem> problems) {
        List<String> metaFiles = files.listFiles("meta/episodes", name -> name.endsWith(".parquet"));
        if (metaFiles.isEmpty()) {
            throw new PipelineException(
                    DATASET_METADATA_INVALID, "Dataset has no meta/episodes/chunk-*/file-*.parquet files");
        }
        Map<Long, String> taskTexts = readTasksParquet(files, problems);
        String videoPrefix = "videos/" + camera.key() + "/";
        Set<String> wanted = new HashSet<>(List.of(
                "episode_index",
                "tasks",
                "length",
                "data/chunk_index",
                "data/file_index",
                "dataset_from_index",
                "dataset_to_index",
                "task_index",
                videoPrefix + "chunk_index",
                videoPrefix + "file_index",
                videoPrefix + "from_timestamp",
                videoPrefix + "to_timestamp"));
        Map<Long, RawEpisode> episodes = new TreeMap<>();
        for (String metaFile : metaFiles) {
            try {
                MessageType schema = ParquetRecords.schema(files.path(metaFile));
                for (String required : List.of("episode_index", "data/chunk_index", "data/file_index")) {
                    if (!schema.containsField(required)) {
                        throw new PipelineException(
                                DATASET_METADATA_INVALID, metaFile + " has no column '" + required + "'");
                    }
                }
                boolean hasVideo = camera.storage() == CameraStorage.VIDEO;
                if (hasVideo && !schema.containsField(videoPrefix + "from_timestamp")) {
                    throw new PipelineException(
                            DATASET_METADATA_INVALID,
                            metaFile + " has no column '" + videoPrefix + "from_timestamp' for camera " + camera.key());
                }
                try (ParquetRecords records = ParquetRecords.open(files.path(metaFile), schema, wanted, null, 0)) {
                    for (Group row; (row = records.next()) != null; ) {
                        long index = GroupValues.integer(row, "episode_index");
                        List<String> tasks = new ArrayList<>();
                        if (GroupValues.isPresent(row, "tasks")) {
                            tasks.addAll(GroupValues.strings(row, "tasks"));
                        } else if (GroupValues.isPresent(row, "task_index")) {
                            String text = taskTexts.get(GroupValues.integer(row, "task_index"));
                            if (text != null) {
                                tasks.add(text);
                            }
                        }
                        long length = GroupValues.isPresent(row, "length") ? GroupValues.integer(row, "length") : -1;
                        long dataChunk = GroupValues.integer(row, "data/chunk_index");
                        Map<String, Object> dataValues = Map.of(
                                "chunk_index",
                                dataChunk,
                                "file_index",
                                GroupValues.integer(row, "data/file_index"),
                                "episode_index",
                                index,
                                "episode_chunk",
                                aliases.episodeChunkIsChunkIndex() ? dataChunk : index / info.chunksSize());
                        String dataPath = render(info.dataPath(), dataValues, "data_path");
                        long from = GroupValues.isPresent(row, "dataset_from_index")
                                ? GroupValues.integer(row, "dataset_from_index")
                                : -1;
                        long to = GroupValues.isPresent(row, "dataset_to_index")
                                ? GroupValues.integer(row, "dataset_to_index")
                                : -1;
                        if (from < 0 || to < from) {
                            from = -1;
                            to = -1;
                        }
                        String videoPath = null;
                        double fromTimestamp = 0;
                        double toTimestamp = Double.NaN;
                        if (hasVideo) {
                            long videoChunk = GroupValues.integer(row, videoPrefix + "chunk_index");
                            Map<String, Object> videoValues = Map.of(
                                    "video_key",
                                    camera.key(),
                                    "chunk_index",
                                    videoChunk,
                                    "file_index",
                                    GroupValues.integer(row, videoPrefix + "file_index"),
                                    "episode_index",
                                    index,
                                    "episode_chunk",
                                    aliases.episodeChunkIsChunkIndex() ? videoChunk : index / info.chunksSize());
                            videoPath = render(info.videoPath(), videoValues, "video_path");
                            fromTimestamp = GroupValues.number(row, videoPrefix + "from_timestamp");
                            toTimestamp = GroupValues.number(row, videoPrefix + "to_timestamp");
                        }
                        if (episodes.containsKey(index)) {
                            problems.add(Problem.warning(
                                    "METADATA_DUPLICATE_EPISODE",
                                    metaFile + " repeats episode " + index + " (skipped)"));
                            continue;
                        }
                        episodes.put(
                                index,
                                new RawEpisode(
                                        index,
                                        tasks,
                                        length,
                                        dataPath,
                                        from,
                                        to,
                                        videoPath,
                                        fromTimestamp,
                                        toTimestamp));
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (e instanceof PipelineException pipelineException) {
                    throw pipelineException;
                }
                throw new PipelineException(
                        DATASET_METADATA_INVALID, "Cannot read " + metaFile + ": " + e.getMessage(), e);
            }
        }
        return new ArrayList<>(episodes.values());
    }

    private static Map<Long, String> readTasksParquet(DatasetFiles files, List<Problem> problems) {
        Map<Long, String> tasks = new HashMap<>();
        String path = "meta/tasks.parquet";
        if (!files.exists(path)) {
            return tasks;
        }
        try {
            MessageType schema = ParquetRecords.schema(files.path(path));
            String textColumn = schema.containsField("task") ? "task" : "__index_level_0__";
            if (!schema.containsField(textColumn) || !schema.containsField("task_index")) {
                problems.add(Problem.warning("METADATA_TASKS_INVALID", path + " has no task/task_index columns"));
                return tasks;
            }
            try (ParquetRecords records =
                    ParquetRecords.open(files.path(path), schema, Set.of(textColumn, "task_index"), null, 0)) {
                for (Group row; (row = records.next()) != null; ) {
                    tasks.put(GroupValues.integer(row, "task_index"), GroupValues.string(row, textColumn));
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(Problem.warning("METADATA_TASKS_INVALID", "Cannot read " + path + ": " + e.getMessage()));
        }
        return tasks;
    }

    private static List<EpisodeRef> resolve(
            DatasetId id,
            DatasetFiles files,
            LeRobotInfo info,
            CameraChoice camera,
            FrameColumns columns,
            Aliases aliases,
            List<RawEpisode> rawEpisodes) {
        LeRobotFeature cameraFeature = info.features().get(camera.key());
        boolean video = camera.storage() == CameraStorage.VIDEO;
        Set<String> videoFiles = new HashSet<>();
        Map<String, List<String>> videoFilesByName = new HashMap<>();
        if (video) {
            for (String file : files.listFiles("videos", name -> true)) {
                videoFiles.add(file);
                videoFilesByName
                        .computeIfAbsent(file.substring(file.lastIndexOf('/') + 1), k -> new ArrayList<>())
                        .add(file);
            }
        }
        List<EpisodeRef> episodes = new ArrayList<>();
        int templateMatches = 0;
        String cameraFileExample = null;
        for (String file : videoFiles) {
            if (file.contains("/" + camera.key() + "/")
                    && (cameraFileExample == null || file.compareTo(cameraFileExample) < 0)) {
                cameraFileExample = file;
            }
        }
        List<Integer> missing = new ArrayList<>();
        for (RawEpisode raw : rawEpisodes) {
            List<Problem> problems = new ArrayList<>();
            VideoSegment segment = null;
            if (video) {
                String expected = raw.videoPath() != null
                        ? raw.videoPath()
                        : render(info.videoPath(), v2Values(raw.index(), info, aliases, camera.key()), "video_path");
                String actual = expected;
                if (videoFiles.contains(expected)) {
                    templateMatches++;
                } else {
                    String alternative = alternative(expected, camera.key(), videoFilesByName);
                    if (alternative != null) {
                        actual = alternative;
                        problems.add(Problem.warning(
                                VIDEO_PATH_TEMPLATE_MISMATCH.name(),
                                "video_path template gives " + expected + ", which does not exist; using "
                                        + alternative));
                    } else {
                        missing.add(episodes.size());
                    }
                }
                double toTimestamp = raw.toTimestamp();
                if (inclusiveEnd(raw, info.fps())) {
                    toTimestamp = raw.toTimestamp() + 1.0 / info.fps();
                    problems.add(Problem.warning(
                            VIDEO_RANGE_INCLUSIVE.name(),
                            String.format(
                                    java.util.Locale.ROOT,
                                    "%s from_timestamp %.4f to_timestamp %.4f spans %d frame periods at %s fps for %d"
                                            + " rows: to_timestamp is the last frame's time (inclusive); read up to"
                                            + " %.4f",
                                    camera.key(),
                                    raw.fromTimestamp(),
                                    raw.toTimestamp(),
                                    Math.round((raw.toTimestamp() - raw.fromTimestamp()) * info.fps()),
                                    info.fps(),
                                    declaredRows(raw),
                                    toTimestamp)));
                }
                segment = new VideoSegment(
                        actual,
                        raw.fromTimestamp(),
                        toTimestamp,
                        cameraFeature.videoCodec(),
                        cameraFeature.width(),
                        cameraFeature.height());
            }
            DataSlice data = raw.fromIndex() < 0
                    ? DataSlice.wholeFile(raw.dataPath())
                    : new DataSlice(raw.dataPath(), raw.fromIndex(), raw.toIndex());
            episodes.add(new EpisodeRef(
                    id,
                    files.root(),
                    info.format(),
                    raw.index(),
                    raw.tasks(),
                    info.fps(),
                    raw.length(),
                    data,
                    columns,
                    camera,
                    segment,
                    problems));
        }
        // Missing videos: if no episode matches the template while the camera has files, the template is wrong.
        boolean templateBroken = templateMatches == 0 && cameraFileExample != null;
        for (int position : missing) {
            EpisodeRef ref = episodes.get(position);
            List<Problem> problems = new ArrayList<>(ref.problems());
            String expected = ref.video().path();
            if (templateBroken) {
                problems.add(Problem.error(
                        VIDEO_PATH_TEMPLATE_MISMATCH.name(),
                        "video_path template '" + info.videoPath() + "' gives " + expected
                                + ", but no video file of camera " + camera.key()
                                + " matches the template (found e.g. " + cameraFileExample + ")"));
            } else {
                problems.add(Problem.error(MISSING_VIDEO.name(), "video file " + expected + " does not exist"));
            }
            episodes.set(position, ref.withProblems(problems));
        }
        return episodes;
    }

    /**
     * Whether the episode's {@code to_timestamp} is its last frame's time rather than one frame past it (LeRobot's
     * exclusive end): the range spans one frame period fewer than the rows the metadata declares ({@code length}, else
     * {@code dataset_to_index - dataset_from_index}), within half a frame period. Read as exclusive, the last row would
     * get no frame. Extending such an end by one frame period never reaches the next episode's first frame, which
     * starts one frame period after this episode's last.
     */
    static boolean inclusiveEnd(RawEpisode raw, double fps) {
        long rows = declaredRows(raw);
        if (Double.isNaN(raw.toTimestamp()) || rows < 2 || !(fps > 0)) {
            return false;
        }
        double span = (raw.toTimestamp() - raw.fromTimestamp()) * fps;
        return Math.abs(span - (rows - 1)) < 0.5;
    }

    private static long declaredRows(RawEpisode raw) {
        if (raw.length() >= 0) {
            return raw.length();
        }
        return raw.fromIndex() >= 0 ? raw.toIndex() - raw.fromIndex() : -1;
    }

    /** Finds the episode's file under another layout: same file name, in a folder named after the camera. */
    private static String alternative(String expected, String cameraKey, Map<String, List<String>> filesByName) {
        String name = expected.substring(expected.lastIndexOf('/') + 1);
        List<String> candidates = filesByName.getOrDefault(name, List.of());
        String found = null;
        for (String candidate : candidates) {
            if (candidate.contains("/" + cameraKey + "/")) {
                if (found != null) {
                    return null; // ambiguous
                }
                found = candidate;
            }
        }
        return found;
    }

    private static String render(String template, Map<String, Object> values, String key) {
        try {
            return PythonFormat.render(template, values);
        } catch (IllegalArgumentException e) {
            throw new PipelineException(
                    DATASET_METADATA_INVALID, "meta/info.json '" + key + "' cannot be used: " + e.getMessage(), e);
        }
    }

    /** The dataset's snapshot identity: SHA-256 over the contents of every file under {@code meta/}. */
    static String snapshot(DatasetFiles files) {
        MessageDigest digest = Fingerprints.sha256();
        for (String file : files.listFiles("meta", name -> true)) {
            digest.update(file.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            try (java.io.InputStream in = files.open(file)) {
                digest.update(Fingerprints.ofStream(in).getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                throw new PipelineException(DATASET_METADATA_INVALID, "Cannot read " + file + ": " + e.getMessage(), e);
            }
        }
        return Fingerprints.hex(digest);
    }

    private static String abbreviate(String line) {
        String trimmed = line.strip();
        return trimmed.length() <= 80 ? trimmed : trimmed.substring(0, 77) + "...";
    }
}
