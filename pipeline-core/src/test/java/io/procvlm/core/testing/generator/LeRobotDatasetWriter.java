package io.procvlm.core.testing.generator;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Writes a synthetic pick-and-place dataset in LeRobot v2.0, v2.1 or v3.0 layout, with video (one mp4 per episode,
 * or several episodes per mp4 in v3.0) or JPEG images inside the parquet files, proprioception matching the scene
 * (end-effector position and gripper opening), and the true phases in {@code ground_truth/phases.jsonl}.
 */
public final class LeRobotDatasetWriter {
    public static final String EXO_CAMERA = "observation.images.front";
    public static final String WRIST_CAMERA = "observation.images.wrist";
    private static final List<String> STATE_NAMES = List.of("ee_x", "ee_y", "ee_z", "gripper_opening");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One episode to generate.
     *
     * @param repeat how many times the scripted pick-and-place is played back to back (1 for one episode; more makes
     *     long episodes for memory tests)
     */
    public record EpisodePlan(
            EpisodeScript.Variant variant,
            String objectName,
            int[] bgr,
            String targetName,
            long seed,
            int repeat,
            EpisodePlan then) {
        public EpisodePlan(
                EpisodeScript.Variant variant, String objectName, int[] bgr, String targetName, long seed, int repeat) {
            this(variant, objectName, bgr, targetName, seed, repeat, null);
        }

        public EpisodePlan(EpisodeScript.Variant variant, String objectName, int[] bgr, String targetName, long seed) {
            this(variant, objectName, bgr, targetName, seed, 1, null);
        }

        /**
         * This episode followed, in the same episode, by {@code next} (a second task: the rows' {@code task_index}
         * changes where it starts).
         */
        public EpisodePlan followedBy(EpisodePlan next) {
            return new EpisodePlan(variant, objectName, bgr, targetName, seed, repeat, next);
        }

        String task() {
            return "Pick up the " + objectName + " and place it onto the " + targetName + ".";
        }
    }

    /**
     * A dataset to generate.
     *
     * @param version v2.0, v2.1 or v3.0
     * @param images store PNG images in the parquet files instead of videos
     * @param codec video codec (ignored for images)
     * @param withState write observation.state and action columns
     * @param withWristCamera add a second (egocentric) video camera listed before the exo one
     * @param v3DataFileFrames v3.0: start a new data file once this many frames are in the current one
     * @param v3VideoFileFrames v3.0: start a new video file once this many frames are in the current one
     */
    public record DatasetPlan(
            String version,
            boolean images,
            VideoEncoder.Codec codec,
            int width,
            int height,
            double fps,
            boolean withState,
            boolean withWristCamera,
            List<EpisodePlan> episodes,
            int v3DataFileFrames,
            int v3VideoFileFrames,
            NativeLabels nativeLabels,
            java.util.Set<Quirk> quirks) {
        public DatasetPlan(
                String version,
                boolean images,
                VideoEncoder.Codec codec,
                int width,
                int height,
                double fps,
                boolean withState,
                boolean withWristCamera,
                List<EpisodePlan> episodes,
                int v3DataFileFrames,
                int v3VideoFileFrames,
                NativeLabels nativeLabels) {
            this(
                    version,
                    images,
                    codec,
                    width,
                    height,
                    fps,
                    withState,
                    withWristCamera,
                    episodes,
                    v3DataFileFrames,
                    v3VideoFileFrames,
                    nativeLabels,
                    java.util.Set.of());
        }

        public DatasetPlan(
                String version,
                boolean images,
                VideoEncoder.Codec codec,
                int width,
                int height,
                double fps,
                boolean withState,
                boolean withWristCamera,
                List<EpisodePlan> episodes,
                int v3DataFileFrames,
                int v3VideoFileFrames) {
            this(
                    version,
                    images,
                    codec,
                    width,
                    height,
                    fps,
                    withState,
                    withWristCamera,
                    episodes,
                    v3DataFileFrames,
                    v3VideoFileFrames,
                    NativeLabels.NONE);
        }

        /** This plan with the metadata quirks of real datasets. */
        public DatasetPlan withQuirks(Quirk... more) {
            java.util.Set<Quirk> all = java.util.EnumSet.noneOf(Quirk.class);
            all.addAll(quirks);
            all.addAll(List.of(more));
            return new DatasetPlan(
                    version,
                    images,
                    codec,
                    width,
                    height,
                    fps,
                    withState,
                    withWristCamera,
                    episodes,
                    v3DataFileFrames,
                    v3VideoFileFrames,
                    nativeLabels,
                    java.util.Set.copyOf(all));
        }
    }

