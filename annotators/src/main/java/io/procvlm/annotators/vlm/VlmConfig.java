package io.procvlm.annotators.vlm;

import static io.procvlm.core.config.ConfigProperty.doubleValue;
import static io.procvlm.core.config.ConfigProperty.integer;
import static io.procvlm.core.config.ConfigProperty.longValue;
import static io.procvlm.core.config.ConfigProperty.string;
import static io.procvlm.core.config.ConfigProperty.stringList;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.ConfigProperty;
import io.procvlm.core.config.CoreConfig;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Locations;
import java.net.URI;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Configuration keys of the {@code vlm} annotator ({@code annotate.vlm.*}). */
public final class VlmConfig {
    public static final String ENDPOINTS = "annotate.vlm.endpoints";
    public static final String MODEL = "annotate.vlm.model";
    public static final String API_KEY_ENV = "annotate.vlm.api-key-env";
    public static final String SAMPLE_FPS = "annotate.vlm.sample-fps";
    public static final String MAX_FRAMES = "annotate.vlm.max-frames";
    public static final String IMAGE_MAX_SIDE = "annotate.vlm.image-max-side";
    public static final String JPEG_QUALITY = "annotate.vlm.jpeg-quality";
    public static final String CONTACT_SHEET = "annotate.vlm.contact-sheet";
    public static final String TEMPERATURE = "annotate.vlm.temperature";
    public static final String MAX_TOKENS = "annotate.vlm.max-tokens";
    public static final String TIMEOUT_SECONDS = "annotate.vlm.timeout-seconds";
    public static final String MAX_ATTEMPTS = "annotate.vlm.max-attempts";
    public static final String BACKOFF_INITIAL_MS = "annotate.vlm.backoff-initial-ms";
    public static final String BACKOFF_MAX_MS = "annotate.vlm.backoff-max-ms";
    public static final String CONCURRENCY = "annotate.vlm.concurrency";
    public static final String CIRCUIT_FAILURES = "annotate.vlm.circuit-failures";
    public static final String CIRCUIT_OPEN_SECONDS = "annotate.vlm.circuit-open-seconds";
    public static final String REPAIR_ATTEMPTS = "annotate.vlm.repair-attempts";
    public static final String CACHE = "annotate.vlm.cache";
    public static final String PROMPTS = "annotate.vlm.prompts";

    private static final Pattern SHEET = Pattern.compile("(\\d{1,2})x(\\d{1,2})");

    private VlmConfig() {}

    public static List<ConfigProperty> properties() {
        return List.of(
                stringList(
                        ENDPOINTS,
                        List.of(),
                        "VLM annotator: base URLs of OpenAI-compatible chat endpoints (vLLM, SGLang, DJL Serving, ...),"
                                + " e.g. http://gpu-1:8000/v1; requests go round-robin"),
                string(MODEL, "Qwen/Qwen3-VL-8B-Instruct", "VLM annotator: the model id sent with every request"),
                string(
                        API_KEY_ENV,
                        "PROCVLM_VLM_API_KEY",
                        "VLM annotator: name of the environment variable holding the API key (sent as a bearer"
                                + " token; never logged or recorded); unset or empty sends none"),
                doubleValue(
                        SAMPLE_FPS, 2.0, 0.01, 120.0, "VLM annotator: frames per second of video shown to the model"),
                integer(MAX_FRAMES, 32, 2, 512, "VLM annotator: most frames shown per request (uniform in time)"),
                integer(IMAGE_MAX_SIDE, 448, 32, 4096, "VLM annotator: longest side of a frame sent, aspect kept"),
                integer(JPEG_QUALITY, 85, 1, 100, "VLM annotator: JPEG quality of the frames sent"),
                string(
                        CONTACT_SHEET,
                        "off",
                        "VLM annotator: tile frames into timestamped contact sheets of CxR frames (e.g. 3x3) to cut"
                                + " the images per request, or off"),
                doubleValue(TEMPERATURE, 0.1, 0.0, 2.0, "VLM annotator: sampling temperature"),
                integer(MAX_TOKENS, 2048, 16, 131072, "VLM annotator: max_tokens of each answer"),
                doubleValue(
                        TIMEOUT_SECONDS, 120.0, 0.1, 3600.0, "VLM annotator: HTTP timeout of one request, in seconds"),
                integer(
                        MAX_ATTEMPTS,
                        5,
                        1,
                        50,
                        "VLM annotator: HTTP attempts per request (retries on timeouts, connection errors, 429, 5xx)"),
                longValue(BACKOFF_INITIAL_MS, 500, 0, 600_000, "VLM annotator: first retry delay (doubles, jittered)"),
                longValue(BACKOFF_MAX_MS, 30_000, 0, 3_600_000, "VLM annotator: longest retry delay"),
                integer(
                        CONCURRENCY,
                        8,
                        1,
                        4096,
                        "VLM annotator: requests in flight per endpoint from one executor JVM"),
                integer(
                        CIRCUIT_FAILURES,
                        5,
                        1,
                        1000,
                        "VLM annotator: consecutive failures after which an endpoint is left alone for a while"),
                doubleValue(
                        CIRCUIT_OPEN_SECONDS,
                        30.0,
                        0.0,
                        3600.0,
                        "VLM annotator: how long an endpoint whose circuit opened is left alone"),
                integer(
                        REPAIR_ATTEMPTS,
                        1,
                        0,
                        5,
                        "VLM annotator: follow-up requests asking the model to fix an answer that does not validate"),
                string(
                        CACHE,
                        "",
                        "VLM annotator: response cache folder (local or Hadoop URI, shared by all executors); empty"
                                + " for <output.root>/_vlm_cache"),
                string(
                        PROMPTS,
                        "embedded",
                        "VLM annotator: prompt templates, 'embedded' (the same as conf/vlm-prompts.yaml) or a YAML"
                                + " file"));
    }

