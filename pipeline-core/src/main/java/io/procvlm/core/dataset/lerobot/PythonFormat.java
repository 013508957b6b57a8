package io.procvlm.core.dataset.lerobot;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.Map;

/**
 * Renders the subset of Python's {@code str.format} that LeRobot path templates use: {@code {name}} and
 * {@code {name:0Nd}} (zero-padded integers).
 */
public final class PythonFormat {
    private PythonFormat() {}

    /**
     * Renders {@code template} with {@code values}.
     *
     * @throws IllegalArgumentException naming the placeholder when the template uses a name that is not in
     *     {@code values} or a format spec other than {@code 0Nd}/{@code d}
     */
    public static String render(String template, Map<String, ?> values) {
        requireNonNull(template, "template is null");
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{') {
                if (i + 1 < template.length() && template.charAt(i + 1) == '{') {
                    out.append('{');
                    i += 2;
                    continue;
                }
                int end = template.indexOf('}', i);
                if (end < 0) {
                    throw new IllegalArgumentException("Unclosed '{' in template '" + template + "'");
                }
                String field = template.substring(i + 1, end);
                String name = field;
                String spec = "";
                int colon = field.indexOf(':');
                if (colon >= 0) {
                    name = field.substring(0, colon);
                    spec = field.substring(colon + 1);
                }
                if (!values.containsKey(name)) {
                    throw new IllegalArgumentException(
                            "Template '" + template + "' uses {" + name + "}, which is not one of " + values.keySet());
                }
                out.append(format(values.get(name), spec, template));
                i = end + 1;
            } else if (c == '}' && i + 1 < template.length() && template.charAt(i + 1) == '}') {
                out.append('}');
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** The placeholder names {@code template} uses, in order of first use (escaped braces are not placeholders). */
    public static java.util.Set<String> names(String template) {
        requireNonNull(template, "template is null");
        java.util.Set<String> names = new java.util.LinkedHashSet<>();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c == '{' && i + 1 < template.length() && template.charAt(i + 1) == '{') {
                i += 2;
            } else if (c == '{') {
                int end = template.indexOf('}', i);
                if (end < 0) {
                    break;
                }
                String field = template.substring(i + 1, end);
                int colon = field.indexOf(':');
                names.add(colon >= 0 ? field.substring(0, colon) : field);
                i = end + 1;
            } else {
                i++;
            }
        }
        return names;
    }

    private static String format(Object value, String spec, String template) {
        if (spec.isEmpty()) {
            return String.valueOf(value);
        }
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("Template '" + template + "' formats a non-number with '" + spec + "'");
        }
        if (spec.equals("d")) {
            return Long.toString(number.longValue());
        }
        if (spec.matches("0\\d+d")) {
            int width = Integer.parseInt(spec.substring(1, spec.length() - 1));
            return String.format(Locale.ROOT, "%0" + width + "d", number.longValue());
        }
        throw new IllegalArgumentException(
                "Template '" + template + "' uses an unsupported format spec '" + spec + "'");
    }
}