    /** Metadata quirks seen in real datasets (issue 14), written on purpose. */
    public enum Quirk {
        /**
         * v3.0: {@code videos/<key>/to_timestamp} is the episode's last frame's timestamp, not one frame past it (a
         * real dataset: 14.2 for 427 frames at 30 fps).
         */
        INCLUSIVE_TO_TIMESTAMP,
        /** info.json declares {@code h264} whatever the video's codec (a real MPEG-4 Part 2 dataset does). */
        DECLARE_H264,
        /**
         * v2.x: {@code data_path} and {@code video_path} use v3.0's {@code {chunk_index}} where v2.x has {@code
         * {episode_chunk}}.
         */
        V2_CHUNK_INDEX_TEMPLATE
    }

    /** Subtask labels shipped with the dataset, made from the true phases. */
    public enum NativeLabels {
        NONE,
        /** LeRobot v3.0: per-frame {@code subtask_index} + {@code meta/subtasks.parquet}, and the v3.1 language
         * stack's {@code language_persistent} (subtask style entries with timestamps). */
        SUBTASK_INDEX_AND_LANGUAGE,
        /** The ProcVLM extension of v2.x: per-frame {@code sub_task_index} + {@code meta/sub_tasks.jsonl}. */
        SUB_TASK_INDEX
    }

    private LeRobotDatasetWriter() {}

    /** LeRobot's {@code chunks_size}: v2.x keeps episodes {@code [k * 1000, (k + 1) * 1000)} in {@code chunk-k}. */
    public static final int CHUNKS_SIZE = 1000;

    public static void write(Path root, DatasetPlan plan) {
        write(root, plan, CHUNKS_SIZE);
    }

    /**
     * As {@link #write(Path, DatasetPlan)} with another {@code chunks_size} in info.json: v2.x episode {@code i} is
     * written under {@code chunk-(i / chunksSize)}, as LeRobot reads it, so a test reaches chunks past the first
     * without writing a thousand episodes.
     */
    public static void write(Path root, DatasetPlan plan, int chunksSize) {
        try {
            new Run(root, plan, chunksSize).write();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write dataset " + root, e);
        }
    }

    private static final class Run {
        private final Path root;
        private final DatasetPlan plan;
        private final int chunksSize;
        private final boolean v3;
        private final List<String> tasks = new ArrayList<>();
        private final List<String> subtasks = new ArrayList<>();
        private final ArrayNode groundTruth = JSON.createArrayNode();
        private final List<ObjectNode> episodeMeta = new ArrayList<>();
        private final List<Group> pendingRows = new ArrayList<>();
        private final MessageType dataSchema;
        private final SimpleGroupFactory rows;
        private final Stats stateStats = new Stats();
        private final Stats actionStats = new Stats();
        private long globalIndex;
        private int dataFile;
        private int framesInDataFile;
        private VideoEncoder shardEncoder;
        private VideoEncoder shardWristEncoder;
        private int videoFile = -1;
        private int framesInVideoFile;

        Run(Path root, DatasetPlan plan, int chunksSize) {
            this.root = root;
            this.plan = plan;
            this.chunksSize = chunksSize;
            this.v3 = plan.version().equals("v3.0");
            List<Type> fields = new ArrayList<>();
            if (plan.withState()) {
                fields.add(ParquetFiles.floatList("observation.state"));
                fields.add(ParquetFiles.floatList("action"));
            }
            if (plan.images()) {
                fields.add(ParquetFiles.image(EXO_CAMERA));
            }
            if (plan.nativeLabels() == NativeLabels.SUBTASK_INDEX_AND_LANGUAGE) {
                fields.add(ParquetFiles.int64("subtask_index"));
                fields.add(ParquetFiles.languageList("language_persistent"));
            } else if (plan.nativeLabels() == NativeLabels.SUB_TASK_INDEX) {
                fields.add(ParquetFiles.int64("sub_task_index"));
            }
            fields.add(ParquetFiles.float32("timestamp"));
            fields.add(ParquetFiles.int64("frame_index"));
            fields.add(ParquetFiles.int64("episode_index"));
            fields.add(ParquetFiles.int64("index"));
            fields.add(ParquetFiles.int64("task_index"));
            dataSchema = ParquetFiles.schema(fields);
            rows = ParquetFiles.factory(dataSchema);
        }

