package io.procvlm.core.config;

import static io.procvlm.core.config.ConfigProperty.bool;
import static io.procvlm.core.config.ConfigProperty.datasets;
import static io.procvlm.core.config.ConfigProperty.doubleValue;
import static io.procvlm.core.config.ConfigProperty.enumValue;
import static io.procvlm.core.config.ConfigProperty.integer;
import static io.procvlm.core.config.ConfigProperty.longValue;
import static io.procvlm.core.config.ConfigProperty.string;
import static io.procvlm.core.config.ConfigProperty.stringList;
import static io.procvlm.core.config.ConfigProperty.stringMap;

import java.util.List;

/** The configuration keys owned by {@code pipeline-core}: inputs, output, Spark, cameras, video and features. */
public final class CoreConfig {
    public static final String DATASETS = "datasets";
    public static final String OUTPUT_ROOT = "output.root";
    public static final String OUTPUT_ROWS_PER_FILE = "output.rows-per-file";
    public static final String RUN_SEED = "run.seed";
    public static final String SPARK_MASTER = "spark.master";
    public static final String SPARK_APP_NAME = "spark.app-name";
    public static final String SPARK_UI = "spark.ui";
    public static final String SPARK_CONF = "spark.conf";
    public static final String CAMERA_MAP = "camera.map";
    public static final String CAMERA_EXO_PATTERNS = "camera.exo-patterns";
    public static final String CAMERA_EGO_PATTERNS = "camera.ego-patterns";
    public static final String VIDEO_DECODER_THREADS = "video.decoder-threads";
    public static final String VIDEO_AV1_DECODER = "video.av1-decoder";
    public static final String VIDEO_TIMESTAMP_TOLERANCE = "video.timestamp-tolerance-frames";
    public static final String VIDEO_MAX_UNMATCHED_ROWS = "video.max-unmatched-rows";
    public static final String INDEX_MAX_TIMESTAMP_DRIFT = "index.max-timestamp-drift-frames";
    public static final String INDEX_MIN_FRAMES = "index.min-frames";
    public static final String FEATURES_WORKING_WIDTH = "features.working-width";
    public static final String FEATURES_FLOW = "features.flow";
    public static final String FEATURES_DIS_PRESET = "features.dis-preset";
    public static final String FEATURES_FRAME_DIFF = "features.frame-diff";
    public static final String FEATURES_PHASH = "features.phash";
    public static final String FEATURES_MOVING_THRESHOLD = "features.moving-threshold-px";
    public static final String FEATURES_IMAGES = "features.images";

    private CoreConfig() {}

    public static List<ConfigProperty> properties() {
        return List.of(
                datasets(
                        DATASETS,
                        "Datasets to read: a list of root folders, or of maps with path, format (auto or a format id),"
                                + " id and camera"),
                string(OUTPUT_ROOT, "out", "Output root folder (local path or Hadoop URI)"),
                longValue(
                        OUTPUT_ROWS_PER_FILE,
                        1_000_000L,
                        1_000L,
                        Long.MAX_VALUE,
                        "Target rows per Parquet file; whole episodes are never split across files"),
                longValue(
                        RUN_SEED,
                        42L,
                        Long.MIN_VALUE,
                        Long.MAX_VALUE,
                        "Seed for every random choice of the run (recorded in the manifest)"),
                string(SPARK_MASTER, "local[*]", "Spark master URL; local[*] runs in this JVM on every core"),
                string(SPARK_APP_NAME, "procvlm", "Spark application name"),
                bool(SPARK_UI, false, "Start the Spark web UI (bound to 127.0.0.1 in local mode)"),
                stringMap(SPARK_CONF, "Extra Spark settings passed through unchanged, e.g. spark.executor.memory"),
                stringMap(CAMERA_MAP, "Per-dataset exo camera key: dataset id -> camera key (checked first)"),
                stringList(
                        CAMERA_EXO_PATTERNS,
                        List.of("front", "exo", "exterior", "global", "high", "third", "top", "scene"),
                        "Words that mark a third-person camera key, tried in order"),
                stringList(
                        CAMERA_EGO_PATTERNS,
                        List.of("wrist", "ego", "interior", "hand", "gripper", "eye_in_hand", "depth"),
                        "Words that mark an egocentric camera key; such cameras are only used when nothing else exists"),
                integer(VIDEO_DECODER_THREADS, 1, 0, 64, "FFmpeg decoder threads per task (0 = FFmpeg's choice)"),
                enumValue(
                        VIDEO_AV1_DECODER,
                        "auto",
                        List.of("auto", "dav1d", "libaom"),
                        "AV1 decoder of the features stage, in the JVM: dav1d = the system's libdav1d (Debian"
                                + " libdav1d6) through JNA, about 2.5x faster per core than libaom, identical frames;"
                                + " libaom = JavaCV's FFmpeg; auto = dav1d when libdav1d is present, else"
                                + " libaom with warning DAV1D_UNAVAILABLE"),
                doubleValue(
                        VIDEO_TIMESTAMP_TOLERANCE,
                        0.25,
                        0.0,
                        0.5,
                        "How far (in frame periods) a decoded frame's timestamp may lie from its parquet row's"),
                integer(
                        VIDEO_MAX_UNMATCHED_ROWS,
                        0,
                        0,
                        Integer.MAX_VALUE,
                        "Parquet rows allowed without a matching video frame before the episode is quarantined"),
                doubleValue(
                        INDEX_MAX_TIMESTAMP_DRIFT,
                        0.5,
                        0.0,
                        1e9,
                        "How far (in frame periods) a row's timestamp may drift from frame_index / fps"),
                integer(INDEX_MIN_FRAMES, 2, 1, Integer.MAX_VALUE, "Episodes with fewer frames are quarantined"),
                integer(
                        FEATURES_WORKING_WIDTH,
                        160,
                        16,
                        4096,
                        "Width in pixels at which frame difference and optical flow are computed (aspect kept)"),
                enumValue(
                        FEATURES_FLOW,
                        "dis",
                        List.of("dis", "farneback", "none"),
                        "Dense optical flow algorithm (DIS is ~15x faster than Farneback at the same size)"),
                enumValue(
                        FEATURES_DIS_PRESET,
                        "ultrafast",
                        List.of("ultrafast", "fast", "medium"),
                        "DIS optical flow preset"),
                bool(FEATURES_FRAME_DIFF, true, "Compute the mean absolute frame difference"),
                enumValue(
                        FEATURES_PHASH,
                        "auto",
                        List.of("auto", "on", "off"),
                        "64-bit perceptual hash (imagehash.phash) of every frame at native resolution (adds ~10% to"
                                + " decode time): on, off, or auto = when a configured stage needs it (the reference"
                                + " progress mode)"),
                doubleValue(
                        FEATURES_MOVING_THRESHOLD,
                        1.0,
                        0.0,
                        1000.0,
                        "Flow magnitude (working-resolution pixels per frame) above which a pixel counts as moving"),
                bool(
                        FEATURES_IMAGES,
                        true,
                        "Also encode every frame's JPEG (vqa.image.* settings) from the features decode into the"
                                + " images/ table, which vqa reads instead of decoding the video again"));
    }
}