    /** The settings of the {@code vlm} annotator; a bad value fails here, naming the key. */
    public static VlmSettings settings(Config config) {
        return settings(config, true);
    }

    /** As {@link #settings(Config)}; {@code procvlm plan} needs no endpoint. */
    public static VlmSettings settings(Config config, boolean requireEndpoints) {
        List<String> endpoints = config.stringList(ENDPOINTS);
        if (endpoints.isEmpty() && requireEndpoints) {
            throw new PipelineException(
                    CoreErrorCode.CONFIG_MISSING_VALUE,
                    "annotate.annotator=vlm needs " + ENDPOINTS + ": the base URL of at least one OpenAI-compatible"
                            + " chat endpoint, e.g. --set " + ENDPOINTS + "=http://127.0.0.1:8000/v1");
        }
        for (String endpoint : endpoints) {
            URI uri;
            try {
                uri = URI.create(endpoint);
            } catch (IllegalArgumentException e) {
                throw invalid(config, ENDPOINTS, endpoint, "not a URL");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw invalid(config, ENDPOINTS, endpoint, "expected an http(s) URL such as http://host:8000/v1");
            }
        }
        String sheet = config.string(CONTACT_SHEET);
        int columns = 0;
        int rows = 0;
        if (!sheet.equals("off")) {
            Matcher matcher = SHEET.matcher(sheet);
            if (!matcher.matches()
                    || Integer.parseInt(matcher.group(1)) < 1
                    || Integer.parseInt(matcher.group(2)) < 1) {
                throw invalid(config, CONTACT_SHEET, sheet, "expected off or CxR, e.g. 3x3");
            }
            columns = Integer.parseInt(matcher.group(1));
            rows = Integer.parseInt(matcher.group(2));
        }
        String cache = config.string(CACHE);
        if (cache.isBlank()) {
            cache = Locations.absolute(config.string(CoreConfig.OUTPUT_ROOT)) + "/_vlm_cache";
        }
        return new VlmSettings(
                endpoints,
                config.string(MODEL),
                config.string(API_KEY_ENV),
                config.doubleValue(SAMPLE_FPS),
                config.integer(MAX_FRAMES),
                config.integer(IMAGE_MAX_SIDE),
                config.integer(JPEG_QUALITY),
                columns,
                rows,
                config.doubleValue(TEMPERATURE),
                config.integer(MAX_TOKENS),
                config.longValue(CoreConfig.RUN_SEED),
                config.doubleValue(TIMEOUT_SECONDS),
                config.integer(MAX_ATTEMPTS),
                config.longValue(BACKOFF_INITIAL_MS),
                config.longValue(BACKOFF_MAX_MS),
                config.integer(CONCURRENCY),
                config.integer(CIRCUIT_FAILURES),
                config.doubleValue(CIRCUIT_OPEN_SECONDS),
                config.integer(REPAIR_ATTEMPTS),
                cache,
                config.string(PROMPTS));
    }

    private static PipelineException invalid(Config config, String key, String value, String why) {
        return new PipelineException(
                CoreErrorCode.CONFIG_INVALID_VALUE,
                "Invalid value '" + value + "' for configuration key '" + key + "' (from " + config.source(key) + "): "
                        + why);
    }
}