        void write() throws IOException {
            Files.createDirectories(root.resolve("meta"));
            for (int e = 0; e < plan.episodes().size(); e++) {
                episode(e, plan.episodes().get(e));
            }
            if (v3) {
                flushDataFile();
                closeShard();
                writeV3Meta();
            } else {
                writeV2Meta();
            }
            writeInfo();
            Files.createDirectories(root.resolve("ground_truth"));
            StringBuilder lines = new StringBuilder();
            for (var node : groundTruth) {
                lines.append(JSON.writeValueAsString(node)).append('\n');
            }
            Files.writeString(root.resolve("ground_truth/phases.jsonl"), lines.toString(), StandardCharsets.UTF_8);
        }

        private void episode(int index, EpisodePlan episode) throws IOException {
            EpisodeScript script =
                    EpisodeScript.create(episode.variant(), episode.seed(), episode.objectName(), episode.targetName());
            List<SceneState> states = new ArrayList<>();
            for (int r = 0; r < Math.max(1, episode.repeat()); r++) {
                states.addAll(script.states());
            }
            String task = episode.task();
            if (!tasks.contains(task)) {
                tasks.add(task);
            }
            long taskIndex = tasks.indexOf(task);
            // a second task in the same episode: its script follows the first, with its own task_index
            int firstTaskFrames = states.size();
            EpisodeScript nextScript = null;
            long nextTaskIndex = taskIndex;
            if (episode.then() != null) {
                EpisodePlan next = episode.then();
                nextScript = EpisodeScript.create(next.variant(), next.seed(), next.objectName(), next.targetName());
                states.addAll(nextScript.states());
                if (!tasks.contains(next.task())) {
                    tasks.add(next.task());
                }
                nextTaskIndex = tasks.indexOf(next.task());
            }
            double targetX = 0.76;
            Scalar color = new Scalar(episode.bgr()[0], episode.bgr()[1], episode.bgr()[2], 0);
            if (v3 && !plan.images() && (shardEncoder == null || framesInVideoFile >= plan.v3VideoFileFrames())) {
                closeShard();
                openShard();
            }
            VideoEncoder encoder = null;
            VideoEncoder wristEncoder = null;
            if (!plan.images()) {
                if (v3) {
                    encoder = shardEncoder;
                    wristEncoder = shardWristEncoder;
                } else {
                    encoder = new VideoEncoder(
                            videoFileV2(EXO_CAMERA, index).toFile(),
                            plan.width(),
                            plan.height(),
                            plan.fps(),
                            plan.codec());
                    if (plan.withWristCamera()) {
                        wristEncoder = new VideoEncoder(
                                videoFileV2(WRIST_CAMERA, index).toFile(),
                                plan.width() / 2,
                                plan.height() / 2,
                                plan.fps(),
                                plan.codec());
                    }
                }
            }
            double fromTimestamp = framesInVideoFile / plan.fps();
            long firstGlobal = globalIndex;
            List<Group> episodeRows = new ArrayList<>();
            try (SceneRenderer renderer = new SceneRenderer(
                            plan.width(), plan.height(), episode.seed(), color, targetX, plan.images() ? 0.0 : 0.6);
                    Mat wrist = new Mat();
                    BytePointer encoded = new BytePointer()) {
                for (int frame = 0; frame < states.size(); frame++) {
                    SceneState state = states.get(frame);
                    Mat image = renderer.render(state);
                    Group row = rows.newGroup();
                    if (plan.withState()) {
                        float[] stateVector = vector(state);
                        float[] actionVector = vector(states.get(Math.min(frame + 1, states.size() - 1)));
                        ParquetFiles.addFloats(row, "observation.state", stateVector);
                        ParquetFiles.addFloats(row, "action", actionVector);
                        stateStats.add(stateVector);
                        actionStats.add(actionVector);
                    }
                    if (plan.images()) {
                        imencode(".jpg", image, encoded);
                        byte[] bytes = new byte[(int) encoded.limit()];
                        encoded.get(bytes);
                        ParquetFiles.addImage(
                                row, EXO_CAMERA, bytes, String.format(Locale.ROOT, "frame_%06d.jpg", frame));
                    } else {
                        encoder.write(image);
                        if (wristEncoder != null) {
                            int cx = (int) Math.round(state.eeX() * plan.width());
                            int x0 = Math.max(0, Math.min(plan.width() / 2, cx - plan.width() / 4));
                            try (Mat crop = new Mat(
                                    image, new Rect(x0, plan.height() / 4, plan.width() / 2, plan.height() / 2))) {
                                resize(crop, wrist, new Size(plan.width() / 2, plan.height() / 2), 0, 0, INTER_AREA);
                            }
                            wristEncoder.write(wrist);
                        }
                    }
                    if (plan.nativeLabels() != NativeLabels.NONE) {
                        long subtask = subtaskIndex(script, frame);
                        row.append(
                                plan.nativeLabels() == NativeLabels.SUB_TASK_INDEX ? "sub_task_index" : "subtask_index",
                                subtask);
                        if (plan.nativeLabels() == NativeLabels.SUBTASK_INDEX_AND_LANGUAGE) {
                            Group list = row.addGroup("language_persistent");
                            for (Phase phase : script.phases()) {
                                Group entry = list.addGroup("list").addGroup("element");
                                entry.append("role", "assistant");
                                entry.append("content", phase.label());
                                entry.append("style", "subtask");
                                entry.append("timestamp", (float) (phase.startFrame() / plan.fps()));
                            }
                        }
                    }
                    row.append("timestamp", (float) (frame / plan.fps()));
                    row.append("frame_index", (long) frame);
                    row.append("episode_index", (long) index);
                    row.append("index", globalIndex++);
                    row.append("task_index", frame < firstTaskFrames ? taskIndex : nextTaskIndex);
                    episodeRows.add(row);
                }
            }
            if (!v3 && encoder != null) {
                encoder.close();
                if (wristEncoder != null) {
                    wristEncoder.close();
                }
            }
            ObjectNode meta = JSON.createObjectNode();
            meta.put("episode_index", index);
            ArrayNode metaTasks = meta.putArray("tasks").add(task);
            if (episode.then() != null && !episode.then().task().equals(task)) {
                metaTasks.add(episode.then().task());
            }
            meta.put("length", states.size());
            if (v3) {
                if (framesInDataFile >= plan.v3DataFileFrames() && !pendingRows.isEmpty()) {
                    flushDataFile();
                }
                pendingRows.addAll(episodeRows);
                meta.put("data/chunk_index", 0);
                meta.put("data/file_index", dataFile);
                meta.put("dataset_from_index", firstGlobal);
                meta.put("dataset_to_index", globalIndex);
                framesInDataFile += states.size();
                if (!plan.images()) {
                    meta.put("video_file", videoFile);
                    meta.put("from_timestamp", fromTimestamp);
                    framesInVideoFile += states.size();
                    int end = plan.quirks().contains(Quirk.INCLUSIVE_TO_TIMESTAMP)
                            ? framesInVideoFile - 1
                            : framesInVideoFile;
                    meta.put("to_timestamp", end / plan.fps());
                }
            } else {
                ParquetFiles.write(
                        root.resolve(String.format(
                                Locale.ROOT, "data/chunk-%03d/episode_%06d.parquet", index / chunksSize, index)),
                        dataSchema,
                        episodeRows);
            }
            episodeMeta.add(meta);
            ObjectNode truth = groundTruth.addObject();
            truth.put("episode_index", index);
            truth.put("task", task);
            truth.put("outcome", script.success() ? "success" : "failure");
            truth.put("variant", episode.variant().name().toLowerCase(Locale.ROOT));
            truth.put("object", script.objectName());
            truth.put("target", script.targetName());
            truth.put("frames", states.size());
            ArrayNode phases = truth.putArray("phases");
            int scriptLength = script.states().size();
            for (int r = 0; r < Math.max(1, episode.repeat()); r++) {
                for (Phase phase : script.phases()) {
                    ObjectNode node = phases.addObject();
                    node.put("verb", phase.verb());
                    node.put("label", phase.label());
                    node.put("start_frame", phase.startFrame() + r * scriptLength);
                    node.put("end_frame", phase.endFrame() + r * scriptLength);
                    node.put("status", phase.status());
                }
            }
            if (nextScript != null) {
                for (Phase phase : nextScript.phases()) {
                    ObjectNode node = phases.addObject();
                    node.put("verb", phase.verb());
                    node.put("label", phase.label());
                    node.put("start_frame", phase.startFrame() + firstTaskFrames);
                    node.put("end_frame", phase.endFrame() + firstTaskFrames);
                    node.put("status", phase.status());
                }
                ArrayNode segments = truth.putArray("task_segments");
                ObjectNode first = segments.addObject();
                first.put("start_frame", 0);
                first.put("end_frame", firstTaskFrames);
                first.put("task", task);
                first.put("outcome", script.success() ? "success" : "failure");
                ObjectNode second = segments.addObject();
                second.put("start_frame", firstTaskFrames);
                second.put("end_frame", states.size());
                second.put("task", episode.then().task());
                second.put("outcome", nextScript.success() ? "success" : "failure");
            }
        }

