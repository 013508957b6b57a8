package io.procvlm.core.testing.generator;

import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import io.procvlm.core.dataset.rlds.TfRecords;
import io.procvlm.core.testing.generator.EpisodeScript.Variant;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Writes the synthetic pick-and-place episodes ({@link EpisodeScript}, {@link SceneRenderer}) in the non-LeRobot
 * formats read in place — AgiBot World, robomimic HDF5, RLDS TFRecords and image sequences — each as a good dataset
 * and a malformed one whose bad episodes must be quarantined with a reason. Ground truth phases are written to {@code
 * ground_truth/phases.jsonl} beside each good dataset's files (in sampled frame numbers). Output is deterministic.
 */
public final class FormatDatasetsWriter {
    static final int[] RED = {40, 40, 200};
    static final int[] BLUE = {190, 90, 40};
    static final int[] GREEN = {60, 170, 60};
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private FormatDatasetsWriter() {}

    /** The generated datasets: folder under {@code src-test-data/} → writer. */
    public static final List<String> DATASETS = List.of(
            "agibot-world/agibot-pick-place",
            "agibot-world/agibot-malformed",
            "hdf5-robomimic/libero-pick-place",
            "hdf5-robomimic/robomimic-malformed",
            "image-sequence/captures-pick-place",
            "image-sequence/captures-malformed",
            "rlds/rlds-pick-place",
            "rlds/rlds-malformed");

    /** Writes every dataset of {@link #DATASETS} under {@code out}, replacing what is there. */
    public static void writeAll(Path out) throws IOException {
        for (String name : DATASETS) {
            Path root = out.resolve(name);
            GenerateTestData.deleteRecursively(root);
            Files.createDirectories(root);
            switch (name) {
                case "agibot-world/agibot-pick-place" -> writeAgiBot(root);
                case "agibot-world/agibot-malformed" -> writeAgiBotMalformed(root);
                case "hdf5-robomimic/libero-pick-place" -> writeRobomimic(root);
                case "hdf5-robomimic/robomimic-malformed" -> writeRobomimicMalformed(root);
                case "image-sequence/captures-pick-place" -> writeImageSequence(root);
                case "image-sequence/captures-malformed" -> writeImageSequenceMalformed(root);
                case "rlds/rlds-pick-place" -> writeRlds(root);
                case "rlds/rlds-malformed" -> writeRldsMalformed(root);
                default -> throw new IllegalStateException(name);
            }
            System.out.println("wrote " + root);
        }
    }

    /** One scripted episode, sampled every {@code step} frames. */
    record Episode(String task, String object, int[] bgr, long seed, List<SceneState> states, List<Phase> phases) {
        static Episode of(Variant variant, String object, int[] bgr, long seed, int step) {
            EpisodeScript script = EpisodeScript.create(variant, seed, object, "plate");
            List<SceneState> states = new ArrayList<>();
            for (int i = 0; i < script.states().size(); i += step) {
                states.add(script.states().get(i));
            }
            List<Phase> phases = new ArrayList<>();
            for (Phase phase : script.phases()) {
                int start = (phase.startFrame() + step - 1) / step;
                int end = Math.min(states.size(), (phase.endFrame() + step - 1) / step);
                if (end > start) {
                    phases.add(new Phase(phase.verb(), phase.label(), start, end, phase.status()));
                }
            }
            return new Episode(
                    "Pick up the " + object + " and place it onto the plate.", object, bgr, seed, states, phases);
        }

        Episode truncated(int frames) {
            List<Phase> kept = new ArrayList<>();
            for (Phase phase : phases) {
                if (phase.startFrame() < frames) {
                    kept.add(new Phase(
                            phase.verb(),
                            phase.label(),
                            phase.startFrame(),
                            Math.min(frames, phase.endFrame()),
                            phase.status()));
                }
            }
            return new Episode(task, object, bgr, seed, states.subList(0, frames), kept);
        }

        float[] state(int frame) {
            SceneState s = states.get(frame);
            return new float[] {(float) s.eeX(), 0.5f, (float) s.eeZ(), (float) s.gripper()};
        }

        float[] action(int frame) {
            return state(Math.min(frame + 1, states.size() - 1));
        }
    }

