package io.procvlm.core.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One configuration key: its type, default, allowed range and description.
 *
 * @param key kebab-case, dot-separated, e.g. {@code features.working-width}
 * @param type the value type
 * @param defaultValue the default as it would be written in YAML ({@code null} means "no default": must be set when
 *     used)
 * @param allowed for {@link PropertyType#ENUM}, the allowed words; otherwise empty
 * @param min inclusive lower bound for numbers ({@code -Infinity} for none)
 * @param max inclusive upper bound for numbers ({@code +Infinity} for none)
 * @param description one line for {@code procvlm config --describe} and docs
 */
public record ConfigProperty(
        String key,
        PropertyType type,
        Object defaultValue,
        List<String> allowed,
        double min,
        double max,
        String description) {
    public ConfigProperty {
        requireNonNull(key, "key is null");
        requireNonNull(type, "type is null");
        allowed = List.copyOf(requireNonNull(allowed, "allowed is null"));
        requireNonNull(description, "description is null");
        if (type == PropertyType.ENUM && allowed.isEmpty()) {
            throw new IllegalArgumentException("Enum key " + key + " has no allowed values");
        }
    }

    public static ConfigProperty string(String key, String defaultValue, String description) {
        return new ConfigProperty(
                key,
                PropertyType.STRING,
                defaultValue,
                List.of(),
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                description);
    }

    public static ConfigProperty integer(String key, int defaultValue, int min, int max, String description) {
        return new ConfigProperty(key, PropertyType.INTEGER, defaultValue, List.of(), min, max, description);
    }

    public static ConfigProperty longValue(String key, long defaultValue, long min, long max, String description) {
        return new ConfigProperty(key, PropertyType.LONG, defaultValue, List.of(), min, max, description);
    }

    public static ConfigProperty doubleValue(
            String key, double defaultValue, double min, double max, String description) {
        return new ConfigProperty(key, PropertyType.DOUBLE, defaultValue, List.of(), min, max, description);
    }

    public static ConfigProperty bool(String key, boolean defaultValue, String description) {
        return new ConfigProperty(
                key,
                PropertyType.BOOLEAN,
                defaultValue,
                List.of(),
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                description);
    }

    public static ConfigProperty enumValue(String key, String defaultValue, List<String> allowed, String description) {
        return new ConfigProperty(
                key,
                PropertyType.ENUM,
                defaultValue,
                allowed,
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                description);
    }

    public static ConfigProperty stringList(String key, List<String> defaultValue, String description) {
        return new ConfigProperty(
                key,
                PropertyType.STRING_LIST,
                defaultValue,
                List.of(),
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                description);
    }

    public static ConfigProperty stringMap(String key, String description) {
        return new ConfigProperty(
                key,
                PropertyType.STRING_MAP,
                java.util.Map.of(),
                List.of(),
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                description);
    }

    public static ConfigProperty datasets(String key, String description) {
        return new ConfigProperty(
                key,
                PropertyType.DATASET_LIST,
                List.of(),
                List.of(),
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY,
                description);
    }
}