        /** The index of the true phase holding {@code frame}, -1 after the last phase (unlabelled). */
        private long subtaskIndex(EpisodeScript script, int frame) {
            for (Phase phase : script.phases()) {
                if (frame >= phase.startFrame() && frame < phase.endFrame()) {
                    if (!subtasks.contains(phase.label())) {
                        subtasks.add(phase.label());
                    }
                    return subtasks.indexOf(phase.label());
                }
            }
            return -1;
        }

        private Path videoFileV2(String camera, int episode) throws IOException {
            Path file = root.resolve(String.format(
                    Locale.ROOT, "videos/chunk-%03d/%s/episode_%06d.mp4", episode / chunksSize, camera, episode));
            Files.createDirectories(file.getParent());
            return file;
        }

        private void openShard() throws IOException {
            videoFile++;
            framesInVideoFile = 0;
            Path file = root.resolve(
                    String.format(Locale.ROOT, "videos/%s/chunk-000/file-%03d.mp4", EXO_CAMERA, videoFile));
            Files.createDirectories(file.getParent());
            shardEncoder = new VideoEncoder(file.toFile(), plan.width(), plan.height(), plan.fps(), plan.codec());
            if (plan.withWristCamera()) {
                Path wrist = root.resolve(
                        String.format(Locale.ROOT, "videos/%s/chunk-000/file-%03d.mp4", WRIST_CAMERA, videoFile));
                Files.createDirectories(wrist.getParent());
                shardWristEncoder =
                        new VideoEncoder(wrist.toFile(), plan.width() / 2, plan.height() / 2, plan.fps(), plan.codec());
            }
        }