    /** Renders an episode's frames (BGR, no sensor noise) and hands each to {@code sink}. */
    interface FrameSink {
        void accept(int frame, Mat bgr) throws IOException;
    }

    static void render(Episode episode, int width, int height, FrameSink sink) throws IOException {
        Scalar color = new Scalar(episode.bgr()[0], episode.bgr()[1], episode.bgr()[2], 0);
        try (SceneRenderer renderer = new SceneRenderer(width, height, episode.seed(), color, 0.76, 0.0)) {
            for (int i = 0; i < episode.states().size(); i++) {
                sink.accept(i, renderer.render(episode.states().get(i)));
            }
        }
    }

    static byte[] encode(Mat bgr, String extension) {
        try (BytePointer encoded = new BytePointer()) {
            imencode(extension, bgr, encoded);
            byte[] bytes = new byte[(int) encoded.limit()];
            encoded.get(bytes);
            return bytes;
        }
    }

    static byte[] rgb(Mat bgr) {
        byte[] pixels = new byte[bgr.rows() * bgr.cols() * 3];
        bgr.data().get(pixels);
        for (int i = 0; i < pixels.length; i += 3) {
            byte b = pixels[i];
            pixels[i] = pixels[i + 2];
            pixels[i + 2] = b;
        }
        return pixels;
    }

