package io.procvlm.annotators.eval;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Label-text similarity for vocabularies that differ ("grasp the blue cube" vs "Pick up the blue cube with the left
 * gripper"): labels are lower-cased, split on anything but letters and digits, and stripped of articles and
 * prepositions; similarity is the Jaccard index of the two token sets (1 for equal sets, 0 for disjoint ones).
 */
public final class LabelText {
    private static final Set<String> STOPWORDS = Set.of(
            "the", "a", "an", "to", "with", "onto", "into", "on", "in", "of", "and", "it", "its", "then", "from", "at",
            "by", "for", "up");

    private LabelText() {}

    /** The label's content tokens, sorted. */
    public static Set<String> tokens(String label) {
        Set<String> tokens = new TreeSet<>();
        for (String token : label.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!token.isEmpty() && !STOPWORDS.contains(token)) {
                tokens.add(token);
            }
        }
        return tokens;
    }

    /** Jaccard index of the two labels' token sets; 1 when both have none. */
    public static double similarity(String a, String b) {
        Set<String> left = tokens(a);
        Set<String> right = tokens(b);
        if (left.isEmpty() && right.isEmpty()) {
            return 1.0;
        }
        Set<String> union = new TreeSet<>(left);
        union.addAll(right);
        long shared = left.stream().filter(right::contains).count();
        return (double) shared / union.size();
    }

    /** The verb of a label: its first word, lower case ("Pick up the cup" → "pick"). */
    public static String verb(String label) {
        String trimmed = label.strip().toLowerCase(Locale.ROOT);
        String[] words = trimmed.split("[^\\p{L}\\p{N}]+");
        for (String word : words) {
            if (!word.isEmpty()) {
                return word;
            }
        }
        return "";
    }

    /** The label's normalised text: its content tokens in order of appearance, space-joined. */
    public static String normalised(String label) {
        StringBuilder text = new StringBuilder();
        for (String token : label.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!token.isEmpty() && !STOPWORDS.contains(token)) {
                if (!text.isEmpty()) {
                    text.append(' ');
                }
                text.append(token);
            }
        }
        return text.toString();
    }
}