        private void closeShard() {
            if (shardEncoder != null) {
                shardEncoder.close();
                shardEncoder = null;
            }
            if (shardWristEncoder != null) {
                shardWristEncoder.close();
                shardWristEncoder = null;
            }
        }

        private void flushDataFile() {
            if (pendingRows.isEmpty()) {
                return;
            }
            ParquetFiles.write(
                    root.resolve(String.format(Locale.ROOT, "data/chunk-000/file-%03d.parquet", dataFile)),
                    dataSchema,
                    pendingRows);
            pendingRows.clear();
            dataFile++;
            framesInDataFile = 0;
        }

        private float[] vector(SceneState state) {
            return new float[] {(float) state.eeX(), 0.5f, (float) state.eeZ(), (float) state.gripper()};
        }

        private void writeV2Meta() throws IOException {
            StringBuilder episodes = new StringBuilder();
            for (ObjectNode meta : episodeMeta) {
                episodes.append(JSON.writeValueAsString(meta)).append('\n');
            }
            Files.writeString(root.resolve("meta/episodes.jsonl"), episodes.toString(), StandardCharsets.UTF_8);
            StringBuilder taskLines = new StringBuilder();
            for (int i = 0; i < tasks.size(); i++) {
                ObjectNode task = JSON.createObjectNode();
                task.put("task_index", i);
                task.put("task", tasks.get(i));
                taskLines.append(JSON.writeValueAsString(task)).append('\n');
            }
            Files.writeString(root.resolve("meta/tasks.jsonl"), taskLines.toString(), StandardCharsets.UTF_8);
            if (plan.version().equals("v2.1") && plan.withState()) {
                StringBuilder stats = new StringBuilder();
                for (ObjectNode meta : episodeMeta) {
                    ObjectNode line = JSON.createObjectNode();
                    line.put("episode_index", meta.get("episode_index").asInt());
                    ObjectNode perFeature = line.putObject("stats");
                    perFeature
                            .putObject("observation.state")
                            .put("count", meta.get("length").asInt());
                    stats.append(JSON.writeValueAsString(line)).append('\n');
                }
                Files.writeString(root.resolve("meta/episodes_stats.jsonl"), stats.toString(), StandardCharsets.UTF_8);
            }
            if (plan.nativeLabels() == NativeLabels.SUB_TASK_INDEX) {
                StringBuilder lines = new StringBuilder();
                for (int i = 0; i < subtasks.size(); i++) {
                    ObjectNode subtask = JSON.createObjectNode();
                    subtask.put("sub_task_index", i);
                    subtask.put("sub_task", subtasks.get(i));
                    lines.append(JSON.writeValueAsString(subtask)).append('\n');
                }
                Files.writeString(root.resolve("meta/sub_tasks.jsonl"), lines.toString(), StandardCharsets.UTF_8);
            }
            writeStats();
        }

