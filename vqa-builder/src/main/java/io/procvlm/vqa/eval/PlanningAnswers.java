package io.procvlm.vqa.eval;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.metrics.Hungarian;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Planning answers: action lists ("1. X\n2. Y"), single next actions, and the "No action required. &lt;reason&gt;"
 * answer of finished tasks.
 *
 * <p>The reference's planning metric ("SA") compared actions by the cosine of mean fastText vectors, which we cannot
 * load offline. Here two actions are compared by their normalised tokens (lower case, {@code [a-z0-9]+}, without
 * {@link #STOPWORDS}): similarity 1 when the token sequences are identical, otherwise the Jaccard index of the token
 * sets. The rest follows the reference: a one-to-one matching that maximises the total similarity, P = Σsim / #pred,
 * R = Σsim / #gt, and their F1.
 */
public final class PlanningAnswers {
    /** Words dropped before comparing actions. */
    public static final Set<String> STOPWORDS =
            Set.of("the", "a", "an", "to", "of", "and", "it", "its", "onto", "into", "on", "in", "then");

    private static final Pattern NUMBERING = Pattern.compile("(?<![0-9A-Za-z])\\d+[.)](?!\\d)");
    private static final Pattern SEPARATORS = Pattern.compile("[\\n;]|(?<!\\d)\\.|\\.(?!\\d)");
    private static final Pattern TOKEN = Pattern.compile("[a-z0-9]+");
    private static final Pattern NO_ACTION_REQUIRED =
            Pattern.compile("\\bno\\s+(further\\s+)?actions?\\s+(is\\s+|are\\s+)?(required|needed)\\b");

    private PlanningAnswers() {}

    /**
     * The actions of an answer: list numbering ("1.", "2)") is removed and acts as a separator, then the text is split
     * on newlines, semicolons and periods (except a period between two digits, as in "0.5 m"). Pieces without any token
     * left after {@link #normalise}, and headers ending in a colon ("The remaining actions are:"), are dropped. The
     * pieces are returned trimmed, not normalised.
     */
    public static List<String> splitActions(String answer) {
        requireNonNull(answer, "answer is null");
        List<String> actions = new ArrayList<>();
        for (String piece : SEPARATORS.split(NUMBERING.matcher(answer).replaceAll("\n"))) {
            if (!normalise(piece).isEmpty() && !piece.strip().endsWith(":")) {
                actions.add(piece.strip());
            }
        }
        return actions;
    }

    /** Lower-case {@code [a-z0-9]+} tokens without {@link #STOPWORDS}, joined by single spaces. */
    public static String normalise(String text) {
        return String.join(" ", tokens(text));
    }

    /** 1 for identical normalised actions, otherwise the Jaccard index of their token sets (0 when either is empty). */
    public static double similarity(String first, String second) {
        List<String> a = tokens(first);
        List<String> b = tokens(second);
        if (a.isEmpty() || b.isEmpty()) {
            return 0.0;
        }
        if (a.equals(b)) {
            return 1.0;
        }
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        Set<String> intersection = new HashSet<>(a);
        intersection.retainAll(new HashSet<>(b));
        return (double) intersection.size() / union.size();
    }

    /** Whether the answer says that nothing is left to do ("No action required", "no further actions are needed"). */
    public static boolean saysNoActionRequired(String answer) {
        return NO_ACTION_REQUIRED.matcher(answer.toLowerCase(Locale.ROOT)).find();
    }

    /**
     * Whether a predicted next action is the expected one: the whole answer, numbering removed, normalises to the
     * same tokens as the ground truth.
     */
    public static boolean sameAction(String truth, String predicted) {
        String expected = normalise(truth);
        return !expected.isEmpty()
                && expected.equals(normalise(NUMBERING.matcher(predicted).replaceAll(" ")));
    }

    /** The best one-to-one matching of predicted to ground-truth actions by {@link #similarity}. */
    public static ActionMatch match(List<String> truth, List<String> predicted) {
        requireNonNull(truth, "truth is null");
        requireNonNull(predicted, "predicted is null");
        double total = 0;
        if (!truth.isEmpty() && !predicted.isEmpty()) {
            double[][] similarity = new double[truth.size()][predicted.size()];
            double[][] cost = new double[truth.size()][predicted.size()];
            for (int i = 0; i < truth.size(); i++) {
                for (int j = 0; j < predicted.size(); j++) {
                    similarity[i][j] = similarity(truth.get(i), predicted.get(j));
                    cost[i][j] = 1.0 - similarity[i][j];
                }
            }
            int[] assignment = Hungarian.assign(cost);
            for (int i = 0; i < truth.size(); i++) {
                if (assignment[i] >= 0) {
                    total += similarity[i][assignment[i]];
                }
            }
        }
        return new ActionMatch(total, truth.size(), predicted.size());
    }

    /**
     * The outcome of {@link #match}.
     *
     * @param similarity total similarity of the matched pairs
     * @param truthActions number of ground-truth actions
     * @param predictedActions number of predicted actions
     */
    public record ActionMatch(double similarity, int truthActions, int predictedActions) {
        /** Σsim / #pred; 0 without predicted actions. */
        public double precision() {
            return predictedActions == 0 ? 0.0 : similarity / predictedActions;
        }

        /** Σsim / #gt; 0 without ground-truth actions. */
        public double recall() {
            return truthActions == 0 ? 0.0 : similarity / truthActions;
        }

        /** F1 of {@link #precision} and {@link #recall}; 1 when both sides are empty, 0 when nothing matched. */
        public double f1() {
            if (truthActions == 0 && predictedActions == 0) {
                return 1.0;
            }
            double precision = precision();
            double recall = recall();
            return precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
        }
    }

    private static List<String> tokens(String text) {
        List<String> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(text.toLowerCase(Locale.ROOT));
        while (matcher.find()) {
            if (!STOPWORDS.contains(matcher.group())) {
                tokens.add(matcher.group());
            }
        }
        return tokens;
    }
}
