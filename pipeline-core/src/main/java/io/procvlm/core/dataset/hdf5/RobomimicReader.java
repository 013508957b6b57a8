package io.procvlm.core.dataset.hdf5;

import static io.procvlm.core.error.CoreErrorCode.DATASET_METADATA_INVALID;
import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_UNREADABLE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
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
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * robomimic / LIBERO HDF5 files ({@code *.hdf5}, {@code *.h5} anywhere under the root): every {@code data/demo_N} group
 * of every file is an episode, in file order then N. Cameras are the 8-bit image arrays {@code obs/<camera>} of shape
 * {@code [T,H,W,3]} (RGB) or {@code [T,H,W]}; the state is the end-effector position and gripper joints ({@code
 * robot0_eef_pos} + {@code robot0_gripper_qpos}, or LIBERO's {@code ee_pos} + {@code gripper_states}, plus the derived
 * gripper opening = finger 0 − finger 1), actions {@code
 * actions}. The task text is LIBERO's {@code data} attribute {@code problem_info.language_instruction} (or a {@code
 * language_instruction} attribute on {@code data} or the demo); the frame rate is {@code env_args.env_kwargs
 * .control_freq}, else 20 Hz with a warning. Read with jHDF (pure Java; contiguous and chunked, deflate-compressed
 * data).
 */
public final class RobomimicReader implements DatasetReader {
    public static final RobomimicReader INSTANCE = new RobomimicReader();
    static final double DEFAULT_FPS = 20.0;
    /** State datasets under {@code obs/}, in the order they are concatenated when present. */
    static final List<String> STATE_KEYS = List.of("robot0_eef_pos", "ee_pos", "robot0_gripper_qpos", "gripper_states");

    /**
     * A derived state part: {@code opening(obs/<fingers>)} is the first finger joint minus the second, the gripper's
     * opening (robomimic's and LIBERO's two finger joints move symmetrically).
     */
    static final String OPENING_PREFIX = "opening(";

    private static final ObjectMapper JSON = new ObjectMapper();

    private RobomimicReader() {}

    @Override
    public String family() {
        return DatasetFormat.HDF5_ROBOMIMIC.id();
    }

    @Override
    public List<DatasetFormat> formats() {
        return List.of(DatasetFormat.HDF5_ROBOMIMIC);
    }

    @Override
    public ReaderCapabilities capabilities() {
        return new ReaderCapabilities(true, true, false, false, true);
    }

    @Override
    public Optional<DatasetFormat> detect(DatasetFiles files) {
        return hdf5Files(files).isEmpty() ? Optional.empty() : Optional.of(DatasetFormat.HDF5_ROBOMIMIC);
    }

    static List<String> hdf5Files(DatasetFiles files) {
        return files.listFiles("", name -> name.endsWith(".hdf5") || name.endsWith(".h5"));
    }

    @Override
    public EpisodeReader episodes() {
        return RobomimicEpisodeReader.INSTANCE;
    }

    /** One demo as found while scanning. */
    private record Demo(String file, String group, List<String> tasks, long length) {}