        private void writeV3Meta() throws IOException {
            List<Type> fields = new ArrayList<>(List.of(
                    ParquetFiles.int64("episode_index"),
                    ParquetFiles.stringList("tasks"),
                    ParquetFiles.int64("length"),
                    ParquetFiles.int64("data/chunk_index"),
                    ParquetFiles.int64("data/file_index"),
                    ParquetFiles.int64("dataset_from_index"),
                    ParquetFiles.int64("dataset_to_index")));
            List<String> cameras = new ArrayList<>();
            if (!plan.images()) {
                if (plan.withWristCamera()) {
                    cameras.add(WRIST_CAMERA);
                }
                cameras.add(EXO_CAMERA);
            }
            for (String camera : cameras) {
                fields.add(ParquetFiles.int64("videos/" + camera + "/chunk_index"));
                fields.add(ParquetFiles.int64("videos/" + camera + "/file_index"));
                fields.add(ParquetFiles.float64("videos/" + camera + "/from_timestamp"));
                fields.add(ParquetFiles.float64("videos/" + camera + "/to_timestamp"));
            }
            fields.add(ParquetFiles.int64("meta/episodes/chunk_index"));
            fields.add(ParquetFiles.int64("meta/episodes/file_index"));
            MessageType schema = ParquetFiles.schema(fields);
            SimpleGroupFactory factory = ParquetFiles.factory(schema);
            List<Group> metaRows = new ArrayList<>();
            for (ObjectNode meta : episodeMeta) {
                Group row = factory.newGroup();
                row.append("episode_index", meta.get("episode_index").asLong());
                ParquetFiles.addStrings(row, "tasks", texts(meta.get("tasks")));
                row.append("length", meta.get("length").asLong());
                row.append("data/chunk_index", 0L);
                row.append("data/file_index", meta.get("data/file_index").asLong());
                row.append("dataset_from_index", meta.get("dataset_from_index").asLong());
                row.append("dataset_to_index", meta.get("dataset_to_index").asLong());
                for (String camera : cameras) {
                    row.append("videos/" + camera + "/chunk_index", 0L);
                    row.append(
                            "videos/" + camera + "/file_index",
                            meta.get("video_file").asLong());
                    row.append(
                            "videos/" + camera + "/from_timestamp",
                            meta.get("from_timestamp").asDouble());
                    row.append(
                            "videos/" + camera + "/to_timestamp",
                            meta.get("to_timestamp").asDouble());
                }
                row.append("meta/episodes/chunk_index", 0L);
                row.append("meta/episodes/file_index", 0L);
                metaRows.add(row);
            }
            ParquetFiles.write(root.resolve("meta/episodes/chunk-000/file-000.parquet"), schema, metaRows);
            MessageType taskSchema =
                    ParquetFiles.schema(List.of(ParquetFiles.string("task"), ParquetFiles.int64("task_index")));
            SimpleGroupFactory taskFactory = ParquetFiles.factory(taskSchema);
            List<Group> taskRows = new ArrayList<>();
            for (int i = 0; i < tasks.size(); i++) {
                Group row = taskFactory.newGroup();
                row.append("task", tasks.get(i));
                row.append("task_index", (long) i);
                taskRows.add(row);
            }
            ParquetFiles.write(root.resolve("meta/tasks.parquet"), taskSchema, taskRows);
            if (plan.nativeLabels() == NativeLabels.SUBTASK_INDEX_AND_LANGUAGE) {
                MessageType subtaskSchema = ParquetFiles.schema(
                        List.of(ParquetFiles.string("subtask"), ParquetFiles.int64("subtask_index")));
                SimpleGroupFactory subtaskFactory = ParquetFiles.factory(subtaskSchema);
                List<Group> subtaskRows = new ArrayList<>();
                for (int i = 0; i < subtasks.size(); i++) {
                    Group row = subtaskFactory.newGroup();
                    row.append("subtask", subtasks.get(i));
                    row.append("subtask_index", (long) i);
                    subtaskRows.add(row);
                }
                ParquetFiles.write(root.resolve("meta/subtasks.parquet"), subtaskSchema, subtaskRows);
            }
            writeStats();
        }

