package io.procvlm.annotators;

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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The closed verb vocabulary of subtask labels and the rules that turn a task text into a plan
 * ({@code conf/vocabulary.yaml}; the same file is embedded as the default).
 */
public final class Vocabulary implements Serializable {
    private static final String EMBEDDED = "vocabulary.yaml";
    private static final Pattern ARTICLE = Pattern.compile("^(?:the|a|an|some)\\s+");
    private static final Pattern LOCATIVE = Pattern.compile(
            "\\s+(?:on|from|off|at|in)\\s+(?:the\\s+)?(?:table|tabletop|counter|countertop|desk|floor|ground|workspace)$");
    /** Marks a plan step an episode may leave out ({@code release?}). */
    private static final String OPTIONAL_MARK = "?";

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(object|target|prep|direction)\\}");

    private final Map<String, String> verbs;
    private final List<TaskRule> rules;
    private final List<String> fallback;
    private final String fingerprint;

    /** One task pattern and the plan it gives. */
    private record TaskRule(Pattern pattern, List<String> plan) implements Serializable {}

    /**
     * A plan: verbs in order with their labels.
     *
     * @param optional the positions of steps an episode may leave out and still achieve the task (written {@code
     *     verb?} in the vocabulary, e.g. letting go of an object after picking it up)
     */
    public record Plan(List<String> verbs, List<String> labels, String object, String target, Set<Integer> optional)
            implements Serializable {
        public Plan {
            verbs = List.copyOf(verbs);
            labels = List.copyOf(labels);
            optional = Set.copyOf(optional);
        }

        public Plan(List<String> verbs, List<String> labels, String object, String target) {
            this(verbs, labels, object, target, Set.of());
        }

        public boolean isOptional(int step) {
            return optional.contains(step);
        }

        /** The plan without the step at {@code step} (later optional positions move down). */
        public Plan without(int step) {
            List<String> keptVerbs = new ArrayList<>(verbs);
            List<String> keptLabels = new ArrayList<>(labels);
            keptVerbs.remove(step);
            keptLabels.remove(step);
            Set<Integer> moved = new java.util.TreeSet<>();
            for (int position : optional) {
                if (position != step) {
                    moved.add(position > step ? position - 1 : position);
                }
            }
            return new Plan(keptVerbs, keptLabels, object, target, moved);
        }
    }

    private Vocabulary(Map<String, String> verbs, List<TaskRule> rules, List<String> fallback, String fingerprint) {
        this.verbs = Collections.unmodifiableMap(verbs);
        this.rules = List.copyOf(rules);
        this.fallback = List.copyOf(fallback);
        this.fingerprint = fingerprint;
    }

    /** The vocabulary shipped with the pipeline. */
    public static Vocabulary embedded() {
        try (InputStream in = Vocabulary.class.getResourceAsStream(EMBEDDED)) {
            if (in == null) {
                throw new IllegalStateException("The embedded vocabulary is missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "embedded vocabulary.yaml");
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the embedded vocabulary", e);
        }
    }

    /** A vocabulary file (annotate.vocabulary). */
    public static Vocabulary load(Path file) {
        try {
            return parse(Files.readString(file), file.toString());
        } catch (IOException e) {
            throw new PipelineException(
                    CONFIG_INVALID_VALUE,
                    "Invalid value '" + file + "' for configuration key 'annotate.vocabulary': " + e.getMessage(),
                    e);
        }
    }

    static Vocabulary parse(String yaml, String source) {
        JsonNode root;
        try {
            root = new YAMLMapper().readTree(yaml);
        } catch (IOException e) {
            throw invalid(source, "is not valid YAML: " + e.getMessage());
        }
        if (root == null || !root.isObject() || !root.path("verbs").isObject()) {
            throw invalid(source, "has no 'verbs' map");
        }
        Map<String, String> verbs = new LinkedHashMap<>();
        root.get("verbs")
                .fields()
                .forEachRemaining(
                        entry -> verbs.put(entry.getKey(), entry.getValue().asText()));
        List<TaskRule> rules = new ArrayList<>();
        for (JsonNode task : root.path("tasks")) {
            String pattern = task.path("pattern").asText(null);
            if (pattern == null) {
                throw invalid(source, "has a task without a 'pattern'");
            }
            Pattern compiled;
            try {
                compiled = Pattern.compile(pattern);
            } catch (RuntimeException e) {
                throw invalid(source, "has an invalid task pattern '" + pattern + "': " + e.getMessage());
            }
            rules.add(new TaskRule(compiled, verbList(task.path("plan"), verbs, source)));
        }
        List<String> fallback = verbList(root.path("fallback"), verbs, source);
        return new Vocabulary(verbs, rules, fallback, Fingerprints.ofString(yaml));
    }

    private static List<String> verbList(JsonNode node, Map<String, String> verbs, String source) {
        if (!node.isArray() || node.isEmpty()) {
            throw invalid(source, "has a plan that is not a non-empty list of verbs");
        }
        List<String> plan = new ArrayList<>();
        for (JsonNode verb : node) {
            String name = verb.asText();
            String bare = name.endsWith(OPTIONAL_MARK) ? name.substring(0, name.length() - 1) : name;
            if (!verbs.containsKey(bare)) {
                throw invalid(source, "uses verb '" + bare + "', which is not under 'verbs'");
            }
            if (name.endsWith(OPTIONAL_MARK) && plan.isEmpty()) {
                throw invalid(source, "has a plan that starts with an optional step '" + name + "'");
            }
            plan.add(name);
        }
        return plan;
    }

    private static PipelineException invalid(String source, String what) {
        return new PipelineException(CONFIG_INVALID_VALUE, "Vocabulary " + source + " " + what);
    }

    /** The plan for a task text: the first matching rule's verbs, with labels filled from the text. */
    public Plan plan(String task) {
        String text = normalize(task);
        for (TaskRule rule : rules) {
            Matcher matcher = rule.pattern().matcher(text);
            if (matcher.matches()) {
                Map<String, String> values = new LinkedHashMap<>();
                for (String group : List.of("object", "target", "prep", "direction")) {
                    values.put(group, group(matcher, rule.pattern(), group));
                }
                return fill(rule.plan(), values);
            }
        }
        Map<String, String> values = new LinkedHashMap<>();
        values.put("object", text.isEmpty() ? "object" : cleanObject(text));
        return fill(fallback, values);
    }

    private Plan fill(List<String> plan, Map<String, String> values) {
        values.putIfAbsent("object", "object");
        values.computeIfAbsent("target", k -> "target");
        values.computeIfAbsent("prep", k -> "onto");
        values.computeIfAbsent("direction", k -> "forward");
        values.replaceAll((k, v) -> v == null ? defaultValue(k) : v);
        List<String> labels = new ArrayList<>();
        List<String> bare = new ArrayList<>();
        Set<Integer> optional = new java.util.TreeSet<>();
        for (String step : plan) {
            String verb = step.endsWith(OPTIONAL_MARK) ? step.substring(0, step.length() - 1) : step;
            if (!verb.equals(step)) {
                optional.add(bare.size());
            }
            bare.add(verb);
            Matcher placeholder = PLACEHOLDER.matcher(verbs.get(verb));
            StringBuilder label = new StringBuilder();
            while (placeholder.find()) {
                placeholder.appendReplacement(label, Matcher.quoteReplacement(values.get(placeholder.group(1))));
            }
            placeholder.appendTail(label);
            labels.add(label.toString());
        }
        return new Plan(bare, labels, values.get("object"), values.get("target"), optional);
    }

    private static String defaultValue(String group) {
        return switch (group) {
            case "target" -> "target";
            case "prep" -> "onto";
            case "direction" -> "forward";
            default -> "object";
        };
    }

    private static String group(Matcher matcher, Pattern pattern, String group) {
        if (!pattern.pattern().contains("?<" + group + ">")) {
            return null;
        }
        String value = matcher.group(group);
        if (value == null) {
            return null;
        }
        return group.equals("object") || group.equals("target") ? cleanObject(value) : value.strip();
    }

    /** "the yellow bottle on the table" → "yellow bottle". */
    static String cleanObject(String phrase) {
        String cleaned = phrase.strip();
        cleaned = ARTICLE.matcher(cleaned).replaceFirst("");
        cleaned = LOCATIVE.matcher(cleaned).replaceFirst("");
        return cleaned.isEmpty() ? "object" : cleaned;
    }

    private static String normalize(String task) {
        String text = task == null ? "" : task.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
        while (text.endsWith(".") || text.endsWith("!")) {
            text = text.substring(0, text.length() - 1).strip();
        }
        return text;
    }

    public boolean hasVerb(String verb) {
        return verbs.containsKey(verb);
    }

    /** SHA-256 of the vocabulary text: part of annotation fingerprints. */
    public String fingerprint() {
        return fingerprint;
    }

    public Map<String, String> verbs() {
        return verbs;
    }
}
