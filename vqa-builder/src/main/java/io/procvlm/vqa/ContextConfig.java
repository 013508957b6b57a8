package io.procvlm.vqa;

import static io.procvlm.core.config.ConfigProperty.doubleValue;
import static io.procvlm.core.config.ConfigProperty.enumValue;
import static io.procvlm.core.config.ConfigProperty.integer;
import static io.procvlm.core.config.ConfigProperty.longValue;
import static io.procvlm.core.config.ConfigProperty.string;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.ConfigProperty;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.Locations;
import io.procvlm.vqa.tokens.EstimatedTextTokens;
import io.procvlm.vqa.tokens.TextTokens;
import io.procvlm.vqa.tokens.TokenCounter;
import io.procvlm.vqa.tokens.TokenizerTextTokens;
import io.procvlm.vqa.tokens.VisionModel;
import io.procvlm.vqa.tokens.VisionTokens;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * How ProcVQA samples are made ready for the trainer (reference stages 5, 5b, 7 and 8): token counting, the image
 * down-size of samples above the maximum, the short / long context split with replay, and packing.
 *
 * @param counter counts a sample's tokens
 * @param tokenizer the tokenizer file ({@code vqa.tokens.tokenizer}), empty for the estimate
 * @param shortMax samples below this many tokens form the short set
 * @param longMax samples of {@code shortMax}..{@code longMax} tokens form the long set; above it they are dropped
 * @param replay share of the short samples also put in the long set
 * @param minVideoSeconds samples of episodes (videos) shorter than this are dropped
 * @param resizeSide longest side of the down-sized images of samples above {@code longMax} (0: no down-size)
 * @param shortCapacity tokens per pack of the short set
 * @param longCapacity tokens per pack of the long set
 * @param chunkRows packing works on chunks of this many samples
 */