        private void writeStats() throws IOException {
            ObjectNode stats = PRETTY.createObjectNode();
            if (plan.withState()) {
                stats.set("observation.state", stateStats.toJson());
                stats.set("action", actionStats.toJson());
            }
            Files.writeString(root.resolve("meta/stats.json"), PRETTY.writeValueAsString(stats) + "\n");
        }

        private void writeInfo() throws IOException {
            ObjectNode info = PRETTY.createObjectNode();
            info.put("codebase_version", plan.version());
            info.put("robot_type", "synthetic_two_finger_gripper");
            info.put("total_episodes", plan.episodes().size());
            info.put("total_frames", globalIndex);
            info.put("total_tasks", tasks.size());
            if (!v3) {
                info.put("total_videos", plan.images() ? 0 : plan.episodes().size() * (plan.withWristCamera() ? 2 : 1));
                // episodes are numbered 0..n-1 in plan order
                info.put("total_chunks", Math.max(0, plan.episodes().size() - 1) / chunksSize + 1);
            }
            info.put("chunks_size", chunksSize);
            if (v3) {
                info.put("data_files_size_in_mb", 100);
                info.put("video_files_size_in_mb", 200);
            }
            info.put("fps", (int) plan.fps());
            info.putObject("splits").put("train", "0:" + plan.episodes().size());
            info.put(
                    "data_path",
                    v3
                            ? "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet"
                            : "data/chunk-{" + v2Chunk() + ":03d}/episode_{episode_index:06d}.parquet");
            if (plan.images()) {
                info.putNull("video_path");
            } else {
                info.put(
                        "video_path",
                        v3
                                ? "videos/{video_key}/chunk-{chunk_index:03d}/file-{file_index:03d}.mp4"
                                : "videos/chunk-{" + v2Chunk() + ":03d}/{video_key}/episode_{episode_index:06d}.mp4");
            }
            ObjectNode features = info.putObject("features");
            if (plan.withState()) {
                for (String key : List.of("observation.state", "action")) {
                    ObjectNode feature = features.putObject(key);
                    feature.put("dtype", "float32");
                    feature.putArray("shape").add(STATE_NAMES.size());
                    ArrayNode names = feature.putArray("names");
                    STATE_NAMES.forEach(names::add);
                }
            }
            if (plan.withWristCamera() && !plan.images()) {
                camera(features, WRIST_CAMERA, plan.width() / 2, plan.height() / 2, "video");
            }
            camera(features, EXO_CAMERA, plan.width(), plan.height(), plan.images() ? "image" : "video");
            for (String key : List.of("timestamp")) {
                ObjectNode feature = features.putObject(key);
                feature.put("dtype", "float32");
                feature.putArray("shape").add(1);
                feature.putNull("names");
            }
            if (plan.nativeLabels() == NativeLabels.SUBTASK_INDEX_AND_LANGUAGE) {
                ObjectNode language = features.putObject("language_persistent");
                language.put("dtype", "language");
                language.putArray("shape").add(1);
                language.putNull("names");
            }
            List<String> indexColumns = new ArrayList<>(List.of("frame_index", "episode_index", "index", "task_index"));
            if (plan.nativeLabels() == NativeLabels.SUBTASK_INDEX_AND_LANGUAGE) {
                indexColumns.add("subtask_index");
            } else if (plan.nativeLabels() == NativeLabels.SUB_TASK_INDEX) {
                indexColumns.add("sub_task_index");
            }
            for (String key : indexColumns) {
                ObjectNode feature = features.putObject(key);
                feature.put("dtype", "int64");
                feature.putArray("shape").add(1);
                feature.putNull("names");
            }
            Files.writeString(root.resolve("meta/info.json"), PRETTY.writeValueAsString(info) + "\n");
        }

