package io.procvlm.core.testing.generator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.procvlm.core.testing.generator.EpisodeScript.Variant;
import io.procvlm.core.testing.generator.LeRobotDatasetWriter.DatasetPlan;
import io.procvlm.core.testing.generator.LeRobotDatasetWriter.EpisodePlan;
import io.procvlm.core.testing.generator.VideoEncoder.Codec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Scalar;

/**
 * Regenerates the committed test data under {@code src-test-data/}: small synthetic LeRobot datasets of every
 * version and storage kind, short clips in each codec, and the other formats read in place ({@link
 * FormatDatasetsWriter}: AgiBot World, robomimic HDF5, RLDS, image sequences, each with a malformed sample). Run it with {@code scripts/generate-test-data} (it needs
 * the GPL FFmpeg build for the HEVC clip). Output is deterministic.
 */
public final class GenerateTestData {
    private static final int[] RED = {40, 40, 200};
    private static final int[] BLUE = {190, 90, 40};
    private static final int[] YELLOW = {40, 200, 220};
    private static final int[] GREEN = {60, 170, 60};

    private GenerateTestData() {}

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args.length > 0 ? args[0] : "src-test-data");
        boolean withHevc = args.length < 2 || !args[1].equals("--no-hevc");
        Path lerobot = out.resolve("lerobot");
        for (DatasetEntry entry : datasets()) {
            Path root = lerobot.resolve(entry.name());
            deleteRecursively(root);
            LeRobotDatasetWriter.write(root, entry.plan());
            System.out.println("wrote " + root);
        }
        writeCodecSamples(out.resolve("video"), withHevc);
        FormatDatasetsWriter.writeAll(out);
    }

    /** A dataset and its folder name. */
    public record DatasetEntry(String name, DatasetPlan plan) {}

    /** The committed demo datasets. */
    public static List<DatasetEntry> datasets() {
        return List.of(
                new DatasetEntry(
                        "lerobot-v20-pick-place-h264",
                        new DatasetPlan(
                                "v2.0",
                                false,
                                Codec.H264,
                                256,
                                192,
                                15,
                                true,
                                true,
                                List.of(
                                        new EpisodePlan(Variant.SUCCESS, "red block", RED, "plate", 101),
                                        new EpisodePlan(Variant.RETRY, "red block", RED, "plate", 102),
                                        new EpisodePlan(Variant.FAILURE, "red block", RED, "plate", 103)),
                                0,
                                0)),
                new DatasetEntry(
                        "lerobot-v21-pick-place-av1",
                        new DatasetPlan(
                                "v2.1",
                                false,
                                Codec.AV1,
                                256,
                                192,
                                15,
                                true,
                                false,
                                List.of(
                                        new EpisodePlan(Variant.SUCCESS, "blue cube", BLUE, "plate", 201),
                                        new EpisodePlan(Variant.PAUSES, "yellow bottle", YELLOW, "plate", 202),
                                        new EpisodePlan(Variant.RETRY, "red block", RED, "plate", 203)),
                                0,
                                0)),
                new DatasetEntry(
                        "lerobot-v30-pick-place-av1",
                        new DatasetPlan(
                                "v3.0",
                                false,
                                Codec.AV1,
                                256,
                                192,
                                15,
                                true,
                                false,
                                List.of(
                                        new EpisodePlan(Variant.SUCCESS, "green block", GREEN, "plate", 301),
                                        new EpisodePlan(Variant.RETRY, "blue cube", BLUE, "plate", 302),
                                        new EpisodePlan(Variant.PAUSES, "red block", RED, "plate", 303),
                                        new EpisodePlan(Variant.FAILURE, "yellow bottle", YELLOW, "plate", 304),
                                        new EpisodePlan(Variant.SUCCESS, "red block", RED, "plate", 305)),
                                300,
                                400)),
                new DatasetEntry(
                        "lerobot-v21-images",
                        new DatasetPlan(
                                "v2.1",
                                true,
                                Codec.H264,
                                96,
                                72,
                                10,
                                true,
                                false,
                                List.of(
                                        new EpisodePlan(Variant.SUCCESS, "red block", RED, "plate", 401),
                                        new EpisodePlan(Variant.FAILURE, "blue cube", BLUE, "plate", 402)),
                                0,
                                0)),
                new DatasetEntry(
                        "lerobot-v21-video-only",
                        new DatasetPlan(
                                "v2.1",
                                false,
                                Codec.H264,
                                160,
                                120,
                                15,
                                false,
                                false,
                                List.of(
                                        new EpisodePlan(Variant.SUCCESS, "red block", RED, "plate", 501),
                                        new EpisodePlan(Variant.PAUSES, "blue cube", BLUE, "plate", 502),
                                        new EpisodePlan(Variant.RETRY, "green block", GREEN, "plate", 503)),
                                0,
                                0)),
                new DatasetEntry(
                        "lerobot-v30-native-subtasks",
                        new DatasetPlan(
                                "v3.0",
                                false,
                                Codec.H264,
                                160,
                                120,
                                15,
                                true,
                                false,
                                List.of(
                                        new EpisodePlan(Variant.SUCCESS, "red block", RED, "plate", 601),
                                        new EpisodePlan(Variant.RETRY, "yellow bottle", YELLOW, "plate", 602)),
                                1000,
                                1000,
                                LeRobotDatasetWriter.NativeLabels.SUBTASK_INDEX_AND_LANGUAGE)),
                new DatasetEntry(
                        "lerobot-v21-native-subtasks",
                        new DatasetPlan(
                                "v2.1",
                                false,
                                Codec.H264,
                                160,
                                120,
                                15,
                                true,
                                false,
                                List.of(
                                        new EpisodePlan(Variant.SUCCESS, "blue cube", BLUE, "plate", 701),
                                        new EpisodePlan(Variant.FAILURE, "green block", GREEN, "plate", 702)),
                                0,
                                0,
                                LeRobotDatasetWriter.NativeLabels.SUB_TASK_INDEX)),
                new DatasetEntry(
                        "lerobot-v21-two-tasks",
                        new DatasetPlan(
                                "v2.1",
                                false,
                                Codec.H264,
                                128,
                                96,
                                15,
                                true,
                                false,
                                List.of(
                                        new EpisodePlan(Variant.SUCCESS, "red block", RED, "plate", 801)
                                                .followedBy(new EpisodePlan(
                                                        Variant.SUCCESS, "blue cube", BLUE, "plate", 802)),
                                        new EpisodePlan(Variant.SUCCESS, "yellow bottle", YELLOW, "plate", 803)),
                                0,
                                0)));
    }

    /** The same 30-frame clip (a square moving over a textured background) in each codec. */
    static void writeCodecSamples(Path folder, boolean withHevc) throws IOException {
        Files.createDirectories(folder);
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode expected = json.createObjectNode();
        expected.put("generator", GenerateTestData.class.getName());
        ArrayNode clips = expected.putArray("clips");
        for (Codec codec : Codec.values()) {
            if (codec == Codec.HEVC && !withHevc) {
                continue;
            }
            String name = "moving-square-" + codec.name().toLowerCase(Locale.ROOT) + ".mp4";
            Path file = folder.resolve(name);
            int frames = 30;
            try (SceneRenderer renderer = new SceneRenderer(160, 120, 7, new Scalar(40, 40, 200, 0), 0.8);
                    VideoEncoder encoder = new VideoEncoder(file.toFile(), 160, 120, 15, codec)) {
                for (int i = 0; i < frames; i++) {
                    double x = 0.2 + 0.6 * i / (frames - 1);
                    encoder.write(renderer.render(new SceneState(x, 0.4, 0.5, x, 0.35, true)));
                }
            }
            ObjectNode clip = clips.addObject();
            clip.put("file", name);
            clip.put(
                    "codec",
                    switch (codec) {
                        case H264 -> "h264";
                        case AV1 -> "av1";
                        case HEVC -> "hevc";
                        case MPEG4 -> "mpeg4";
                    });
            clip.put("frames", frames);
            clip.put("width", 160);
            clip.put("height", 120);
            clip.put("fps", 15);
            System.out.println("wrote " + file);
        }
        Files.writeString(folder.resolve("expected.json"), json.writeValueAsString(expected) + "\n");
    }

    static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
