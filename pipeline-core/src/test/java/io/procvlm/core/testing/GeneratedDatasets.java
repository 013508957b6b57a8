package io.procvlm.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The committed synthetic datasets in {@code src-test-data/lerobot/} and their ground truth. */
public final class GeneratedDatasets {
    public static final String V20_H264 = "lerobot-v20-pick-place-h264";
    public static final String V21_AV1 = "lerobot-v21-pick-place-av1";
    public static final String V30_AV1 = "lerobot-v30-pick-place-av1";
    public static final String V21_IMAGES = "lerobot-v21-images";
    public static final String V21_VIDEO_ONLY = "lerobot-v21-video-only";
    public static final String V30_NATIVE = "lerobot-v30-native-subtasks";
    public static final String V21_NATIVE = "lerobot-v21-native-subtasks";
    /** Episode 0 holds two tasks (its task_index changes inside it), episode 1 one. */
    public static final String V21_TWO_TASKS = "lerobot-v21-two-tasks";
    /** Datasets with proprioception and no shipped labels. */
    public static final List<String> ALL = List.of(V20_H264, V21_AV1, V30_AV1, V21_IMAGES);
    /** Every generated dataset. */
    public static final List<String> EVERY =
            List.of(V20_H264, V21_AV1, V30_AV1, V21_IMAGES, V21_VIDEO_ONLY, V30_NATIVE, V21_NATIVE);

    private static final ObjectMapper JSON = new ObjectMapper();

    private GeneratedDatasets() {}

    public static Path path(String name) {
        return TestData.srcTestData("lerobot/" + name);
    }

    /** Copies a dataset into {@code directory} so a test can damage it; returns the copy's root. */
    public static Path copy(String name, Path directory) {
        Path source = path(name);
        Path target = directory.resolve(name);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path destination = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(file, destination, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }

    /** One line of {@code ground_truth/phases.jsonl} per episode. */
    public static List<JsonNode> groundTruth(Path root) {
        try {
            List<JsonNode> episodes = new ArrayList<>();
            for (String line : Files.readAllLines(root.resolve("ground_truth/phases.jsonl"))) {
                if (!line.isBlank()) {
                    episodes.add(JSON.readTree(line));
                }
            }
            return episodes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