    @Override
    public DatasetScan scan(DatasetId id, DatasetFiles files, String explicitCamera, CameraRules rules) {
        List<String> hdf5 = hdf5Files(files);
        List<Problem> problems = new ArrayList<>();
        List<Object> entries = new ArrayList<>(); // Demo, or a Problem for an unreadable file
        List<String> entryFiles = new ArrayList<>();
        Map<String, CameraStorage> cameras = new TreeMap<>();
        List<String> stateKeys = null;
        List<String> stateNames = new ArrayList<>();
        boolean hasActions = false;
        Double fps = null;
        for (String file : hdf5) {
            try (HdfFile hdf = new HdfFile(files.localFile(file).toPath())) {
                Node dataNode = hdf.getChild("data");
                if (!(dataNode instanceof Group data)) {
                    throw new IllegalStateException("it has no 'data' group");
                }
                List<String> fileTasks = new ArrayList<>();
                String problemInfo = Hdf5Values.stringAttribute(data, "problem_info");
                String instruction = problemInfo == null ? null : jsonText(problemInfo, "language_instruction");
                if (instruction == null) {
                    instruction = Hdf5Values.stringAttribute(data, "language_instruction");
                }
                if (instruction != null && !instruction.isBlank()) {
                    fileTasks.add(instruction.strip());
                }
                if (fps == null) {
                    String envArgs = Hdf5Values.stringAttribute(data, "env_args");
                    fps = envArgs == null ? null : controlFrequency(envArgs);
                }
                List<String> demoNames = new ArrayList<>(data.getChildren().keySet());
                demoNames.removeIf(name -> !name.startsWith("demo"));
                demoNames.sort(Comparator.comparingLong(ReaderSupport::trailingNumber)
                        .thenComparing(Comparator.naturalOrder()));
                for (String demoName : demoNames) {
                    Node demoNode = data.getChild(demoName);
                    if (!(demoNode instanceof Group demo)) {
                        continue;
                    }
                    List<String> tasks = fileTasks;
                    String demoInstruction = Hdf5Values.stringAttribute(demo, "language_instruction");
                    if (tasks.isEmpty() && demoInstruction != null && !demoInstruction.isBlank()) {
                        tasks = List.of(demoInstruction.strip());
                    }
                    long length = Hdf5Values.longAttribute(demo, "num_samples", -1);
                    if (demo.getChild("obs") instanceof Group obs) {
                        for (Map.Entry<String, Node> child : obs.getChildren().entrySet()) {
                            if (child.getValue() instanceof Dataset dataset && isImageArray(dataset)) {
                                cameras.put(child.getKey(), CameraStorage.IMAGE_ARRAY);
                            }
                        }
                        if (stateKeys == null) {
                            stateKeys = new ArrayList<>();
                            String fingers = null;
                            for (String key : STATE_KEYS) {
                                if (obs.getChild(key) instanceof Dataset state) {
                                    stateKeys.add("obs/" + key);
                                    int[] dims = state.getDimensions();
                                    int width = dims.length > 1 ? dims[1] : 1;
                                    boolean gripper = key.contains("gripper");
                                    for (int d = 0; d < width; d++) {
                                        // finger joints are symmetric (+q, -q): their mean is 0, so they are not
                                        // named "gripper"; the derived opening below is
                                        stateNames.add((gripper ? key.replace("gripper", "finger") : key) + "_" + d);
                                    }
                                    if (gripper && width == 2) {
                                        fingers = "obs/" + key;
                                    }
                                }
                            }
                            if (fingers != null) {
                                stateKeys.add(OPENING_PREFIX + fingers + ")");
                                stateNames.add("gripper_opening");
                            }
                        }
                    }
                    hasActions |= demo.getChild("actions") instanceof Dataset;
                    entries.add(new Demo(file, "data/" + demoName, tasks, length));
                    entryFiles.add(file);
                }
            } catch (PipelineException e) {
                throw e;
            } catch (RuntimeException e) {
                entries.add(Problem.error(
                        DATA_FILE_UNREADABLE.name(),
                        "HDF5 file " + file + " cannot be read (" + e.getMessage()
                                + "); its demos are unknown, it counts as one quarantined episode"));
                entryFiles.add(file);
            }
        }
        if (entries.isEmpty()) {
            throw new PipelineException(
                    DATASET_METADATA_INVALID, "Dataset " + id + " has no data/demo_* group in its HDF5 files " + hdf5);
        }
        CameraChoice camera = CameraSelector.choose(id, cameras, explicitCamera, rules);
        if (fps == null) {
            fps = DEFAULT_FPS;
            problems.add(Problem.warning(
                    "FPS_ASSUMED",
                    "no data attribute env_args.env_kwargs.control_freq; assuming " + DEFAULT_FPS
                            + " Hz (robomimic's and LIBERO's rate)"));
        }
        String stateKey = stateKeys == null || stateKeys.isEmpty() ? null : String.join("+", stateKeys);
        FrameColumns columns =
                FrameColumns.of(stateKey, hasActions ? "actions" : null, stateKey == null ? List.of() : stateNames);
        List<EpisodeRef> episodes = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Object entry = entries.get(i);
            if (entry instanceof Demo demo) {
                episodes.add(new EpisodeRef(
                        id,
                        files.root(),
                        DatasetFormat.HDF5_ROBOMIMIC,
                        i,
                        demo.tasks(),
                        fps,
                        demo.length(),
                        DataSlice.member(demo.file(), demo.group()),
                        columns,
                        camera,
                        null,
                        List.of()));
            } else {
                episodes.add(new EpisodeRef(
                        id,
                        files.root(),
                        DatasetFormat.HDF5_ROBOMIMIC,
                        i,
                        List.of(),
                        fps,
                        -1,
                        DataSlice.member(entryFiles.get(i), "data"),
                        columns,
                        camera,
                        null,
                        List.of((Problem) entry)));
            }
        }
        return new DatasetScan(
                id,
                files.root(),
                DatasetFormat.HDF5_ROBOMIMIC,
                fps,
                "",
                camera,
                problems,
                episodes,
                ReaderSupport.snapshot(files, List.of(), hdf5));
    }

    static boolean isImageArray(Dataset dataset) {
        int[] dims = dataset.getDimensions();
        boolean shape = (dims.length == 4 && (dims[3] == 3 || dims[3] == 1)) || dims.length == 3;
        if (!shape || dataset.getDataType() == null) {
            return false;
        }
        Class<?> type = dataset.getJavaType();
        return dataset.getDataType().getSize() == 1 && (type == byte.class || type == short.class || type == int.class);
    }

    private static String jsonText(String json, String field) {
        try {
            JsonNode node = JSON.readTree(json);
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value.asText();
        } catch (IOException e) {
            return null;
        }
    }

    private static Double controlFrequency(String envArgs) {
        try {
            JsonNode node = JSON.readTree(envArgs).path("env_kwargs").path("control_freq");
            return node.isNumber() && node.asDouble() > 0 ? node.asDouble() : null;
        } catch (IOException e) {
            return null;
        }
    }
}
