package io.procvlm.core.dataset.lerobot;

import static io.procvlm.core.error.CoreErrorCode.DATASET_METADATA_INVALID;
import static io.procvlm.core.error.CoreErrorCode.UNSUPPORTED_CODEBASE_VERSION;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.model.DatasetFormat;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parsed {@code meta/info.json} of a LeRobot dataset. Keys this reader does not know are tolerated and listed in
 * {@link #unknownKeys()} (LeRobot's own loader does the same, for forward compatibility).
 */
public record LeRobotInfo(
        DatasetFormat format,
        String codebaseVersion,
        String robotType,
        double fps,
        long totalEpisodes,
        long totalFrames,
        int chunksSize,
        String dataPath,
        String videoPath,
        Map<String, LeRobotFeature> features,
        List<String> unknownKeys)
        implements Serializable {
    static final String INFO_PATH = "meta/info.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> KNOWN_KEYS = Set.of(
            "codebase_version",
            "robot_type",
            "total_episodes",
            "total_frames",
            "total_tasks",
            "total_videos",
            "total_chunks",
            "chunks_size",
            "fps",
            "splits",
            "data_path",
            "video_path",
            "features",
            "data_files_size_in_mb",
            "video_files_size_in_mb",
            "tools");

    public LeRobotInfo {
        requireNonNull(format, "format is null");
        requireNonNull(codebaseVersion, "codebaseVersion is null");
        requireNonNull(dataPath, "dataPath is null");
        features = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(features, "features")));
        unknownKeys = List.copyOf(requireNonNull(unknownKeys, "unknownKeys is null"));
    }

    /** The camera features, in metadata order. */
    public List<LeRobotFeature> cameras() {
        List<LeRobotFeature> cameras = new ArrayList<>();
        for (LeRobotFeature feature : features.values()) {
            if (feature.isCamera()) {
                cameras.add(feature);
            }
        }
        return cameras;
    }

    /** Reads the {@code codebase_version} alone, to pick a reader. */
    public static String readCodebaseVersion(byte[] infoJson, String location) {
        JsonNode root = readJson(infoJson, location);
        JsonNode version = root.get("codebase_version");
        if (version == null || !version.isTextual()) {
            throw invalid(location, "has no string 'codebase_version'");
        }
        return version.asText();
    }

    public static LeRobotInfo parse(byte[] infoJson, String location) {
        JsonNode root = readJson(infoJson, location);
        String version = text(root, "codebase_version", location, true);
        DatasetFormat format = switch (version) {
            case "v2.0" -> DatasetFormat.LEROBOT_V2_0;
            case "v2.1" -> DatasetFormat.LEROBOT_V2_1;
            case "v3.0", "v3.1" -> DatasetFormat.LEROBOT_V3_0;
            default ->
                throw new PipelineException(
                        UNSUPPORTED_CODEBASE_VERSION,
                        location + ": codebase_version '" + version
                                + "' is not supported (supported: v2.0, v2.1, v3.0)");
        };
        double fps = number(root, "fps", location);
        if (!(fps > 0) || fps > 10_000) {
            throw invalid(location, "'fps' must be a positive number, found " + root.get("fps"));
        }
        long totalEpisodes = root.has("total_episodes") ? (long) number(root, "total_episodes", location) : -1;
        long totalFrames = root.has("total_frames") ? (long) number(root, "total_frames", location) : -1;
        int chunksSize = root.has("chunks_size") ? (int) number(root, "chunks_size", location) : 1000;
        if (chunksSize <= 0) {
            throw invalid(location, "'chunks_size' must be positive, found " + chunksSize);
        }
        String dataPath = text(root, "data_path", location, false);
        if (dataPath == null) {
            dataPath = format == DatasetFormat.LEROBOT_V3_0
                    ? "data/chunk-{chunk_index:03d}/file-{file_index:03d}.parquet"
                    : "data/chunk-{episode_chunk:03d}/episode_{episode_index:06d}.parquet";
        }
        String videoPath = text(root, "video_path", location, false);
        JsonNode featuresNode = root.get("features");
        if (featuresNode == null || !featuresNode.isObject()) {
            throw invalid(location, "has no 'features' object");
        }
        Map<String, LeRobotFeature> features = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = featuresNode.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            features.put(entry.getKey(), feature(entry.getKey(), entry.getValue(), location));
        }
        List<String> unknown = new ArrayList<>();
        root.fieldNames().forEachRemaining(name -> {
            if (!KNOWN_KEYS.contains(name)) {
                unknown.add(name);
            }
        });
        String robotType = text(root, "robot_type", location, false);
        return new LeRobotInfo(
                format,
                version,
                robotType == null ? "" : robotType,
                fps,
                totalEpisodes,
                totalFrames,
                chunksSize,
                dataPath,
                videoPath,
                features,
                unknown);
    }

    private static LeRobotFeature feature(String key, JsonNode node, String location) {
        if (!node.isObject()) {
            throw invalid(location, "feature '" + key + "' is not an object");
        }
        JsonNode dtypeNode = node.get("dtype");
        if (dtypeNode == null || !dtypeNode.isTextual()) {
            throw invalid(location, "feature '" + key + "' has no string 'dtype'");
        }
        List<Integer> shape = new ArrayList<>();
        JsonNode shapeNode = node.get("shape");
        if (shapeNode != null && shapeNode.isArray()) {
            for (JsonNode size : shapeNode) {
                if (!size.canConvertToInt()) {
                    throw invalid(location, "feature '" + key + "' has a non-integer shape " + shapeNode);
                }
                shape.add(size.asInt());
            }
        }
        List<String> names = new ArrayList<>();
        flattenNames(node.get("names"), names);
        String codec = null;
        int height = 0;
        int width = 0;
        JsonNode info = node.has("info") ? node.get("info") : node.get("video_info");
        if (info != null && info.isObject()) {
            JsonNode codecNode = info.get("video.codec");
            codec = codecNode != null && codecNode.isTextual() ? codecNode.asText() : null;
            height = info.path("video.height").asInt(0);
            width = info.path("video.width").asInt(0);
        }
        String dtype = dtypeNode.asText();
        if ((dtype.equals("video") || dtype.equals("image")) && (height == 0 || width == 0) && shape.size() == 3) {
            // shape is [H, W, C] (LeRobot) unless names say channels come first
            boolean channelsFirst = names.size() == 3 && names.get(0).startsWith("channel");
            height = channelsFirst ? shape.get(1) : shape.get(0);
            width = channelsFirst ? shape.get(2) : shape.get(1);
        }
        return new LeRobotFeature(key, dtype, shape, names, codec, height, width);
    }

    private static void flattenNames(JsonNode names, List<String> out) {
        if (names == null || names.isNull()) {
            return;
        }
        if (names.isArray()) {
            for (JsonNode name : names) {
                flattenNames(name, out);
            }
        } else if (names.isObject()) {
            // {"motors": [..]} style
            names.elements().forEachRemaining(child -> flattenNames(child, out));
        } else {
            out.add(names.asText());
        }
    }

    private static JsonNode readJson(byte[] bytes, String location) {
        try {
            JsonNode root = JSON.readTree(bytes);
            if (root == null || !root.isObject()) {
                throw invalid(location, "is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new PipelineException(
                    DATASET_METADATA_INVALID, location + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static String text(JsonNode root, String key, String location, boolean required) {
        JsonNode node = root.get(key);
        if (node == null || node.isNull()) {
            if (required) {
                throw invalid(location, "has no '" + key + "'");
            }
            return null;
        }
        if (!node.isTextual()) {
            throw invalid(location, "'" + key + "' must be a string, found " + node);
        }
        return node.asText();
    }

    private static double number(JsonNode root, String key, String location) {
        JsonNode node = root.get(key);
        if (node == null || !node.isNumber()) {
            throw invalid(location, "'" + key + "' must be a number, found " + node);
        }
        return node.asDouble();
    }

    private static PipelineException invalid(String location, String what) {
        return new PipelineException(DATASET_METADATA_INVALID, location + " " + what);
    }
}
