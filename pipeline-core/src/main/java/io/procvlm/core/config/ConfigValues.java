package io.procvlm.core.config;

import static io.procvlm.core.error.CoreErrorCode.CONFIG_INVALID_VALUE;

import io.procvlm.core.error.PipelineException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Converts raw values (YAML scalars, lists, maps or command-line strings) into a key's declared type. */
final class ConfigValues {
    private static final Set<String> DATASET_FIELDS = Set.of("path", "format", "id", "camera");

    private ConfigValues() {}

    static Object convert(ConfigProperty property, Object raw, String source) {
        String key = property.key();
        if (raw == null) {
            throw invalid(key, "null", source, "a value");
        }
        switch (property.type()) {
            case STRING:
                return scalar(key, raw, source, "a string");
            case INTEGER: {
                long value = parseLong(key, raw, source, "an integer");
                checkRange(property, value, raw, source);
                return (int) value;
            }
            case LONG: {
                long value = parseLong(key, raw, source, "an integer");
                checkRange(property, value, raw, source);
                return value;
            }
            case DOUBLE: {
                double value = parseDouble(key, raw, source);
                checkRange(property, value, raw, source);
                return value;
            }
            case BOOLEAN: {
                String text = scalar(key, raw, source, "true or false").toLowerCase(Locale.ROOT);
                if (text.equals("true") || text.equals("false")) {
                    return Boolean.valueOf(text);
                }
                throw invalid(key, raw, source, "true or false");
            }
            case ENUM: {
                String text = scalar(key, raw, source, "one of " + String.join(", ", property.allowed()))
                        .toLowerCase(Locale.ROOT);
                if (!property.allowed().contains(text)) {
                    throw invalid(key, raw, source, "one of " + String.join(", ", property.allowed()));
                }
                return text;
            }
            case STRING_LIST:
                return stringList(key, raw, source);
            case STRING_MAP:
                return stringMap(key, raw, source);
            case DATASET_LIST:
                return datasets(key, raw, source);
        }
        throw new IllegalStateException("Unhandled type " + property.type());
    }

    private static List<String> stringList(String key, Object raw, String source) {
        List<String> items = new ArrayList<>();
        if (raw instanceof List<?> list) {
            for (Object item : list) {
                items.add(scalar(key, item, source, "a list of strings"));
            }
        } else {
            String text = scalar(key, raw, source, "a list of strings");
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    items.add(part.strip());
                }
            }
        }
        return List.copyOf(items);
    }

    private static Map<String, String> stringMap(String key, Object raw, String source) {
        if (!(raw instanceof Map<?, ?> map)) {
            throw invalid(key, raw, source, "a map of names to strings");
        }
        Map<String, String> result = new TreeMap<>();
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String entryKey = String.valueOf(entry.getKey());
            result.put(entryKey, scalar(key + "." + entryKey, entry.getValue(), source, "a string"));
        }
        return Collections.unmodifiableMap(result);
    }

    private static List<DatasetSpec> datasets(String key, Object raw, String source) {
        List<Object> entries = new ArrayList<>();
        if (raw instanceof List<?> list) {
            entries.addAll(list);
        } else if (raw instanceof String text) {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    entries.add(part.strip());
                }
            }
        } else {
            throw invalid(key, raw, source, "a list of dataset paths or {path, format, id, camera} maps");
        }
        List<DatasetSpec> specs = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.get(i);
            String entryKey = key + "[" + i + "]";
            if (entry instanceof String path) {
                specs.add(DatasetSpec.ofPath(path));
                continue;
            }
            if (!(entry instanceof Map<?, ?> map)) {
                throw invalid(entryKey, entry, source, "a dataset path or a {path, format, id, camera} map");
            }
            for (Object field : map.keySet()) {
                if (!DATASET_FIELDS.contains(String.valueOf(field))) {
                    throw new PipelineException(
                            io.procvlm.core.error.CoreErrorCode.CONFIG_UNKNOWN_KEY,
                            String.format(
                                    Locale.ROOT,
                                    "Unknown configuration key '%s.%s' (from %s): a dataset entry takes path, format,"
                                            + " id and camera",
                                    entryKey,
                                    field,
                                    source));
                }
            }
            Object path = map.get("path");
            if (path == null) {
                throw invalid(entryKey + ".path", "null", source, "the dataset's root folder");
            }
            Object format = map.get("format");
            Object id = map.get("id");
            Object camera = map.get("camera");
            specs.add(new DatasetSpec(
                    scalar(entryKey + ".path", path, source, "a path"),
                    format == null ? "auto" : scalar(entryKey + ".format", format, source, "a format"),
                    id == null ? null : scalar(entryKey + ".id", id, source, "a dataset id"),
                    camera == null ? null : scalar(entryKey + ".camera", camera, source, "a camera key")));
        }
        return List.copyOf(specs);
    }

    private static String scalar(String key, Object raw, String source, String expected) {
        if (raw instanceof Map || raw instanceof List || raw == null) {
            throw invalid(key, raw, source, expected);
        }
        return String.valueOf(raw);
    }

    private static long parseLong(String key, Object raw, String source, String expected) {
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short) {
            return ((Number) raw).longValue();
        }
        String text = scalar(key, raw, source, expected).strip().replace("_", "");
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw invalid(key, raw, source, expected);
        }
    }

    private static double parseDouble(String key, Object raw, String source) {
        if (raw instanceof Number number) {
            return number.doubleValue();
        }
        String text = scalar(key, raw, source, "a number").strip();
        try {
            double value = Double.parseDouble(text);
            if (Double.isNaN(value) || Double.isInfinite(value)) {
                throw invalid(key, raw, source, "a finite number");
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(key, raw, source, "a number");
        }
    }

    private static void checkRange(ConfigProperty property, double value, Object raw, String source) {
        if (value < property.min() || value > property.max()) {
            String range;
            if (Double.isInfinite(property.max())) {
                range = "a number >= " + format(property.min());
            } else if (Double.isInfinite(property.min())) {
                range = "a number <= " + format(property.max());
            } else {
                range = "a number between " + format(property.min()) + " and " + format(property.max());
            }
            throw invalid(property.key(), raw, source, range);
        }
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? Long.toString((long) value)
                : Double.toString(value);
    }

    static PipelineException invalid(String key, Object raw, String source, String expected) {
        return new PipelineException(
                CONFIG_INVALID_VALUE,
                String.format(
                        Locale.ROOT,
                        "Invalid value '%s' for configuration key '%s' (from %s): expected %s",
                        raw,
                        key,
                        source,
                        expected));
    }
}
