package io.procvlm.vqa;

import static io.procvlm.core.config.ConfigProperty.bool;
import static io.procvlm.core.config.ConfigProperty.doubleValue;
import static io.procvlm.core.config.ConfigProperty.integer;
import static io.procvlm.core.config.ConfigProperty.longValue;
import static io.procvlm.core.config.ConfigProperty.string;
import static io.procvlm.core.config.ConfigProperty.stringList;
import static io.procvlm.core.config.ConfigProperty.stringMap;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.ConfigProperty;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the {@code vqa} stage: which families, how they are sampled (the reference's rates as defaults), how
 * episodes are split, and how images and shards are written.
 *
 * @param families the families to build, in output order
 * @param seed the run seed ({@code run.seed}): drives sampling only
 * @param splitSalt salt of the episode-to-split hash ({@code vqa.split-salt}): split membership does not depend on the
 *     seed
 * @param context token counts, context split and packing ({@code vqa.tokens.*}, {@code vqa.context.*},
 *     {@code vqa.pack.*})
 */
public record VqaConfig(
        List<VqaFamily> families,
        long seed,
        String splitSalt,
        double testRatio,
        List<String> oodDatasets,
        List<String> oodTasks,
        double progressKeep,
        double planningKeep,
        double singleFrameProbability,
        int windowMinHistory,
        int windowMaxHistory,
        int finishedCap,
        int segmentationMinFrames,
        int segmentationMaxFrames,
        int rangeMinFrames,
        int rangeMaxFrames,
        int maxExtraSegmentations,
        int imageMaxSide,
        boolean keepAspect,
        int jpegQuality,
        long samplesPerFile,
        long imagesPerFile,
        boolean materialize,
        String templates,
        Map<String, String> licenses,
        ContextConfig context)
        implements Serializable {
    public static final String FAMILIES = "vqa.families";
    public static final String SPLIT_SALT = "vqa.split-salt";
    public static final String TEST_RATIO = "vqa.test-ratio";
    public static final String OOD_DATASETS = "vqa.ood-datasets";
    public static final String OOD_TASKS = "vqa.ood-tasks";
    public static final String PROGRESS_KEEP = "vqa.progress.keep-probability";
    public static final String PLANNING_KEEP = "vqa.planning.keep-probability";
    public static final String SINGLE_FRAME = "vqa.window.single-frame-probability";
    public static final String WINDOW_MIN = "vqa.window.min-history";
    public static final String WINDOW_MAX = "vqa.window.max-history";
    public static final String FINISHED_CAP = "vqa.finished-cap";
    public static final String SEGMENTATION_MIN = "vqa.segmentation.min-frames";
    public static final String SEGMENTATION_MAX = "vqa.segmentation.max-frames";
    public static final String RANGE_MIN = "vqa.segmentation.range-min-frames";
    public static final String RANGE_MAX = "vqa.segmentation.range-max-frames";
    public static final String EXTRA_SEGMENTATIONS = "vqa.segmentation.max-extra";
    public static final String IMAGE_MAX_SIDE = "vqa.image.max-side";
    public static final String KEEP_ASPECT = "vqa.image.keep-aspect";
    public static final String JPEG_QUALITY = "vqa.image.jpeg-quality";
    public static final String SAMPLES_PER_FILE = "vqa.samples-per-file";
    public static final String IMAGES_PER_FILE = "vqa.images-per-file";
    public static final String MATERIALIZE = "vqa.materialize";
    public static final String TEMPLATES = "vqa.templates";
    public static final String LICENSES = "vqa.licenses";

    public VqaConfig {
        families = List.copyOf(families);
        oodDatasets = List.copyOf(oodDatasets);
        oodTasks = List.copyOf(oodTasks);
        licenses = Map.copyOf(licenses);
    }

    public static List<ConfigProperty> properties() {
        List<ConfigProperty> all = new java.util.ArrayList<>(ownProperties());
        all.addAll(ContextConfig.properties());
        return List.copyOf(all);
    }

    private static List<ConfigProperty> ownProperties() {
        return List.of(
                stringList(
                        FAMILIES,
                        List.of("segmentation", "planning", "progress"),
                        "Task families to build: segmentation (a1/a2), planning (b1/b2), progress (c)"),
                string(
                        SPLIT_SALT,
                        "procvqa",
                        "Salt of the hash that puts each episode in train or test; independent of run.seed, so a new"
                                + " seed changes samples but never split membership"),
                doubleValue(TEST_RATIO, 0.1, 0.0, 1.0, "Share of the in-domain episodes that go to the test split"),
                stringList(
                        OOD_DATASETS,
                        List.of(),
                        "Dataset ids held out whole as the ood split (out-of-distribution evaluation)"),
                stringList(
                        OOD_TASKS,
                        List.of(),
                        "Task texts (case-insensitive) whose episodes are held out as the ood split"),
                doubleValue(
                        PROGRESS_KEEP,
                        0.8,
                        0.0,
                        1.0,
                        "Progress family: probability that a frame gets a sample (the reference skips 20%)"),
                doubleValue(
                        PLANNING_KEEP,
                        0.6,
                        0.0,
                        1.0,
                        "Planning family: probability that a frame gets a sample (the reference skips 40%)"),
                doubleValue(
                        SINGLE_FRAME,
                        0.3,
                        0.0,
                        1.0,
                        "Planning and progress: probability that the window is the current frame alone"),
                integer(WINDOW_MIN, 4, 0, 256, "Planning and progress: fewest earlier frames in a window"),
                integer(
                        WINDOW_MAX,
                        16,
                        0,
                        256,
                        "Planning and progress: most earlier frames in a window (4-16: windows of 5-17 frames)"),
                integer(
                        FINISHED_CAP,
                        10,
                        0,
                        100000,
                        "Planning and progress: most samples per episode of frames where the task is finished"),
                integer(SEGMENTATION_MIN, 32, 2, 4096, "Segmentation: fewest sampled frames over a whole episode"),
                integer(SEGMENTATION_MAX, 96, 2, 4096, "Segmentation: most sampled frames over a whole episode"),
                integer(RANGE_MIN, 16, 2, 4096, "Segmentation sub-ranges: fewest sampled frames"),
                integer(RANGE_MAX, 64, 2, 4096, "Segmentation sub-ranges: most sampled frames"),
                integer(
                        EXTRA_SEGMENTATIONS,
                        2,
                        0,
                        16,
                        "Segmentation: most extra samples per episode beyond the whole-episode one (the reference"
                                + " draws 0, one without the task name, or up to 2 sub-ranges)"),
                integer(IMAGE_MAX_SIDE, 480, 16, 8192, "Images: longest side in pixels (never upscaled)"),
                bool(
                        KEEP_ASPECT,
                        true,
                        "Images: keep the aspect ratio (false squashes to max-side x max-side, as the reference)"),
                integer(JPEG_QUALITY, 90, 1, 100, "Images: JPEG quality"),
                longValue(SAMPLES_PER_FILE, 100_000, 100, Long.MAX_VALUE, "Target samples per Parquet/Arrow shard"),
                longValue(IMAGES_PER_FILE, 10_000, 100, Long.MAX_VALUE, "Target images per image-table shard"),
                bool(
                        MATERIALIZE,
                        false,
                        "Also embed each sample's images in its row as a list of {bytes, path} structs (Hugging Face"
                                + " datasets Image features): self-contained shards, several times larger"),
                string(
                        TEMPLATES,
                        "embedded",
                        "Question and answer templates: 'embedded' (the same as conf/vqa-templates.yaml) or a YAML"
                                + " file"),
                stringMap(
                        LICENSES,
                        "Dataset card: license of each source dataset (dataset id -> license id), over what the"
                                + " dataset's README, LICENSE or meta/info.json says"));
    }

    public static VqaConfig from(Config config) {
        List<VqaFamily> families = config.stringList(FAMILIES).stream()
                .map(id -> VqaFamily.fromId(id, config))
                .distinct()
                .toList();
        if (families.isEmpty()) {
            throw invalid(config, FAMILIES, "", "expected at least one of segmentation, planning, progress");
        }
        if (config.integer(WINDOW_MIN) > config.integer(WINDOW_MAX)) {
            throw invalid(config, WINDOW_MIN, config.integer(WINDOW_MIN), "must not exceed " + WINDOW_MAX);
        }
        if (config.integer(SEGMENTATION_MIN) > config.integer(SEGMENTATION_MAX)) {
            throw invalid(
                    config, SEGMENTATION_MIN, config.integer(SEGMENTATION_MIN), "must not exceed " + SEGMENTATION_MAX);
        }
        if (config.integer(RANGE_MIN) > config.integer(RANGE_MAX)) {
            throw invalid(config, RANGE_MIN, config.integer(RANGE_MIN), "must not exceed " + RANGE_MAX);
        }
        return new VqaConfig(
                families,
                config.longValue(CoreConfig.RUN_SEED),
                config.string(SPLIT_SALT),
                config.doubleValue(TEST_RATIO),
                config.stringList(OOD_DATASETS),
                config.stringList(OOD_TASKS).stream()
                        .map(task -> task.toLowerCase(Locale.ROOT).strip())
                        .toList(),
                config.doubleValue(PROGRESS_KEEP),
                config.doubleValue(PLANNING_KEEP),
                config.doubleValue(SINGLE_FRAME),
                config.integer(WINDOW_MIN),
                config.integer(WINDOW_MAX),
                config.integer(FINISHED_CAP),
                config.integer(SEGMENTATION_MIN),
                config.integer(SEGMENTATION_MAX),
                config.integer(RANGE_MIN),
                config.integer(RANGE_MAX),
                config.integer(EXTRA_SEGMENTATIONS),
                config.integer(IMAGE_MAX_SIDE),
                config.bool(KEEP_ASPECT),
                config.integer(JPEG_QUALITY),
                config.longValue(SAMPLES_PER_FILE),
                config.longValue(IMAGES_PER_FILE),
                config.bool(MATERIALIZE),
                config.string(TEMPLATES),
                config.stringMap(LICENSES),
                ContextConfig.from(config));
    }

    /** The defaults of every key, with {@code seed}. */
    public static VqaConfig defaults(long seed) {
        return load(seed);
    }

    /** The defaults with {@code run.seed} = {@code seed} and {@code overrides} ({@code key=value}, as {@code --set}). */
    public static VqaConfig load(long seed, String... overrides) {
        List<String> all = new java.util.ArrayList<>(List.of(CoreConfig.RUN_SEED + "=" + seed));
        all.addAll(List.of(overrides));
        return from(new io.procvlm.core.config.ConfigLoader(
                        io.procvlm.core.config.ConfigSchema.of(List.of(CoreConfig.properties(), properties())))
                .load(null, all));
    }

    private static PipelineException invalid(Config config, String key, Object value, String why) {
        return new PipelineException(
                CoreErrorCode.CONFIG_INVALID_VALUE,
                "Invalid value '" + value + "' for configuration key '" + key + "' (from " + config.source(key) + "): "
                        + why);
    }
}
