package io.procvlm.core.testing.generator;

import io.procvlm.core.testing.generator.EpisodeScript.Variant;
import io.procvlm.core.testing.generator.LeRobotDatasetWriter.DatasetPlan;
import io.procvlm.core.testing.generator.LeRobotDatasetWriter.EpisodePlan;
import io.procvlm.core.testing.generator.VideoEncoder.Codec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic LeRobot datasets for the scale benchmark ({@code scripts/bench-scale}, issue 16): many scripted
 * pick-and-place episodes with tiny videos (64x48 H.264, no wrist camera), so that per-episode and per-file costs
 * weigh more than decoding. Two layouts of the same episodes: {@code scale-v21} (LeRobot v2.1, one parquet and one mp4
 * per episode) and {@code scale-v30} (LeRobot v3.0, many episodes per parquet and per mp4 file). Deterministic.
 *
 * <pre>
 *   ScaleDatasets OUT_DIR EPISODES [FRAMES_PER_V3_FILE]
 * </pre>
 *
 * Half the episodes (rounded up) go to {@code scale-v21}, the rest to {@code scale-v30}.
 */
public final class ScaleDatasets {
    /** Width of the generated videos. */
    public static final int WIDTH = 64;
    /** Height of the generated videos. */
    public static final int HEIGHT = 48;
    /** Default frames per v3.0 data and video file (about 50 episodes of ~155 frames each). */
    public static final int DEFAULT_FRAMES_PER_V3_FILE = 8_000;

    private static final String[] OBJECTS = {"red block", "blue cube", "green block", "yellow bottle"};
    private static final int[][] COLORS = {{40, 40, 200}, {190, 90, 40}, {60, 170, 60}, {40, 200, 220}};
    private static final Variant[] VARIANTS = {Variant.SUCCESS, Variant.RETRY, Variant.PAUSES, Variant.FAILURE};

    private ScaleDatasets() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: ScaleDatasets OUT_DIR EPISODES [FRAMES_PER_V3_FILE]");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        int episodes = Integer.parseInt(args[1]);
        int framesPerFile = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_FRAMES_PER_V3_FILE;
        int v21 = (episodes + 1) / 2;
        write(out.resolve("scale-v21"), v21Plan(v21));
        write(out.resolve("scale-v30"), v30Plan(episodes - v21, framesPerFile));
    }

    /** v2.1, one parquet and one mp4 per episode. */
    public static DatasetPlan v21Plan(int episodes) {
        return new DatasetPlan("v2.1", false, Codec.H264, WIDTH, HEIGHT, 15, true, false, episodes(episodes, 1), 0, 0);
    }

    /** v3.0, a new data file and a new video file every {@code framesPerFile} frames. */
    public static DatasetPlan v30Plan(int episodes, int framesPerFile) {
        return new DatasetPlan(
                "v3.0",
                false,
                Codec.H264,
                WIDTH,
                HEIGHT,
                15,
                true,
                false,
                episodes(episodes, 1_000_000),
                framesPerFile,
                framesPerFile);
    }

    /** The episodes: the four script variants and four objects in turn, one seed each. */
    static List<EpisodePlan> episodes(int count, long firstSeed) {
        List<EpisodePlan> plans = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int object = (i / VARIANTS.length) % OBJECTS.length;
            plans.add(new EpisodePlan(
                    VARIANTS[i % VARIANTS.length], OBJECTS[object], COLORS[object], "plate", firstSeed + i));
        }
        return plans;
    }

    private static void write(Path root, DatasetPlan plan) throws IOException {
        GenerateTestData.deleteRecursively(root);
        if (plan.episodes().isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        LeRobotDatasetWriter.write(root, plan);
        System.out.printf(
                java.util.Locale.ROOT,
                "wrote %s: %d episodes in %.1f s%n",
                root,
                plan.episodes().size(),
                (System.nanoTime() - start) / 1e9);
    }
}
