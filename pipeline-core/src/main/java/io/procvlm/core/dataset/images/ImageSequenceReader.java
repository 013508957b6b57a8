package io.procvlm.core.dataset.images;

import static io.procvlm.core.error.CoreErrorCode.DATASET_METADATA_INVALID;
import static io.procvlm.core.error.CoreErrorCode.SYMLINK_LOOP;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.CameraSelector;
import io.procvlm.core.dataset.DatasetReader;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.ReaderCapabilities;
import io.procvlm.core.dataset.ReaderSupport;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.CameraChoice;
import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.DataSlice;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.DatasetId;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.FrameColumns;
import io.procvlm.core.model.Problem;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Raw captures: one folder per episode holding an {@code episode.json} and its frames as PNG/JPEG files, one camera
 * per sub-folder (or the frames directly in the episode folder, camera {@code main}). Episodes are ordered by the
 * number in their folder name, then by name; frames by the number in their file name. The JSON ({@code fps}, {@code
 * task}, optional {@code states}/{@code state_names}/{@code actions}/{@code subtasks}) is documented in
 * docs/datasets.md.
 */
public final class ImageSequenceReader implements DatasetReader {
    public static final ImageSequenceReader INSTANCE = new ImageSequenceReader();
    public static final String EPISODE_JSON = "episode.json";
    /** The camera name of frames lying directly in the episode folder. */
    public static final String MAIN_CAMERA = "main";

    static final ObjectMapper JSON = new ObjectMapper();

    private ImageSequenceReader() {}

    @Override
    public String family() {
        return DatasetFormat.IMAGE_SEQUENCE.id();
    }

    @Override
    public List<DatasetFormat> formats() {
        return List.of(DatasetFormat.IMAGE_SEQUENCE);
    }

    @Override
    public ReaderCapabilities capabilities() {
        return new ReaderCapabilities(true, true, false, true, true);
    }

    @Override
    public Optional<DatasetFormat> detect(DatasetFiles files) {
        return episodeJsons(files).isEmpty() ? Optional.empty() : Optional.of(DatasetFormat.IMAGE_SEQUENCE);
    }

    @Override
    public EpisodeReader episodes() {
        return ImageSequenceEpisodeReader.INSTANCE;
    }

    static boolean isImage(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg");
    }

    private static List<String> episodeJsons(DatasetFiles files) {
        List<String> found = new ArrayList<>();
        for (String folder : files.listFolders("")) {
            if (files.exists(folder + "/" + EPISODE_JSON)) {
                found.add(folder + "/" + EPISODE_JSON); // <episode>/episode.json, one level deep
            }
        }
        return found;
    }

    @Override
    public DatasetScan scan(DatasetId id, DatasetFiles files, String explicitCamera, CameraRules rules) {
        List<String> jsons = new ArrayList<>(episodeJsons(files));
        jsons.sort(Comparator.comparingLong((String j) -> ReaderSupport.trailingNumber(folderOf(j)))
                .thenComparing(Comparator.naturalOrder()));
        if (jsons.isEmpty()) {
            throw new PipelineException(DATASET_METADATA_INVALID, "Dataset " + id + " has no <episode>/episode.json");
        }
        Map<String, CameraStorage> cameras = new TreeMap<>();
        List<JsonNode> parsed = new ArrayList<>();
        List<Problem> parseProblems = new ArrayList<>();
        Double fps = null;
        for (String json : jsons) {
            String folder = folderOf(json);
            JsonNode node = null;
            Problem problem = null;
            try {
                node = JSON.readTree(files.readAll(json, 16 * 1024 * 1024));
                if (!node.isObject()) {
                    throw new IOException("not a JSON object");
                }
                double episodeFps = node.path("fps").asDouble(0);
                if (!(episodeFps > 0)) {
                    throw new IOException("'fps' must be a positive number, got " + node.get("fps"));
                }
                fps = fps == null ? episodeFps : fps;
            } catch (IOException e) {
                node = null;
                problem = Problem.error(DATASET_METADATA_INVALID.name(), json + " is invalid: " + e.getMessage());
            }
            List<String> images = files.listFiles(folder, ImageSequenceReader::isImage);
            List<String> loops = files.symlinkLoops(folder);
            if (!loops.isEmpty() && problem == null) {
                node = null;
                problem = Problem.error(
                        SYMLINK_LOOP.name(),
                        "the episode's folder holds a symbolic link loop: " + String.join("; ", loops));
            }
            parsed.add(node);
            parseProblems.add(problem);
            for (String image : images) {
                String relative = image.substring(folder.length() + 1);
                int slash = relative.indexOf('/');
                if (slash < 0) {
                    cameras.put(MAIN_CAMERA, CameraStorage.IMAGE_FILES);
                } else if (slash == relative.lastIndexOf('/')) {
                    cameras.put(relative.substring(0, slash), CameraStorage.IMAGE_FILES);
                }
            }
        }
        CameraChoice camera = CameraSelector.choose(id, cameras, explicitCamera, rules);
        if (fps == null) {
            throw new PipelineException(DATASET_METADATA_INVALID, "Dataset " + id + " has no valid episode.json");
        }
        JsonNode first = parsed.stream().filter(n -> n != null).findFirst().orElseThrow();
        List<String> stateNames = new ArrayList<>();
        first.path("state_names").forEach(n -> stateNames.add(n.asText()));
        FrameColumns columns = FrameColumns.of(
                first.path("states").isArray() ? "states" : null,
                first.path("actions").isArray() ? "actions" : null,
                first.path("states").isArray() ? stateNames : List.of());
        List<EpisodeRef> episodes = new ArrayList<>();
        for (int i = 0; i < jsons.size(); i++) {
            JsonNode node = parsed.get(i);
            List<String> tasks = new ArrayList<>();
            List<Problem> problems = new ArrayList<>();
            double episodeFps = fps;
            long length = -1;
            if (node == null) {
                problems.add(parseProblems.get(i));
            } else {
                episodeFps = node.path("fps").asDouble();
                if (node.path("task").isTextual() && !node.path("task").asText().isBlank()) {
                    tasks.add(node.path("task").asText().strip());
                }
                length = node.path("length").asLong(-1);
            }
            episodes.add(new EpisodeRef(
                    id,
                    files.root(),
                    DatasetFormat.IMAGE_SEQUENCE,
                    i,
                    tasks,
                    episodeFps,
                    length,
                    DataSlice.wholeFile(jsons.get(i)),
                    columns,
                    camera,
                    null,
                    problems));
        }
        return new DatasetScan(
                id,
                files.root(),
                DatasetFormat.IMAGE_SEQUENCE,
                fps,
                first.path("robot_type").asText(""),
                camera,
                List.of(),
                episodes,
                ReaderSupport.snapshot(files, jsons, List.of()));
    }

    static String folderOf(String episodeJson) {
        return episodeJson.substring(0, episodeJson.lastIndexOf('/'));
    }
}