public record ContextConfig(
        TokenCounter counter,
        String tokenizer,
        long shortMax,
        long longMax,
        double replay,
        double minVideoSeconds,
        int resizeSide,
        long shortCapacity,
        long longCapacity,
        int chunkRows)
        implements Serializable {
    public static final String TOKENIZER = "vqa.tokens.tokenizer";
    public static final String VISION_MODEL = "vqa.tokens.vision-model";
    public static final String MIN_PIXELS = "vqa.tokens.min-pixels";
    public static final String MAX_PIXELS = "vqa.tokens.max-pixels";
    public static final String CHAT_OVERHEAD = "vqa.tokens.chat-overhead";
    public static final String SHORT_MAX = "vqa.context.short-max";
    public static final String LONG_MAX = "vqa.context.long-max";
    public static final String REPLAY = "vqa.context.replay";
    public static final String MIN_VIDEO_SECONDS = "vqa.context.min-video-seconds";
    public static final String RESIZE_SIDE = "vqa.context.resize-side";
    public static final String SHORT_CAPACITY = "vqa.pack.short-capacity";
    public static final String LONG_CAPACITY = "vqa.pack.long-capacity";
    public static final String CHUNK_ROWS = "vqa.pack.chunk-rows";

    /** The context sets, in output order. */
    public static final String SHORT = "short";

    public static final String LONG = "long";
    public static final String DROPPED = "dropped";
    public static final List<String> SETS = List.of(SHORT, LONG);

    /** Why a sample is in no context set. */
    public static final String TOO_SHORT_VIDEO = "video-too-short";

    public static final String TOO_MANY_TOKENS = "too-many-tokens";

    public static List<ConfigProperty> properties() {
        return List.of(
                string(
                        TOKENIZER,
                        "",
                        "Token counts: the target model's tokenizer.json (Hugging Face tokenizers format, read offline"
                                + " through DJL) for exact text tokens; empty: an estimate (special tokens 1, other"
                                + " text 1 per 4 characters), flagged as such in stats.json and the card"),
                enumValue(
                        VISION_MODEL,
                        "qwen2-vl",
                        VisionModel.ids(),
                        "Token counts: the vision encoder whose image rule counts image tokens (smart_resize to"
                                + " multiples of patch x 2, then one token per 2x2 patches): qwen2-vl and qwen2.5-vl"
                                + " (patch 14), qwen3-vl (patch 16)"),
                longValue(
                        MIN_PIXELS,
                        0,
                        0,
                        Long.MAX_VALUE,
                        "Token counts: the image processor's min_pixels (0: the model's default, 3136 for"
                                + " Qwen2/2.5-VL, 65536 for Qwen3-VL)"),
                longValue(
                        MAX_PIXELS,
                        0,
                        0,
                        Long.MAX_VALUE,
                        "Token counts: the image processor's max_pixels (0: the model's default, 1003520 for"
                                + " Qwen2/2.5-VL, 16777216 for Qwen3-VL)"),
                integer(
                        CHAT_OVERHEAD,
                        21,
                        0,
                        100_000,
                        "Token counts: tokens added to every sample for the chat frame (the reference counts 21)"),
                longValue(
                        SHORT_MAX,
                        8192,
                        1,
                        Long.MAX_VALUE,
                        "Context split: samples below this many tokens form the short set"),
                longValue(
                        LONG_MAX,
                        16384,
                        1,
                        Long.MAX_VALUE,
                        "Context split: samples from short-max up to this many tokens form the long set; samples"
                                + " above it (after the image down-size) are dropped and counted"),
                doubleValue(
                        REPLAY,
                        0.01,
                        0.0,
                        1.0,
                        "Context split: share of the short samples also put in the long set (replay), drawn by a"
                                + " hash of run.seed and the sample id"),
                doubleValue(
                        MIN_VIDEO_SECONDS,
                        1.0,
                        0.0,
                        1e9,
                        "Context split: samples of episodes whose video is shorter than this many seconds are"
                                + " dropped and counted"),
                integer(
                        RESIZE_SIDE,
                        320,
                        0,
                        8192,
                        "Samples above long-max tokens get their images again at this longest side (the reference's"
                                + " 320x320 variant; vqa.image.keep-aspect applies), stored once each beside the"
                                + " others; 0: no down-size"),
                longValue(SHORT_CAPACITY, 8000, 1, Long.MAX_VALUE, "Packing: tokens per pack of the short set"),
                longValue(LONG_CAPACITY, 16000, 1, Long.MAX_VALUE, "Packing: tokens per pack of the long set"),
                integer(
                        CHUNK_ROWS,
                        4096,
                        1,
                        1 << 24,
                        "Packing: samples are packed in chunks of this many rows (in a seeded order), as the"
                                + " reference does"));
    }

    public static ContextConfig from(Config config) {
        VisionModel model = VisionModel.fromId(config.string(VISION_MODEL));
        long minPixels = config.longValue(MIN_PIXELS) > 0 ? config.longValue(MIN_PIXELS) : model.defaultMinPixels();
        long maxPixels = config.longValue(MAX_PIXELS) > 0 ? config.longValue(MAX_PIXELS) : model.defaultMaxPixels();
        if (minPixels > maxPixels) {
            throw invalid(config, MIN_PIXELS, minPixels, "must not exceed the max-pixels in use, " + maxPixels);
        }
        if (config.longValue(SHORT_MAX) > config.longValue(LONG_MAX)) {
            throw invalid(config, SHORT_MAX, config.longValue(SHORT_MAX), "must not exceed " + LONG_MAX);
        }
        String tokenizer = config.string(TOKENIZER).strip();
        TextTokens text = tokenizer.isEmpty() ? new EstimatedTextTokens() : load(config, tokenizer);
        return new ContextConfig(
                new TokenCounter(text, new VisionTokens(model, minPixels, maxPixels), config.integer(CHAT_OVERHEAD)),
                tokenizer,
                config.longValue(SHORT_MAX),
                config.longValue(LONG_MAX),
                config.doubleValue(REPLAY),
                config.doubleValue(MIN_VIDEO_SECONDS),
                config.integer(RESIZE_SIDE),
                config.longValue(SHORT_CAPACITY),
                config.longValue(LONG_CAPACITY),
                config.integer(CHUNK_ROWS));
    }

    private static TextTokens load(Config config, String location) {
        String absolute = Locations.absolute(location);
        Path path = new Path(absolute);
        try {
            FileSystem fileSystem = path.getFileSystem(HadoopConf.get());
            try (InputStream in = fileSystem.open(path)) {
                return new TokenizerTextTokens(new String(in.readAllBytes(), StandardCharsets.UTF_8), location);
            }
        } catch (IOException e) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_UNREADABLE,
                    "Cannot read the tokenizer file '" + location + "' (" + TOKENIZER + ", from "
                            + config.source(TOKENIZER) + "): " + e.getMessage(),
                    e);
        }
    }

    /** The capacity of a context set's packs. */
    public long capacity(String set) {
        return set.equals(SHORT) ? shortCapacity : longCapacity;
    }

    /** The reference trainer's name of a set's packed file: {@code trun8192} (short) or {@code ext16384} (long). */
    public String packName(String set) {
        return set.equals(SHORT) ? "trun" + shortMax : "ext" + longMax;
    }

    /** The set of a sample of {@code tokens}: short, long, or dropped (above long-max). */
    public String setOf(long tokens) {
        if (tokens < shortMax) {
            return SHORT;
        }
        return tokens <= longMax ? LONG : DROPPED;
    }

    /** Whether a short sample is also replayed in the long set: a hash of the seed and its id below the share. */
    public boolean replayed(long seed, String sampleId) {
        return replay > 0 && Splits.unitHash(seed + "\u0000replay\u0000" + sampleId) < replay;
    }

    private static PipelineException invalid(Config config, String key, Object value, String why) {
        return new PipelineException(
                CoreErrorCode.CONFIG_INVALID_VALUE,
                "Invalid value '" + value + "' for configuration key '" + key + "' (from " + config.source(key) + "): "
                        + why);
    }
}
