package io.procvlm.annotators.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/** Text and JSON forms of a {@link LabelEvaluator.Result}. */
public final class LabelReports {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private LabelReports() {}

    /** A fixed-width table, one line per dataset and annotator, then one per annotator over all datasets ({@code *}). */
    public static String text(LabelEvaluator.Result result) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "Label quality against gold '%s' (labels matched by %s; F1 micro-averaged; boundary error in s)%n",
                result.gold(),
                result.match().name().toLowerCase(Locale.ROOT)));
        out.append(String.format(
                Locale.ROOT,
                "%-30s %-10s %-8s %5s %5s %6s %6s %6s %6s %6s %6s %7s %6s %6s%n",
                "dataset",
                "annotator",
                "gold",
                "eps",
                "noGld",
                "BF1@5",
                "BF1@5%",
                "edit",
                "F1@10",
                "F1@25",
                "F1@50",
                "bErr s",
                "text",
                "verb"));
        for (LabelEvaluator.Row row : result.rows()) {
            out.append(String.format(
                    Locale.ROOT,
                    "%-30s %-10s %-8s %5d %5d %6s %6s %6s %6s %6s %6s %7s %6s %6s%n",
                    row.dataset(),
                    row.annotator(),
                    row.goldSource().isEmpty() ? "-" : row.goldSource(),
                    row.episodes(),
                    row.withoutGold(),
                    number(row.boundaryF1(), "%.3f"),
                    number(row.boundaryF1Relative(), "%.3f"),
                    number(row.edit(), "%.1f"),
                    number(row.f1At10(), "%.3f"),
                    number(row.f1At25(), "%.3f"),
                    number(row.f1At50(), "%.3f"),
                    number(row.boundaryErrorSeconds(), "%.3f"),
                    number(row.textSimilarity(), "%.3f"),
                    number(row.verbAgreement(), "%.3f")));
        }
        return out.toString();
    }

    /** The rows and per-episode scores as JSON (NaN as null). */
    public static String json(LabelEvaluator.Result result) {
        ObjectNode root = JSON.createObjectNode();
        root.put("gold", result.gold());
        root.put("match", result.match().name().toLowerCase(Locale.ROOT));
        ArrayNode rows = root.putArray("rows");
        for (LabelEvaluator.Row row : result.rows()) {
            ObjectNode node = rows.addObject();
            node.put("dataset", row.dataset());
            node.put("annotator", row.annotator());
            node.put("gold_source", row.goldSource());
            node.put("episodes", row.episodes());
            node.put("episodes_without_gold", row.withoutGold());
            put(node, "bf1_at_5_frames", row.boundaryF1());
            put(node, "bf1_at_5_percent", row.boundaryF1Relative());
            put(node, "edit", row.edit());
            put(node, "f1_at_10", row.f1At10());
            put(node, "f1_at_25", row.f1At25());
            put(node, "f1_at_50", row.f1At50());
            put(node, "boundary_error_s", row.boundaryErrorSeconds());
            put(node, "text_similarity", row.textSimilarity());
            put(node, "verb_agreement", row.verbAgreement());
        }
        ArrayNode episodes = root.putArray("episodes");
        for (LabelEvaluator.EpisodeScore score : result.episodes()) {
            ObjectNode node = episodes.addObject();
            node.put("dataset", score.dataset());
            node.put("episode_index", score.episode());
            node.put("annotator", score.annotator());
            node.put("gold_source", score.goldSource());
            put(node, "bf1_at_5_frames", score.boundaryF1());
            put(node, "edit", score.edit());
            put(node, "f1_at_50", score.f1At50());
            put(node, "boundary_error_s", score.boundaryErrorSeconds());
            put(node, "text_similarity", score.textSimilarity());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void put(ObjectNode node, String key, double value) {
        if (Double.isFinite(value)) {
            node.put(key, Math.round(value * 1e6) / 1e6);
        } else {
            node.putNull(key);
        }
    }

    /** A number in {@code format}, or {@code -} for NaN. */
    public static String number(double value, String format) {
        return Double.isFinite(value) ? String.format(Locale.ROOT, format, value) : "-";
    }
}
