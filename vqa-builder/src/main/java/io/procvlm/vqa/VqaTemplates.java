package io.procvlm.vqa;

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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The question and answer templates of the ProcVQA families ({@code conf/vqa-templates.yaml}, embedded as the default).
 *
 * @param texts template id to text
 * @param fingerprint SHA-256 of the file, part of the stage fingerprint
 */
public record VqaTemplates(Map<String, String> texts, String fingerprint) implements Serializable {
    public static final List<String> REQUIRED = List.of(
            "a1",
            "a2",
            "b1",
            "b2",
            "c",
            "answer-remaining",
            "answer-finished-progress",
            "answer-no-action",
            "finished-reason");
    private static final String EMBEDDED = "vqa-templates.yaml";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)}");

    public VqaTemplates {
        texts = Map.copyOf(texts);
    }

    public static VqaTemplates embedded() {
        try (InputStream in = VqaTemplates.class.getResourceAsStream(EMBEDDED)) {
            if (in == null) {
                throw new IllegalStateException("The embedded VQA templates are missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "embedded " + EMBEDDED);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the embedded VQA templates", e);
        }
    }

    /** {@code embedded} or a YAML file ({@code vqa.templates}). */
    public static VqaTemplates load(String setting) {
        if (setting.equals("embedded")) {
            return embedded();
        }
        try {
            return parse(Files.readString(Path.of(setting)), setting);
        } catch (IOException e) {
            throw new PipelineException(
                    CONFIG_INVALID_VALUE,
                    "Invalid value '" + setting + "' for configuration key '" + VqaConfig.TEMPLATES + "': "
                            + e.getMessage(),
                    e);
        }
    }

    static VqaTemplates parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (IOException e) {
            throw invalid(source, "is not valid YAML: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid(source, "is not a map of template id to text");
        }
        Map<String, String> texts = new TreeMap<>();
        root.fields()
                .forEachRemaining(
                        entry -> texts.put(entry.getKey(), entry.getValue().asText()));
        for (String id : REQUIRED) {
            if (!texts.containsKey(id) || texts.get(id).isBlank()) {
                throw invalid(source, "has no template '" + id + "'");
            }
        }
        return new VqaTemplates(texts, Fingerprints.ofString(yaml));
    }

    /** The template {@code id} with its placeholders filled; an unknown placeholder is an error. */
    public String fill(String id, Map<String, String> values) {
        String template = texts.get(id);
        if (template == null) {
            throw new IllegalArgumentException("No template '" + id + "'");
        }
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new PipelineException(
                        CONFIG_INVALID_VALUE,
                        "VQA template '" + id + "' uses {" + matcher.group(1) + "}, which it cannot use (available: "
                                + String.join(", ", new TreeMap<>(values).keySet()) + ")");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static PipelineException invalid(String source, String what) {
        return new PipelineException(
                CONFIG_INVALID_VALUE,
                "Invalid value '" + source + "' for configuration key '" + VqaConfig.TEMPLATES + "': the file " + what);
    }
}
