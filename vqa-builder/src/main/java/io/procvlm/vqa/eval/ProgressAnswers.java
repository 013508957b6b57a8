package io.procvlm.vqa.eval;

import static java.util.Objects.requireNonNull;

import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a progress percentage out of a model answer.
 *
 * <p>The rule is the reference's <em>inference</em> parser ({@code evqa/inference.py}), not its metrics parser: the
 * metrics parser reads a bare {@code 0.5} as 50% but {@code 1%} as 1%, which makes the scale depend on the value.
 * Here every number is a percentage:
 *
 * <ol>
 *   <li>If the answer holds a {@code <progress>…</progress>} pair (tags matched case-insensitively, the first pair
 *       wins), the first number {@code [-+]?(\d+\.\d+|\d+|\.\d+)} inside it is the value, with or without a trailing
 *       {@code %}. A pair without a number makes the answer unparsable; the text outside the pair is not consulted.
 *   <li>Otherwise (no tag, or an opening tag that is never closed, as in a truncated answer) the first number
 *       immediately followed by {@code %} anywhere in the text is the value.
 *   <li>Otherwise the answer is unparsable: a bare number such as {@code 0.5} is ambiguous between a fraction and a
 *       percentage and is rejected.
 * </ol>
 *
 * The value is clamped to [0, 100]. Unlike {@code inference.py}, an unparsable answer does not reuse the previous
 * frame's value: it is reported as such and the caller decides.
 */
public final class ProgressAnswers {
    private static final Pattern TAGGED =
            Pattern.compile("<progress>(.*?)</progress>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.\\d+|\\d+|\\.\\d+)");
    private static final Pattern PERCENTAGE = Pattern.compile("[-+]?(\\d+\\.\\d+|\\d+|\\.\\d+)%");

    private ProgressAnswers() {}

    /** The progress in [0, 100] that {@code answer} states, or empty when it states none (see the class comment). */
    public static OptionalDouble parse(String answer) {
        requireNonNull(answer, "answer is null");
        Matcher tagged = TAGGED.matcher(answer);
        if (tagged.find()) {
            Matcher number = NUMBER.matcher(tagged.group(1));
            return number.find() ? OptionalDouble.of(clamp(number.group())) : OptionalDouble.empty();
        }
        Matcher percentage = PERCENTAGE.matcher(answer);
        if (percentage.find()) {
            String text = percentage.group();
            return OptionalDouble.of(clamp(text.substring(0, text.length() - 1)));
        }
        return OptionalDouble.empty();
    }

    private static double clamp(String number) {
        double value = Double.parseDouble(number);
        return Math.max(0.0, Math.min(100.0, value));
    }
}
