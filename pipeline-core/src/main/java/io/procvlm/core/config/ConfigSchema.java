package io.procvlm.core.config;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The set of configuration keys a program accepts, assembled from each module's properties. */
public final class ConfigSchema {
    private final Map<String, ConfigProperty> properties;

    private ConfigSchema(Map<String, ConfigProperty> properties) {
        this.properties = properties;
    }

    public static ConfigSchema of(Collection<List<ConfigProperty>> groups) {
        Map<String, ConfigProperty> properties = new LinkedHashMap<>();
        for (List<ConfigProperty> group : groups) {
            for (ConfigProperty property : group) {
                if (properties.putIfAbsent(property.key(), property) != null) {
                    throw new IllegalArgumentException("Duplicate configuration key: " + property.key());
                }
            }
        }
        return new ConfigSchema(properties);
    }

    public Optional<ConfigProperty> find(String key) {
        return Optional.ofNullable(properties.get(requireNonNull(key, "key is null")));
    }

    /** All properties, sorted by key. */
    public List<ConfigProperty> properties() {
        List<ConfigProperty> sorted = new ArrayList<>(properties.values());
        sorted.sort(Comparator.comparing(ConfigProperty::key));
        return sorted;
    }

    /** The map-typed property that {@code key} falls under ({@code camera.map.my-dataset} → {@code camera.map}). */
    Optional<ConfigProperty> findMapParent(String key) {
        for (ConfigProperty property : properties.values()) {
            if (property.type() == PropertyType.STRING_MAP && key.startsWith(property.key() + ".")) {
                return Optional.of(property);
            }
        }
        return Optional.empty();
    }

    /** Whether some key lies below {@code prefix} (used to walk nested YAML objects). */
    boolean isPrefix(String prefix) {
        for (String key : properties.keySet()) {
            if (key.startsWith(prefix + ".")) {
                return true;
            }
        }
        return false;
    }

    /** The closest known key, for "did you mean" hints. */
    Optional<String> suggest(String unknownKey) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String key : properties.keySet()) {
            int distance = editDistance(unknownKey, key);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = key;
            }
        }
        if (best != null && bestDistance <= Math.max(2, unknownKey.length() / 4)) {
            return Optional.of(best);
        }
        String lastSegment = unknownKey.substring(unknownKey.lastIndexOf('.') + 1);
        for (String key : properties.keySet()) {
            if (key.endsWith("." + lastSegment) || key.equals(lastSegment)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
