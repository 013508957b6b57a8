package io.procvlm.core.config;

import static io.procvlm.core.error.CoreErrorCode.CONFIG_INVALID_VALUE;
import static io.procvlm.core.error.CoreErrorCode.CONFIG_UNKNOWN_KEY;
import static io.procvlm.core.error.CoreErrorCode.CONFIG_UNREADABLE;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.procvlm.core.error.PipelineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Loads a configuration: the schema's defaults, then a YAML file, then {@code --set key=value} overrides, in that
 * order. Unknown keys and bad values fail at once with a message naming the key, the value and where it came from.
 *
 * <p>YAML is read into plain maps, lists and scalars (never into arbitrary classes), so a config file cannot
 * instantiate code.
 */
public final class ConfigLoader {
    private static final YAMLMapper YAML = new YAMLMapper();

    private final ConfigSchema schema;

    public ConfigLoader(ConfigSchema schema) {
        this.schema = requireNonNull(schema, "schema is null");
    }

    public Config load(Path file, List<String> overrides) {
        Config config = Config.defaults(schema);
        if (file != null) {
            config = applyFile(config, file);
        }
        return applyOverrides(config, overrides);
    }

    public Config applyFile(Config config, Path file) {
        Object root;
        try {
            if (!Files.isRegularFile(file)) {
                throw new PipelineException(
                        CONFIG_UNREADABLE, "Cannot read configuration file " + file + ": no such file");
            }
            root = YAML.readValue(file.toFile(), Object.class);
        } catch (JacksonException e) {
            throw new PipelineException(
                    CONFIG_UNREADABLE, "Cannot parse configuration file " + file + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new PipelineException(CONFIG_UNREADABLE, "Cannot read configuration file " + file + ": " + e, e);
        }
        if (root == null) {
            return config;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new PipelineException(
                    CONFIG_UNREADABLE,
                    "Cannot use configuration file " + file + ": the top level must be a map of keys, found "
                            + root.getClass().getSimpleName());
        }
        return walk(config, "", map, file.toString());
    }

    public Config applyOverrides(Config config, List<String> overrides) {
        Config result = config;
        for (String override : overrides) {
            int equals = override.indexOf('=');
            if (equals <= 0) {
                throw new PipelineException(
                        CONFIG_INVALID_VALUE,
                        String.format(Locale.ROOT, "Invalid --set '%s': expected key=value", override));
            }
            String key = override.substring(0, equals).strip();
            String value = override.substring(equals + 1).strip();
            result = result.with(key, value, "--set");
        }
        return result;
    }

    private Config walk(Config config, String prefix, Map<?, ?> map, String source) {
        Config result = config;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            String key = prefix.isEmpty() ? String.valueOf(entry.getKey()) : prefix + "." + entry.getKey();
            Object value = entry.getValue();
            if (schema.find(key).isPresent()) {
                result = result.with(key, value, source);
            } else if (value instanceof Map<?, ?> nested && schema.isPrefix(key)) {
                result = walk(result, key, nested, source);
            } else if (schema.findMapParent(key).isPresent()) {
                result = result.with(key, value, source);
            } else {
                String hint = schema.suggest(key)
                        .map(s -> "; did you mean '" + s + "'?")
                        .orElse("");
                throw new PipelineException(
                        CONFIG_UNKNOWN_KEY,
                        String.format(Locale.ROOT, "Unknown configuration key '%s' (from %s)%s", key, source, hint));
            }
        }
        return result;
    }
}