    static void writeTruth(Path root, List<Episode> episodes, List<Long> ids) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int e = 0; e < episodes.size(); e++) {
            ObjectNode truth = JSON.createObjectNode();
            truth.put("episode_index", ids.get(e));
            truth.put("task", episodes.get(e).task());
            truth.put("frames", episodes.get(e).states().size());
            ArrayNode phases = truth.putArray("phases");
            for (Phase phase : episodes.get(e).phases()) {
                ObjectNode node = phases.addObject();
                node.put("label", phase.label());
                node.put("start", phase.startFrame());
                node.put("end", phase.endFrame());
                node.put("status", phase.status());
            }
            lines.append(JSON.writeValueAsString(truth)).append('\n');
        }
        Files.createDirectories(root.resolve("ground_truth"));
        Files.writeString(root.resolve("ground_truth/phases.jsonl"), lines.toString(), StandardCharsets.UTF_8);
    }

    // ---------------------------------------------------------------- robomimic / LIBERO HDF5

    static final int HDF5_WIDTH = 64;
    static final int HDF5_HEIGHT = 48;

    /** A LIBERO-style file: problem_info with the instruction, env_args with control_freq, 8-bit RGB arrays. */
    static void writeRobomimic(Path root) throws IOException {
        List<Episode> episodes = List.of(
                Episode.of(Variant.SUCCESS, "red block", RED, 1101, 4),
                Episode.of(Variant.RETRY, "red block", RED, 1102, 4));
        Files.createDirectories(root);
        writeHdf5(root.resolve("pick_up_the_red_block_demo.hdf5"), episodes, Map.of());
        writeTruth(root, episodes, List.of(0L, 1L));
    }

    /**
     * Malformed: {@code demo_1} of {@code a.hdf5} has more actions than images; {@code b.hdf5} is truncated to its first
     * half.
     */
    static void writeRobomimicMalformed(Path root) throws IOException {
        Episode good = Episode.of(Variant.SUCCESS, "blue cube", BLUE, 1201, 4).truncated(10);
        Files.createDirectories(root);
        writeHdf5(root.resolve("a.hdf5"), List.of(good, good), Map.of(1, 3));
        Path whole = root.resolve("b.hdf5.tmp");
        writeHdf5(whole, List.of(good), Map.of());
        byte[] bytes = Files.readAllBytes(whole);
        Files.write(root.resolve("b.hdf5"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Files.delete(whole);
    }

    /** @param extraActions demo index → how many more action rows than images it gets */
    private static void writeHdf5(Path file, List<Episode> episodes, Map<Integer, Integer> extraActions)
            throws IOException {
        Files.deleteIfExists(file);
        try (WritableHdfFile hdf = HdfFile.write(file)) {
            WritableGroup data = hdf.putGroup("data");
            data.putAttribute("env_args", "{\"env_name\": \"PickPlace\", \"env_kwargs\": {\"control_freq\": 5}}");
            data.putAttribute(
                    "problem_info",
                    "{\"problem_name\": \"pick_place\", \"language_instruction\": \""
                            + episodes.get(0).task() + "\"}");
            data.putAttribute(
                    "total", episodes.stream().mapToInt(e -> e.states().size()).sum());
            for (int d = 0; d < episodes.size(); d++) {
                Episode episode = episodes.get(d);
                int frames = episode.states().size();
                WritableGroup demo = data.putGroup("demo_" + d);
                demo.putAttribute("num_samples", frames);
                WritableGroup obs = demo.putGroup("obs");
                byte[][][][] agentview = new byte[frames][HDF5_HEIGHT][HDF5_WIDTH][3];
                byte[][][][] wrist = new byte[frames][HDF5_HEIGHT / 2][HDF5_WIDTH / 2][3];
                render(episode, HDF5_WIDTH, HDF5_HEIGHT, (i, bgr) -> {
                    byte[] rgb = rgb(bgr);
                    for (int y = 0; y < HDF5_HEIGHT; y++) {
                        for (int x = 0; x < HDF5_WIDTH; x++) {
                            System.arraycopy(rgb, (y * HDF5_WIDTH + x) * 3, agentview[i][y][x], 0, 3);
                        }
                    }
                    for (int y = 0; y < HDF5_HEIGHT / 2; y++) {
                        for (int x = 0; x < HDF5_WIDTH / 2; x++) {
                            System.arraycopy(
                                    rgb, ((y * 2) * HDF5_WIDTH + x * 2 + HDF5_WIDTH / 4) * 3, wrist[i][y][x], 0, 3);
                        }
                    }
                });
                obs.putDataset("agentview_image", agentview);
                obs.putDataset("robot0_eye_in_hand_image", wrist);
                double[][] eef = new double[frames][3];
                double[][] gripper = new double[frames][2];
                for (int i = 0; i < frames; i++) {
                    float[] s = episode.state(i);
                    eef[i] = new double[] {s[0], s[1], s[2]};
                    gripper[i] = new double[] {s[3] * 0.04, -s[3] * 0.04};
                }
                obs.putDataset("robot0_eef_pos", eef);
                obs.putDataset("robot0_gripper_qpos", gripper);
                int actionRows = frames + extraActions.getOrDefault(d, 0);
                double[][] actions = new double[actionRows][7];
                for (int i = 0; i < actionRows; i++) {
                    float[] a = episode.action(Math.min(i, frames - 1));
                    actions[i] = new double[] {a[0], a[1], a[2], 0, 0, 0, a[3] > 0.5 ? -1 : 1};
                }
                demo.putDataset("actions", actions);
            }
        }
    }

    // ---------------------------------------------------------------- image sequences

    static void writeImageSequence(Path root) throws IOException {
        List<Episode> episodes = List.of(
                Episode.of(Variant.SUCCESS, "green block", GREEN, 1301, 3),
                Episode.of(Variant.PAUSES, "blue cube", BLUE, 1302, 3));
        for (int e = 0; e < episodes.size(); e++) {
            writeSequenceEpisode(root.resolve(String.format(Locale.ROOT, "episode_%03d", e)), episodes.get(e), true);
        }
        writeTruth(root, episodes, List.of(0L, 1L));
    }

    /** Malformed: episode_001 misses frame 000004.jpg; episode_002's episode.json has no fps. */
    static void writeImageSequenceMalformed(Path root) throws IOException {
        Episode episode = Episode.of(Variant.SUCCESS, "red block", RED, 1401, 3).truncated(12);
        writeSequenceEpisode(root.resolve("episode_000"), episode, false);
        Path missing = root.resolve("episode_001");
        writeSequenceEpisode(missing, episode, false);
        Files.delete(missing.resolve("front/000004.jpg"));
        Path noFps = root.resolve("episode_002");
        writeSequenceEpisode(noFps, episode, false);
        Files.writeString(noFps.resolve("episode.json"), "{\"task\": \"" + episode.task() + "\"}\n");
    }

    private static void writeSequenceEpisode(Path folder, Episode episode, boolean withSubtasks) throws IOException {
        Files.createDirectories(folder.resolve("front"));
        render(
                episode,
                64,
                48,
                (i, bgr) -> Files.write(
                        folder.resolve("front").resolve(String.format(Locale.ROOT, "%06d.jpg", i)),
                        encode(bgr, ".jpg")));
        ObjectNode json = JSON.createObjectNode();
        json.put("fps", 5);
        json.put("task", episode.task());
        json.put("robot_type", "synthetic-gripper");
        ArrayNode names = json.putArray("state_names");
        List.of("ee_x", "ee_y", "ee_z", "gripper_opening").forEach(names::add);
        ArrayNode states = json.putArray("states");
        ArrayNode actions = json.putArray("actions");
        for (int i = 0; i < episode.states().size(); i++) {
            ArrayNode state = states.addArray();
            for (float v : episode.state(i)) {
                state.add(v);
            }
            ArrayNode action = actions.addArray();
            for (float v : episode.action(i)) {
                action.add(v);
            }
        }
        if (withSubtasks) {
            ArrayNode spans = json.putArray("subtasks");
            for (Phase phase : episode.phases()) {
                ObjectNode span = spans.addObject();
                span.put("label", phase.label());
                span.put("start_frame", phase.startFrame());
                span.put("end_frame", phase.endFrame());
            }
        }
        Files.writeString(folder.resolve("episode.json"), JSON.writeValueAsString(json) + "\n");
    }

    // ---------------------------------------------------------------- AgiBot World

    static final String AGIBOT_TASK = "327";
    static final double AGIBOT_FPS = 5.0;

    static void writeAgiBot(Path root) throws IOException {
        List<Episode> episodes = List.of(
                Episode.of(Variant.SUCCESS, "red block", RED, 1501, 3),
                Episode.of(Variant.RETRY, "yellow bottle", new int[] {40, 200, 220}, 1502, 3));
        List<Long> ids = List.of(648642L, 648649L);
        writeAgiBotTask(root, episodes, ids, Map.of());
        for (int e = 0; e < episodes.size(); e++) {
            writeAgiBotEpisode(root, episodes.get(e), ids.get(e), 0, true);
        }
        writeTruth(root, episodes, ids);
    }

    /** Malformed: 700002 has more action rows than state rows; 700003's head video is truncated. */
    static void writeAgiBotMalformed(Path root) throws IOException {
        Episode episode =
                Episode.of(Variant.SUCCESS, "blue cube", BLUE, 1601, 3).truncated(15);
        List<Episode> episodes = List.of(episode, episode, episode);
        List<Long> ids = List.of(700001L, 700002L, 700003L);
        writeAgiBotTask(root, episodes, ids, Map.of());
        writeAgiBotEpisode(root, episode, 700001L, 0, false);
        writeAgiBotEpisode(root, episode, 700002L, 4, false);
        writeAgiBotEpisode(root, episode, 700003L, 0, false);
        Path video = root.resolve("observations/" + AGIBOT_TASK + "/700003/videos/head_color.mp4");
        byte[] bytes = Files.readAllBytes(video);
        Files.write(video, java.util.Arrays.copyOf(bytes, bytes.length / 3));
    }

    private static void writeAgiBotTask(Path root, List<Episode> episodes, List<Long> ids, Map<Integer, Integer> unused)
            throws IOException {
        ArrayNode list = JSON.createArrayNode();
        for (int e = 0; e < episodes.size(); e++) {
            Episode episode = episodes.get(e);
            ObjectNode node = list.addObject();
            node.put("episode_id", ids.get(e));
            node.put("task_id", Integer.parseInt(AGIBOT_TASK));
            node.put("task_name", episode.task());
            node.put("init_scene_text", "A " + episode.object() + " lies on the table beside a plate.");
            ArrayNode actions = node.putObject("label_info").putArray("action_config");
            for (Phase phase : episode.phases()) {
                ObjectNode action = actions.addObject();
                action.put("start_frame", phase.startFrame());
                action.put("end_frame", phase.endFrame() - 1);
                action.put("action_text", phase.label());
                action.put(
                        "skill",
                        phase.verb().substring(0, 1).toUpperCase(Locale.ROOT)
                                + phase.verb().substring(1));
            }
        }
        Files.createDirectories(root.resolve("task_info"));
        Files.writeString(
                root.resolve("task_info/task_" + AGIBOT_TASK + ".json"), PRETTY.writeValueAsString(list) + "\n");
    }

    private static void writeAgiBotEpisode(Path root, Episode episode, long id, int extraActions, boolean handCamera)
            throws IOException {
        Path videos = root.resolve("observations/" + AGIBOT_TASK + "/" + id + "/videos");
        Files.createDirectories(videos);
        try (VideoEncoder head = new VideoEncoder(
                        videos.resolve("head_color.mp4").toFile(), 128, 96, AGIBOT_FPS, VideoEncoder.Codec.H264);
                VideoEncoder hand = handCamera
                        ? new VideoEncoder(
                                videos.resolve("hand_left_color.mp4").toFile(),
                                48,
                                36,
                                AGIBOT_FPS,
                                VideoEncoder.Codec.H264)
                        : null;
                Mat small = new Mat()) {
            render(episode, 128, 96, (i, bgr) -> {
                head.write(bgr);
                if (hand != null) {
                    org.bytedeco.opencv.global.opencv_imgproc.resize(
                            bgr, small, new org.bytedeco.opencv.opencv_core.Size(64, 48));
                    hand.write(small);
                }
            });
        }
        Path h5 = root.resolve("proprio_stats/" + AGIBOT_TASK + "/" + id + "/proprio_stats.h5");
        Files.createDirectories(h5.getParent());
        Files.deleteIfExists(h5);
        int frames = episode.states().size();
        try (WritableHdfFile hdf = HdfFile.write(h5)) {
            long[] timestamps = new long[frames];
            double[][] joints = new double[frames][7];
            double[][] effector = new double[frames][1];
            for (int i = 0; i < frames; i++) {
                timestamps[i] = 1_700_000_000_000_000_000L + Math.round(i * 1e9 / AGIBOT_FPS);
                float[] s = episode.state(i);
                joints[i] = new double[] {s[0], s[1], s[2], 0.1, 0.2, 0.3, 0.4};
                effector[i] = new double[] {s[3] * 120};
            }
            int actionRows = frames + extraActions;
            double[][] actionJoints = new double[actionRows][7];
            double[][] actionEffector = new double[actionRows][1];
            for (int i = 0; i < actionRows; i++) {
                float[] a = episode.action(Math.min(i, frames - 1));
                actionJoints[i] = new double[] {a[0], a[1], a[2], 0.1, 0.2, 0.3, 0.4};
                actionEffector[i] = new double[] {a[3] * 120};
            }
            hdf.putDataset("timestamp", timestamps);
            WritableGroup state = hdf.putGroup("state");
            state.putGroup("joint").putDataset("position", joints);
            state.putGroup("effector").putDataset("position", effector);
            WritableGroup action = hdf.putGroup("action");
            action.putGroup("joint").putDataset("position", actionJoints);
            action.putGroup("effector").putDataset("position", actionEffector);
        }
    }

    // ---------------------------------------------------------------- RLDS

    /**
     * tfds layout: {@code <name>/1.0.0/} with {@code dataset_info.json} and two shards; shard 0 holds one Example per
     * episode (tfds' flattened {@code steps/...} features), shard 1 one Example per step (the step-per-record variant).
     */
    static void writeRlds(Path root) throws IOException {
        List<Episode> episodes = List.of(
                Episode.of(Variant.SUCCESS, "red block", RED, 1701, 3),
                Episode.of(Variant.FAILURE, "green block", GREEN, 1702, 3),
                Episode.of(Variant.RETRY, "blue cube", BLUE, 1703, 3));
        Path version = root.resolve("1.0.0");
        Files.createDirectories(version);
        List<byte[]> shard0 = new ArrayList<>();
        shard0.add(episodeExample(episodes.get(0), 0));
        shard0.add(episodeExample(episodes.get(1), 1));
        writeTfRecords(version.resolve("pick_place-train.tfrecord-00000-of-00002"), shard0, -1);
        writeTfRecords(version.resolve("pick_place-train.tfrecord-00001-of-00002"), stepExamples(episodes.get(2)), -1);
        ObjectNode info = JSON.createObjectNode();
        info.put("name", "pick_place");
        info.put("version", "1.0.0");
        info.put("description", "Synthetic pick-and-place episodes in RLDS layout (procvlm test data).");
        ArrayNode splits = info.putArray("splits");
        ObjectNode train = splits.addObject();
        train.put("name", "train");
        train.putArray("shardLengths")
                .add("2")
                .add(String.valueOf(episodes.get(2).states().size()));
        Files.writeString(version.resolve("dataset_info.json"), PRETTY.writeValueAsString(info) + "\n");
        writeTruth(root, episodes, List.of(0L, 1L, 2L));
    }

    /**
     * Like the debug copy of BridgeData that Octo's tests use (issue 14): the TFDS folder {@code <root>/bridge_dataset/
     * 1.0.0/} with {@code dataset_info.json} (name {@code bridge_dataset}, splits train and val) and {@code
     * features.json} (a top-level {@code steps} Dataset: one Example per episode), one shard per split holding {@code
     * episodesPerSplit} episodes of {@code steps} steps each, four 64x64 JPEG cameras {@code image_0..3}, a 7-value
     * state and action, and episodes truncated so that {@code is_last} is never set.
     *
     * @param withFeaturesJson write features.json (without it the layout must be inferred from the records)
     * @return the version folder
     */
    public static Path writeBridgeLike(Path root, int episodesPerSplit, int steps, boolean withFeaturesJson)
            throws IOException {
        Path version = root.resolve("bridge_dataset/1.0.0");
        Files.createDirectories(version);
        Variant[] variants = Variant.values();
        int[][] colors = {RED, GREEN, BLUE};
        ObjectNode info = JSON.createObjectNode();
        info.put("name", "bridge_dataset");
        info.put("version", "1.0.0");
        info.put("description", "BridgeData-like debug sample (procvlm test data): truncated episodes, 4 cameras.");
        ArrayNode splits = info.putArray("splits");
        int seed = 0;
        for (String split : List.of("train", "val")) {
            List<byte[]> records = new ArrayList<>();
            for (int e = 0; e < episodesPerSplit; e++, seed++) {
                Episode episode = Episode.of(
                                variants[seed % variants.length], "block", colors[seed % colors.length], 1900 + seed, 2)
                        .truncated(steps);
                records.add(bridgeExample(episode));
            }
            writeTfRecords(version.resolve("bridge_dataset-" + split + ".tfrecord-00000-of-00001"), records, -1);
            ObjectNode entry = splits.addObject();
            entry.put("name", split);
            entry.putArray("shardLengths").add(String.valueOf(episodesPerSplit));
        }
        Files.writeString(version.resolve("dataset_info.json"), PRETTY.writeValueAsString(info) + "\n");
        if (withFeaturesJson) {
            Files.writeString(version.resolve("features.json"), PRETTY.writeValueAsString(bridgeFeatures()) + "\n");
        }
        return version;
    }

    /** TFDS' features.json (proto-JSON form) of the bridge-like sample. */
    private static ObjectNode bridgeFeatures() {
        ObjectNode root = JSON.createObjectNode();
        root.put("pythonClassName", "tensorflow_datasets.core.features.features_dict.FeaturesDict");
        ObjectNode top = root.putObject("featuresDict").putObject("features");
        ObjectNode steps = top.putObject("steps");
        steps.put("pythonClassName", "tensorflow_datasets.core.features.dataset_feature.Dataset");
        ObjectNode stepFeatures = steps.putObject("sequence").putObject("feature");
        stepFeatures.put("pythonClassName", "tensorflow_datasets.core.features.features_dict.FeaturesDict");
        ObjectNode fields = stepFeatures.putObject("featuresDict").putObject("features");
        for (String flag : List.of("is_first", "is_last", "is_terminal")) {
            fields.putObject(flag).put("pythonClassName", "tensorflow_datasets.core.features.scalar.Scalar");
        }
        fields.putObject("language_instruction")
                .put("pythonClassName", "tensorflow_datasets.core.features.text_feature.Text");
        fields.putObject("action").put("pythonClassName", "tensorflow_datasets.core.features.tensor_feature.Tensor");
        ObjectNode observation = fields.putObject("observation");
        observation.put("pythonClassName", "tensorflow_datasets.core.features.features_dict.FeaturesDict");
        ObjectNode cameras = observation.putObject("featuresDict").putObject("features");
        for (int c = 0; c < 4; c++) {
            ObjectNode image = cameras.putObject("image_" + c);
            image.put("pythonClassName", "tensorflow_datasets.core.features.image_feature.Image");
            image.putObject("image").put("encodingFormat", "jpeg");
        }
        cameras.putObject("state").put("pythonClassName", "tensorflow_datasets.core.features.tensor_feature.Tensor");
        return root;
    }

    /** One bridge-like episode as one Example: steps/..., is_first on the first step, is_last on none. */
    private static byte[] bridgeExample(Episode episode) throws IOException {
        int frames = episode.states().size();
        List<List<byte[]>> cameras =
                List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        render(episode, 64, 64, (i, bgr) -> {
            cameras.get(0).add(encode(bgr, ".jpg"));
            try (Mat flipped = new Mat()) {
                org.bytedeco.opencv.global.opencv_core.flip(bgr, flipped, 1);
                cameras.get(1).add(encode(flipped, ".jpg"));
                org.bytedeco.opencv.global.opencv_core.flip(bgr, flipped, 0);
                cameras.get(2).add(encode(flipped, ".jpg"));
                org.bytedeco.opencv.global.opencv_core.flip(bgr, flipped, -1);
                cameras.get(3).add(encode(flipped, ".jpg"));
            }
        });
        float[] states = new float[frames * 7];
        float[] actions = new float[frames * 7];
        long[] first = new long[frames];
        long[] last = new long[frames];
        List<byte[]> language = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            System.arraycopy(episode.state(i), 0, states, i * 7, 4);
            System.arraycopy(episode.action(i), 0, actions, i * 7, 4);
            first[i] = i == 0 ? 1 : 0;
            language.add(episode.task().getBytes(StandardCharsets.UTF_8));
        }
        Map<String, Object> features = new LinkedHashMap<>();
        features.put("steps/action", actions);
        features.put("steps/is_first", first);
        features.put("steps/is_last", last);
        features.put("steps/is_terminal", last);
        features.put("steps/language_instruction", language);
        for (int c = 0; c < 4; c++) {
            features.put("steps/observation/image_" + c, cameras.get(c));
        }
        features.put("steps/observation/state", states);
        return example(features);
    }

    /** Malformed: one shard whose second episode record has a flipped data byte (its CRC32C no longer matches). */
    static void writeRldsMalformed(Path root) throws IOException {
        Episode episode = Episode.of(Variant.SUCCESS, "red block", RED, 1801, 3).truncated(12);
        Files.createDirectories(root);
        writeTfRecords(
                root.resolve("bad-train.tfrecord-00000-of-00001"),
                List.of(episodeExample(episode, 0), episodeExample(episode, 1)),
                1);
    }

    private static byte[] episodeExample(Episode episode, long index) throws IOException {
        Map<String, Object> features = new LinkedHashMap<>();
        int frames = episode.states().size();
        List<byte[]> images = new ArrayList<>();
        List<byte[]> wrist = new ArrayList<>();
        render(episode, 64, 48, (i, bgr) -> {
            images.add(encode(bgr, ".jpg"));
            try (Mat crop = new Mat(bgr, new org.bytedeco.opencv.opencv_core.Rect(16, 12, 32, 24))) {
                wrist.add(encode(crop.clone(), ".png"));
            }
        });
        float[] states = new float[frames * 4];
        float[] actions = new float[frames * 4];
        long[] first = new long[frames];
        long[] last = new long[frames];
        List<byte[]> language = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            System.arraycopy(episode.state(i), 0, states, i * 4, 4);
            System.arraycopy(episode.action(i), 0, actions, i * 4, 4);
            first[i] = i == 0 ? 1 : 0;
            last[i] = i == frames - 1 ? 1 : 0;
            language.add(episode.task().getBytes(StandardCharsets.UTF_8));
        }
        features.put(
                "episode_metadata/file_path", List.of(("episode_" + index + ".npy").getBytes(StandardCharsets.UTF_8)));
        features.put("steps/action", actions);
        features.put("steps/is_first", first);
        features.put("steps/is_last", last);
        features.put("steps/is_terminal", last);
        features.put("steps/language_instruction", language);
        features.put("steps/observation/image", images);
        features.put("steps/observation/state", states);
        features.put("steps/observation/wrist_image", wrist);
        return example(features);
    }

    private static List<byte[]> stepExamples(Episode episode) throws IOException {
        List<byte[]> records = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        render(episode, 64, 48, (i, bgr) -> images.add(encode(bgr, ".jpg")));
        int frames = episode.states().size();
        for (int i = 0; i < frames; i++) {
            Map<String, Object> features = new LinkedHashMap<>();
            features.put("action", episode.action(i));
            features.put("is_first", new long[] {i == 0 ? 1 : 0});
            features.put("is_last", new long[] {i == frames - 1 ? 1 : 0});
            features.put("language_instruction", List.of(episode.task().getBytes(StandardCharsets.UTF_8)));
            features.put("observation/image", List.of(images.get(i)));
            features.put("observation/state", episode.state(i));
            records.add(example(features));
        }
        return records;
    }

    /** Serializes a tf.train.Example: values are List&lt;byte[]&gt; (bytes_list), float[] or long[] (packed). */
    @SuppressWarnings("unchecked")
    public static byte[] example(Map<String, Object> features) throws IOException {
        ByteArrayOutputStream featuresBytes = new ByteArrayOutputStream();
        CodedOutputStream featuresOut = CodedOutputStream.newInstance(featuresBytes);
        for (Map.Entry<String, Object> entry : features.entrySet()) {
            ByteArrayOutputStream listBytes = new ByteArrayOutputStream();
            CodedOutputStream listOut = CodedOutputStream.newInstance(listBytes);
            int kind;
            if (entry.getValue() instanceof float[] floats) {
                kind = 2;
                ByteArrayOutputStream packed = new ByteArrayOutputStream();
                CodedOutputStream packedOut = CodedOutputStream.newInstance(packed);
                for (float v : floats) {
                    packedOut.writeFloatNoTag(v);
                }
                packedOut.flush();
                listOut.writeByteArray(1, packed.toByteArray());
            } else if (entry.getValue() instanceof long[] longs) {
                kind = 3;
                ByteArrayOutputStream packed = new ByteArrayOutputStream();
                CodedOutputStream packedOut = CodedOutputStream.newInstance(packed);
                for (long v : longs) {
                    packedOut.writeInt64NoTag(v);
                }
                packedOut.flush();
                listOut.writeByteArray(1, packed.toByteArray());
            } else {
                kind = 1;
                for (byte[] value : (List<byte[]>) entry.getValue()) {
                    listOut.writeByteArray(1, value);
                }
            }
            listOut.flush();
            ByteArrayOutputStream featureBytes = new ByteArrayOutputStream();
            CodedOutputStream featureOut = CodedOutputStream.newInstance(featureBytes);
            featureOut.writeByteArray(kind, listBytes.toByteArray());
            featureOut.flush();
            ByteArrayOutputStream mapEntry = new ByteArrayOutputStream();
            CodedOutputStream mapOut = CodedOutputStream.newInstance(mapEntry);
            mapOut.writeString(1, entry.getKey());
            mapOut.writeByteArray(2, featureBytes.toByteArray());
            mapOut.flush();
            featuresOut.writeByteArray(1, mapEntry.toByteArray());
        }
        featuresOut.flush();
        ByteArrayOutputStream example = new ByteArrayOutputStream();
        CodedOutputStream exampleOut = CodedOutputStream.newInstance(example);
        exampleOut.writeBytes(1, ByteString.copyFrom(featuresBytes.toByteArray()));
        exampleOut.flush();
        return example.toByteArray();
    }

    /** Writes records with TFRecord framing; record {@code corrupt} (or none, -1) gets one data byte flipped after its CRC. */
    public static void writeTfRecords(Path file, List<byte[]> records, int corrupt) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int r = 0; r < records.size(); r++) {
            byte[] data = records.get(r);
            byte[] length = new byte[8];
            long value = data.length;
            for (int i = 0; i < 8; i++) {
                length[i] = (byte) (value >>> (8 * i));
            }
            out.write(length);
            out.write(little(TfRecords.masked(length, 0, 8)));
            int crc = TfRecords.masked(data, 0, data.length);
            byte[] written = data.clone();
            if (r == corrupt) {
                written[written.length / 2] ^= 0x40;
            }
            out.write(written);
            out.write(little(crc));
        }
        Files.write(file, out.toByteArray());
    }

    private static byte[] little(int value) {
        return new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)};
    }
}