        private String v2Chunk() {
            return plan.quirks().contains(Quirk.V2_CHUNK_INDEX_TEMPLATE) ? "chunk_index" : "episode_chunk";
        }

        private void camera(ObjectNode features, String key, int width, int height, String dtype) {
            ObjectNode feature = features.putObject(key);
            feature.put("dtype", dtype);
            feature.putArray("shape").add(height).add(width).add(3);
            feature.putArray("names").add("height").add("width").add("channels");
            if (dtype.equals("video")) {
                ObjectNode info = feature.putObject("info");
                info.put("video.height", height);
                info.put("video.width", width);
                info.put("video.codec", plan.quirks().contains(Quirk.DECLARE_H264) ? "h264" : codecName(plan.codec()));
                info.put("video.pix_fmt", "yuv420p");
                info.put("video.is_depth_map", false);
                info.put("video.fps", (int) plan.fps());
                info.put("video.channels", 3);
                info.put("has_audio", false);
            }
        }

        private static String codecName(VideoEncoder.Codec codec) {
            return switch (codec) {
                case H264 -> "h264";
                case AV1 -> "av1";
                case HEVC -> "hevc";
                case MPEG4 -> "mpeg4";
            };
        }
    }

    /** Per-dimension min/max/mean/std/count, as LeRobot's stats files hold them. */
    private static final class Stats {
        private double[] min;
        private double[] max;
        private double[] sum;
        private double[] sumSquares;
        private long count;

        void add(float[] values) {
            if (min == null) {
                min = new double[values.length];
                max = new double[values.length];
                sum = new double[values.length];
                sumSquares = new double[values.length];
                java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
                java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
            }
            for (int i = 0; i < values.length; i++) {
                min[i] = Math.min(min[i], values[i]);
                max[i] = Math.max(max[i], values[i]);
                sum[i] += values[i];
                sumSquares[i] += (double) values[i] * values[i];
            }
            count++;
        }

        ObjectNode toJson() {
            ObjectNode node = PRETTY.createObjectNode();
            ArrayNode minNode = node.putArray("min");
            ArrayNode maxNode = node.putArray("max");
            ArrayNode meanNode = node.putArray("mean");
            ArrayNode stdNode = node.putArray("std");
            for (int i = 0; min != null && i < min.length; i++) {
                double mean = sum[i] / count;
                minNode.add(min[i]);
                maxNode.add(max[i]);
                meanNode.add(mean);
                stdNode.add(Math.sqrt(Math.max(0, sumSquares[i] / count - mean * mean)));
            }
            node.putArray("count").add(count);
            return node;
        }
    }

    private static List<String> texts(com.fasterxml.jackson.databind.JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
