package io.procvlm.core.config;

import static io.procvlm.core.error.CoreErrorCode.CONFIG_INVALID_VALUE;
import static io.procvlm.core.error.CoreErrorCode.CONFIG_MISSING_VALUE;
import static io.procvlm.core.error.CoreErrorCode.CONFIG_UNKNOWN_KEY;
import static java.util.Objects.requireNonNull;

import io.procvlm.core.error.PipelineException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A resolved, validated configuration: every key of the schema has a value of its declared type, and each value
 * remembers where it came from ({@code default}, a file, or {@code --set}) so errors can say so.
 *
 * <p>Instances are immutable; {@link #with} returns a copy.
 */
public final class Config {
    private final ConfigSchema schema;
    private final Map<String, Object> values;
    private final Map<String, String> sources;

    private Config(ConfigSchema schema, Map<String, Object> values, Map<String, String> sources) {
        this.schema = schema;
        this.values = values;
        this.sources = sources;
    }

    /** A configuration holding every default of the schema. */
    public static Config defaults(ConfigSchema schema) {
        Map<String, Object> values = new LinkedHashMap<>();
        Map<String, String> sources = new LinkedHashMap<>();
        for (ConfigProperty property : schema.properties()) {
            if (property.defaultValue() != null) {
                values.put(property.key(), property.defaultValue());
                sources.put(property.key(), "default");
            }
        }
        return new Config(schema, values, sources);
    }

    public ConfigSchema schema() {
        return schema;
    }

    /**
     * Returns a copy with {@code key} set from a raw value: a YAML node converted to Java (String, Number, Boolean,
     * List, Map) or a command-line string. The value is validated against the key's type and range.
     */
    public Config with(String key, Object rawValue, String source) {
        requireNonNull(key, "key is null");
        requireNonNull(source, "source is null");
        Map<String, Object> newValues = new LinkedHashMap<>(values);
        Map<String, String> newSources = new LinkedHashMap<>(sources);
        ConfigProperty property = schema.find(key).orElse(null);
        if (property == null) {
            ConfigProperty mapParent = schema.findMapParent(key).orElse(null);
            if (mapParent == null) {
                throw unknownKey(key, source);
            }
            String entryKey = key.substring(mapParent.key().length() + 1);
            @SuppressWarnings("unchecked")
            Map<String, String> current = (Map<String, String>) newValues.getOrDefault(mapParent.key(), Map.of());
            Map<String, String> updated = new TreeMap<>(current);
            updated.put(entryKey, scalarToString(mapParent.key() + "." + entryKey, rawValue, source));
            newValues.put(mapParent.key(), Collections.unmodifiableMap(updated));
            newSources.put(mapParent.key(), source);
            return new Config(schema, newValues, newSources);
        }
        newValues.put(key, ConfigValues.convert(property, rawValue, source));
        newSources.put(key, source);
        return new Config(schema, newValues, newSources);
    }

    public String string(String key) {
        return (String) require(key, PropertyType.STRING, PropertyType.ENUM);
    }

    public int integer(String key) {
        return (Integer) require(key, PropertyType.INTEGER);
    }

    public long longValue(String key) {
        return (Long) require(key, PropertyType.LONG);
    }

    public double doubleValue(String key) {
        return (Double) require(key, PropertyType.DOUBLE);
    }

    public boolean bool(String key) {
        return (Boolean) require(key, PropertyType.BOOLEAN);
    }

    @SuppressWarnings("unchecked")
    public List<String> stringList(String key) {
        return (List<String>) require(key, PropertyType.STRING_LIST);
    }

    @SuppressWarnings("unchecked")
    public Map<String, String> stringMap(String key) {
        return (Map<String, String>) require(key, PropertyType.STRING_MAP);
    }

    @SuppressWarnings("unchecked")
    public List<DatasetSpec> datasets(String key) {
        return (List<DatasetSpec>) require(key, PropertyType.DATASET_LIST);
    }

    /** Whether {@code key} has a value (some keys have no default and are optional). */
    public boolean isSet(String key) {
        return values.containsKey(key);
    }

    /** Where the value of {@code key} came from: {@code default}, a file path, or {@code --set}. */
    public String source(String key) {
        return sources.getOrDefault(key, "unset");
    }

    /**
     * Every value as a string, sorted by key: what manifests record and what fingerprints hash. Lists are
     * comma-joined; maps and datasets are written as {@code key.sub} entries.
     */
    public Map<String, String> toFlatMap() {
        Map<String, String> flat = new TreeMap<>();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> flat.put(entry.getKey() + "." + k, String.valueOf(v)));
            } else if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof DatasetSpec) {
                for (int i = 0; i < list.size(); i++) {
                    DatasetSpec spec = (DatasetSpec) list.get(i);
                    String prefix = entry.getKey() + "[" + i + "].";
                    flat.put(prefix + "path", spec.path());
                    flat.put(prefix + "format", spec.format());
                    spec.explicitId().ifPresent(id -> flat.put(prefix + "id", id));
                    spec.explicitCamera().ifPresent(camera -> flat.put(prefix + "camera", camera));
                }
            } else if (value instanceof List<?> list) {
                List<String> items = new ArrayList<>();
                list.forEach(item -> items.add(String.valueOf(item)));
                flat.put(entry.getKey(), String.join(",", items));
            } else {
                flat.put(entry.getKey(), String.valueOf(value));
            }
        }
        return flat;
    }

    private Object require(String key, PropertyType... types) {
        ConfigProperty property =
                schema.find(key).orElseThrow(() -> new IllegalArgumentException("Key is not in the schema: " + key));
        boolean typeMatches = false;
        for (PropertyType type : types) {
            typeMatches |= property.type() == type;
        }
        if (!typeMatches) {
            throw new IllegalArgumentException("Key " + key + " has type " + property.type());
        }
        Object value = values.get(key);
        if (value == null) {
            throw new PipelineException(
                    CONFIG_MISSING_VALUE,
                    String.format(
                            Locale.ROOT,
                            "Configuration key '%s' has no value: set it in the config file or with --set %s=...",
                            key,
                            key));
        }
        return value;
    }

    private PipelineException unknownKey(String key, String source) {
        String hint =
                schema.suggest(key).map(s -> "; did you mean '" + s + "'?").orElse("");
        return new PipelineException(
                CONFIG_UNKNOWN_KEY,
                String.format(Locale.ROOT, "Unknown configuration key '%s' (from %s)%s", key, source, hint));
    }

    private static String scalarToString(String key, Object rawValue, String source) {
        if (rawValue instanceof Map || rawValue instanceof List || rawValue == null) {
            throw new PipelineException(
                    CONFIG_INVALID_VALUE,
                    String.format(
                            Locale.ROOT,
                            "Invalid value '%s' for configuration key '%s' (from %s): expected a string",
                            rawValue,
                            key,
                            source));
        }
        return String.valueOf(rawValue);
    }
}
