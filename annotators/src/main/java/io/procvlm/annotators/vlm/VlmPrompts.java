package io.procvlm.annotators.vlm;

import static io.procvlm.core.error.CoreErrorCode.CONFIG_INVALID_VALUE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Fingerprints;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code vlm} annotator's prompt templates ({@code conf/vlm-prompts.yaml}, embedded as the default).
 *
 * @param version the templates' version, part of every cache key
 * @param plan the first pass: plan the task into atomic actions
 * @param localise the second pass: when each planned action starts and completes
 * @param repair the follow-up sent when an answer does not validate
 * @param fingerprint SHA-256 of the file
 */
public record VlmPrompts(String version, String plan, String localise, String repair, String fingerprint)
        implements Serializable {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");

    public static VlmPrompts embedded() {
        try (InputStream in = VlmPrompts.class.getResourceAsStream("/io/procvlm/annotators/vlm-prompts.yaml")) {
            if (in == null) {
                throw new IllegalStateException("The embedded VLM prompts are missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "embedded vlm-prompts.yaml");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the embedded VLM prompts", e);
        }
    }

    /** {@code embedded} or a YAML file ({@code annotate.vlm.prompts}). */
    public static VlmPrompts load(String setting) {
        if (setting.equals("embedded")) {
            return embedded();
        }
        try {
            return parse(Files.readString(Path.of(setting)), setting);
        } catch (IOException e) {
            throw invalid(setting, "cannot be read: " + e.getMessage());
        }
    }

    static VlmPrompts parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (IOException e) {
            throw invalid(source, "is not valid YAML: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid(source, "is not a map");
        }
        for (String key : new String[] {"version", "plan", "localise", "repair"}) {
            if (!root.hasNonNull(key) || root.get(key).asText().isBlank()) {
                throw invalid(source, "has no '" + key + "'");
            }
        }
        return new VlmPrompts(
                root.get("version").asText(),
                root.get("plan").asText(),
                root.get("localise").asText(),
                root.get("repair").asText(),
                Fingerprints.ofString(yaml));
    }

    /** {@code template} with its placeholders filled from {@code values}; an unknown placeholder is an error. */
    public static String fill(String template, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(out, Matcher.quoteReplacement(value == null ? matcher.group() : value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static PipelineException invalid(String source, String what) {
        return new PipelineException(
                CONFIG_INVALID_VALUE,
                "Invalid value '" + source + "' for configuration key '" + VlmConfig.PROMPTS + "': the file " + what);
    }
}
