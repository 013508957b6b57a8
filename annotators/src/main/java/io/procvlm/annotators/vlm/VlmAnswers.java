package io.procvlm.annotators.vlm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.annotators.Vocabulary;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and validates the VLM's answers. A problem is returned as an {@link Invalid} whose message goes back to the
 * model in a repair request, so it says exactly what to fix.
 */
public final class VlmAnswers {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBERING = Pattern.compile("^\\s*(?:\\d+\\s*[.):]|[-*•])\\s*");
    private static final Pattern DONE = Pattern.compile("(?i)^done\\.?$");
    private static final Pattern FENCE = Pattern.compile("(?s)```(?:json)?\\s*(.*?)```");

    private VlmAnswers() {}

    /** An answer that does not validate: {@code reason} is sent back in the repair request. */
    public static final class Invalid extends Exception {
        public Invalid(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The planned actions of a numbered-list answer: numbering, blank lines and the final "done." removed. */
    public static List<String> plan(String answer, Vocabulary vocabulary) throws Invalid {
        List<String> actions = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        String text = answer.replaceAll("(?s)<think>.*?</think>", "");
        for (String line : text.split("\\R")) {
            String action = NUMBERING.matcher(line.strip()).replaceFirst("").strip();
            action = action.replaceAll("^\"|\"$", "").strip();
            if (action.isEmpty() || DONE.matcher(action).matches()) {
                continue;
            }
            action = action.replaceAll("[.;]+$", "").strip();
            String verb = verb(action);
            if (!vocabulary.hasVerb(verb)) {
                unknown.add(action);
            }
            actions.add(action);
        }
        if (actions.isEmpty()) {
            throw new Invalid(
                    "it holds no planned action; answer with a numbered list of actions ending with" + " \"N. done.\"");
        }
        if (!unknown.isEmpty()) {
            throw new Invalid("these actions do not start with an allowed verb: " + unknown + "; allowed verbs: "
                    + String.join(", ", vocabulary.verbs().keySet()));
        }
        return actions;
    }

    /** The first word of an action, lower-cased: its verb. */
    public static String verb(String action) {
        String first = action.strip().split("\\s+", 2)[0];
        return first.toLowerCase(Locale.ROOT).replaceAll("[^a-z]", "");
    }

    /** One planned action as localised. Times are seconds from the segment start, or null. */
    public record Localised(String name, Double start, Double complete, String notes) {}

    /** The second pass's answer, validated against the plan. */
    public record Localisation(List<Localised> subtasks, String overallNotes) {}

    /**
     * Parses the JSON answer of the second pass and checks it: names from the plan (each at most once), times within
     * the clip, start not after completion, completions in plan order.
     */
    public static Localisation localisation(String answer, List<String> plan, double duration) throws Invalid {
        JsonNode root = json(answer);
        JsonNode subtasks = root.get("subtasks");
        if (subtasks == null || !subtasks.isArray()) {
            throw new Invalid("the JSON object has no \"subtasks\" list");
        }
        Map<String, Integer> planIndex = new HashMap<>();
        for (int i = 0; i < plan.size(); i++) {
            planIndex.put(normalise(plan.get(i)), i);
        }
        Localised[] byPlan = new Localised[plan.size()];
        List<String> problems = new ArrayList<>();
        double slack = Math.max(0.5, duration * 0.02);
        for (JsonNode entry : subtasks) {
            if (!entry.isObject() || !entry.hasNonNull("name")) {
                problems.add("an entry has no \"name\"");
                continue;
            }
            String name = entry.get("name").asText();
            Integer index = planIndex.get(normalise(name));
            if (index == null) {
                problems.add("\"" + name + "\" is not one of the planned actions");
                continue;
            }
            if (byPlan[index] != null) {
                problems.add("\"" + name + "\" appears twice");
                continue;
            }
            Double start = seconds(entry, "start_time", problems, name);
            Double complete = seconds(entry, "complete_time", problems, name);
            for (Double time : new Double[] {start, complete}) {
                if (time != null && (time < -slack || time > duration + slack)) {
                    problems.add(String.format(
                            Locale.ROOT,
                            "\"%s\" has a time %.2f outside the clip (0 to %.2f seconds)",
                            name,
                            time,
                            duration));
                }
            }
            if (start != null && complete != null && start > complete) {
                problems.add(String.format(
                        Locale.ROOT, "\"%s\" starts at %.2f, after it completes at %.2f", name, start, complete));
            }
            if (start == null && complete != null) {
                problems.add("\"" + name + "\" completes but has no start_time");
            }
            byPlan[index] = new Localised(
                    plan.get(index),
                    start == null ? null : clamp(start, duration),
                    complete == null ? null : clamp(complete, duration),
                    entry.path("notes").asText(""));
        }
        double lastCompletion = Double.NEGATIVE_INFINITY;
        String lastName = null;
        for (Localised localised : byPlan) {
            if (localised != null && localised.complete() != null) {
                if (localised.complete() < lastCompletion - 1e-9) {
                    problems.add(String.format(
                            Locale.ROOT,
                            "\"%s\" completes at %.2f, before \"%s\" planned earlier completes at %.2f",
                            localised.name(),
                            localised.complete(),
                            lastName,
                            lastCompletion));
                }
                lastCompletion = localised.complete();
                lastName = localised.name();
            }
        }
        if (!problems.isEmpty()) {
            throw new Invalid(String.join("; ", problems));
        }
        List<Localised> ordered = new ArrayList<>();
        for (int i = 0; i < byPlan.length; i++) {
            ordered.add(byPlan[i] != null ? byPlan[i] : new Localised(plan.get(i), null, null, "not reported"));
        }
        return new Localisation(ordered, root.path("overall_notes").asText(""));
    }

    private static Double seconds(JsonNode entry, String field, List<String> problems, String name) {
        JsonNode value = entry.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber()) {
            problems.add("\"" + name + "\" has a " + field + " that is not a number of seconds: " + value);
            return null;
        }
        return value.asDouble();
    }

    private static double clamp(double seconds, double duration) {
        return Math.max(0, Math.min(duration, seconds));
    }

    /** The first JSON object of the answer (inside a code fence when there is one), strictly parsed. */
    static JsonNode json(String answer) throws Invalid {
        String text = answer.replaceAll("(?s)<think>.*?</think>", "");
        Matcher fence = FENCE.matcher(text);
        if (fence.find()) {
            text = fence.group(1);
        }
        int open = text.indexOf('{');
        int close = text.lastIndexOf('}');
        if (open < 0 || close < open) {
            throw new Invalid("it holds no JSON object");
        }
        try {
            JsonNode node = JSON.readTree(text.substring(open, close + 1));
            if (node == null || !node.isObject()) {
                throw new Invalid("it is not a JSON object");
            }
            return node;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new Invalid("it is not valid JSON (" + e.getOriginalMessage() + ")");
        }
    }

    static String normalise(String action) {
        return action.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", " ").strip();
    }
}
