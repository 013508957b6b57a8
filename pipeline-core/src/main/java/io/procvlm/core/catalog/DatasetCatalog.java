package io.procvlm.core.catalog;

import static io.procvlm.core.error.CoreErrorCode.CONFIG_CATALOG_INVALID;
import static io.procvlm.core.error.CoreErrorCode.CONFIG_UNKNOWN_DATASET;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.model.DatasetId;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The dataset catalog: one YAML file per source dataset ({@code conf/datasets/<id>.yaml}, embedded in the jar as the
 * default). Every entry is validated when the catalog loads; the first problem stops the load with {@link
 * io.procvlm.core.error.CoreErrorCode#CONFIG_CATALOG_INVALID} and a message naming the file, the key and the value.
 *
 * <p>YAML is read into a tree of plain nodes (never into arbitrary classes), so a catalog file cannot instantiate code.
 */
public final class DatasetCatalog {
    /** Format ids a catalog entry may declare: those of the readers ({@link io.procvlm.core.model.DatasetFormat}). */
    public static final List<String> FORMATS = java.util.Arrays.stream(io.procvlm.core.model.DatasetFormat.values())
            .map(io.procvlm.core.model.DatasetFormat::id)
            .toList();
    /** Values of {@code domain}. */
    public static final List<String> DOMAINS = List.of("real", "sim");
    /** The listing of the embedded catalog's files (a resource next to them). */
    static final String EMBEDDED_INDEX = "datasets/index.txt";

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Set<String> KEYS = Set.of(
            "id",
            "version",
            "name",
            "format",
            "location",
            "upstream",
            "seed-name",
            "inferred",
            "cameras",
            "fps",
            "task-text",
            "native-labels",
            "license",
            "license-source",
            "domain",
            "embodiment",
            "notes");
    private static final Set<String> CAMERA_KEYS = Set.of("exo", "ego");
    private static final Set<String> LABEL_KEYS = Set.of("present", "where");

    private final Map<String, CatalogEntry> entries;
    private final String origin;

    private DatasetCatalog(List<CatalogEntry> entries, String origin) {
        Map<String, CatalogEntry> byId = new LinkedHashMap<>();
        for (CatalogEntry entry : entries) {
            CatalogEntry previous = byId.put(entry.id(), entry);
            if (previous != null) {
                throw new PipelineException(
                        CONFIG_CATALOG_INVALID,
                        String.format(
                                Locale.ROOT,
                                "Invalid catalog entry %s: key 'id' has value '%s', which %s already uses",
                                entry.source(),
                                entry.id(),
                                previous.source()));
            }
        }
        this.entries = byId;
        this.origin = origin;
    }

    /** The catalog shipped in the jar (identical to {@code conf/datasets/}). */
    public static DatasetCatalog embedded() {
        List<CatalogEntry> entries = new ArrayList<>();
        for (String file : embeddedFiles()) {
            try (InputStream in = DatasetCatalog.class.getResourceAsStream("datasets/" + file)) {
                if (in == null) {
                    throw new IllegalStateException("The embedded catalog lists " + file + " but the jar lacks it");
                }
                entries.add(parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "embedded " + file, file));
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the embedded catalog file " + file, e);
            }
        }
        return new DatasetCatalog(entries, "embedded");
    }

    /** The file names of the embedded catalog, in order. */
    static List<String> embeddedFiles() {
        try (InputStream in = DatasetCatalog.class.getResourceAsStream(EMBEDDED_INDEX)) {
            if (in == null) {
                throw new IllegalStateException("The embedded dataset catalog is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read the embedded catalog index", e);
        }
    }

    /** Every {@code *.yaml} / {@code *.yml} file of {@code folder}, in name order. */
    public static DatasetCatalog load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new PipelineException(
                    CONFIG_CATALOG_INVALID,
                    "Invalid value '" + folder + "' for configuration key '" + CatalogConfig.FOLDER
                            + "': no such folder");
        }
        List<Path> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.filter(path -> {
                        String name = path.getFileName().toString();
                        return Files.isRegularFile(path) && (name.endsWith(".yaml") || name.endsWith(".yml"));
                    })
                    .sorted(Comparator.comparing(path -> path.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new PipelineException(CONFIG_CATALOG_INVALID, "Cannot list the catalog folder " + folder + ": " + e);
        }
        List<CatalogEntry> entries = new ArrayList<>();
        for (Path file : files) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new PipelineException(CONFIG_CATALOG_INVALID, "Cannot read catalog entry " + file + ": " + e);
            }
            entries.add(parse(text, file.toString(), file.getFileName().toString()));
        }
        return new DatasetCatalog(entries, folder.toString());
    }

    /** The catalog named by {@code catalog.folder}: {@code embedded} or a folder. */
    public static DatasetCatalog load(String folderSetting) {
        return folderSetting.equals(CatalogConfig.EMBEDDED) ? embedded() : load(Path.of(folderSetting));
    }

    /** Where the catalog came from: {@code embedded} or the folder. */
    public String origin() {
        return origin;
    }

    public List<CatalogEntry> entries() {
        return List.copyOf(entries.values());
    }

    public Optional<CatalogEntry> find(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    /** The entry, or a {@code CONFIG_UNKNOWN_DATASET} failure that suggests close ids. */
    public CatalogEntry require(String id, String where) {
        CatalogEntry entry = entries.get(id);
        if (entry != null) {
            return entry;
        }
        List<String> suggestions = suggest(id);
        String hint = suggestions.isEmpty()
                ? "; 'procvlm catalog' lists the " + entries.size() + " ids"
                : "; did you mean "
                        + String.join(
                                " or ",
                                suggestions.stream().map(s -> "'" + s + "'").toList()) + "?";
        throw new PipelineException(
                CONFIG_UNKNOWN_DATASET,
                String.format(
                        Locale.ROOT,
                        "Unknown dataset '%s' (from %s): not in the %s catalog%s",
                        id,
                        where,
                        origin,
                        hint));
    }

    /** Up to three ids close to {@code id}: small edit distance, or containing it (case-insensitive). */
    public List<String> suggest(String id) {
        String wanted = id.toLowerCase(Locale.ROOT);
        record Scored(String id, int score) {}
        List<Scored> scored = new ArrayList<>();
        for (String candidate : entries.keySet()) {
            String lower = candidate.toLowerCase(Locale.ROOT);
            int distance = editDistance(wanted, lower);
            if (distance <= Math.max(2, wanted.length() / 3)) {
                scored.add(new Scored(candidate, distance));
            } else if (wanted.length() >= 3 && (lower.contains(wanted) || wanted.contains(lower))) {
                scored.add(new Scored(candidate, 100 + Math.abs(lower.length() - wanted.length())));
            }
        }
        scored.sort(Comparator.comparingInt(Scored::score).thenComparing(Scored::id));
        return scored.stream().limit(3).map(Scored::id).toList();
    }

    /** Parses and validates one entry; {@code source} names it in errors, {@code fileName} must be {@code <id>.yaml}. */
    static CatalogEntry parse(String yaml, String source, String fileName) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            throw new PipelineException(
                    CONFIG_CATALOG_INVALID,
                    "Invalid catalog entry " + source + ": not valid YAML: " + e.getOriginalMessage(),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw new PipelineException(
                    CONFIG_CATALOG_INVALID,
                    "Invalid catalog entry " + source + ": the top level must be a map of keys");
        }
        checkKeys(root, KEYS, "", source);
        String id = text(root, "id", source);
        try {
            new DatasetId(id);
        } catch (IllegalArgumentException e) {
            throw invalid(
                    source, "id", id, "use 1-128 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        String stem = fileName.replaceFirst("\\.ya?ml$", "");
        if (!stem.equals(id)) {
            throw invalid(source, "id", id, "the file must be named " + id + ".yaml");
        }
        JsonNode versionNode = require(root, "version", source);
        if (!versionNode.isIntegralNumber() || versionNode.asLong() < 1 || versionNode.asLong() > Integer.MAX_VALUE) {
            throw invalid(source, "version", versionNode.asText(), "expected a whole number >= 1");
        }
        String format = text(root, "format", source);
        if (!FORMATS.contains(format)) {
            throw invalid(source, "format", format, "expected one of " + String.join(", ", FORMATS));
        }
        String location = text(root, "location", source);
        LocationTemplate.parse(location, source);
        JsonNode cameras = require(root, "cameras", source);
        if (!cameras.isObject()) {
            throw invalid(source, "cameras", cameras.toString(), "expected a map with exo and ego");
        }
        checkKeys(cameras, CAMERA_KEYS, "cameras.", source);
        String exo = text(cameras, "exo", "cameras.exo", source);
        JsonNode egoNode = require(cameras, "ego", "cameras.ego", source);
        if (!egoNode.isArray()) {
            throw invalid(source, "cameras.ego", egoNode.asText(), "expected a list of camera keys (may be [])");
        }
        List<String> ego = new ArrayList<>();
        for (JsonNode camera : egoNode) {
            if (!camera.isTextual() || camera.asText().isBlank()) {
                throw invalid(source, "cameras.ego", camera.toString(), "expected a camera key");
            }
            ego.add(camera.asText());
        }
        if (ego.contains(exo)) {
            throw invalid(source, "cameras.ego", exo, "the exo camera cannot also be an ego camera");
        }
        JsonNode fpsNode = require(root, "fps", source);
        Double fps;
        if (fpsNode.isTextual() && fpsNode.asText().equals(CatalogEntry.AUTO)) {
            fps = null;
        } else if (fpsNode.isNumber() && fpsNode.asDouble() > 0 && Double.isFinite(fpsNode.asDouble())) {
            fps = fpsNode.asDouble();
        } else {
            throw invalid(source, "fps", fpsNode.asText(), "expected a number > 0, or auto (read from the dataset)");
        }
        String taskText = text(root, "task-text", source);
        JsonNode labels = require(root, "native-labels", source);
        if (!labels.isObject()) {
            throw invalid(source, "native-labels", labels.toString(), "expected a map with present and where");
        }
        checkKeys(labels, LABEL_KEYS, "native-labels.", source);
        boolean present = bool(labels, "present", "native-labels.present", source);
        String where = text(labels, "where", "native-labels.where", source);
        if (present && where.equals("none")) {
            throw invalid(source, "native-labels.where", where, "say where the shipped labels are");
        }
        String license = text(root, "license", source);
        String domain = text(root, "domain", source);
        if (!DOMAINS.contains(domain)) {
            throw invalid(source, "domain", domain, "expected real or sim");
        }
        return new CatalogEntry(
                id,
                (int) versionNode.asLong(),
                text(root, "name", source),
                format,
                location,
                optionalText(root, "upstream", source),
                optionalText(root, "seed-name", source),
                bool(root, "inferred", "inferred", source),
                exo,
                ego,
                fps,
                taskText,
                present,
                where,
                license,
                optionalText(root, "license-source", source),
                domain,
                text(root, "embodiment", source),
                text(root, "notes", source),
                source);
    }

    private static void checkKeys(JsonNode node, Set<String> allowed, String prefix, String source) {
        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new PipelineException(
                        CONFIG_CATALOG_INVALID,
                        String.format(
                                Locale.ROOT,
                                "Invalid catalog entry %s: unknown key '%s%s' (known: %s)",
                                source,
                                prefix,
                                name,
                                String.join(", ", allowed.stream().sorted().toList())));
            }
        }
    }

    private static JsonNode require(JsonNode node, String key, String source) {
        return require(node, key, key, source);
    }

    private static JsonNode require(JsonNode node, String field, String key, String source) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new PipelineException(
                    CONFIG_CATALOG_INVALID,
                    String.format(Locale.ROOT, "Invalid catalog entry %s: required key '%s' is missing", source, key));
        }
        return value;
    }

    private static String text(JsonNode node, String key, String source) {
        return text(node, key, key, source);
    }

    private static String text(JsonNode node, String field, String key, String source) {
        JsonNode value = require(node, field, key, source);
        if (!value.isValueNode() || value.asText().isBlank()) {
            throw invalid(source, key, value.toString(), "expected a non-empty text");
        }
        return value.asText().strip();
    }

    private static String optionalText(JsonNode node, String key, String source) {
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        return text(node, key, key, source);
    }

    private static boolean bool(JsonNode node, String field, String key, String source) {
        JsonNode value = require(node, field, key, source);
        if (!value.isBoolean()) {
            throw invalid(source, key, value.asText(), "expected true or false");
        }
        return value.asBoolean();
    }

    private static PipelineException invalid(String source, String key, String value, String expected) {
        return new PipelineException(
                CONFIG_CATALOG_INVALID,
                String.format(
                        Locale.ROOT,
                        "Invalid catalog entry %s: key '%s' has value '%s': %s",
                        source,
                        key,
                        value,
                        expected));
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
