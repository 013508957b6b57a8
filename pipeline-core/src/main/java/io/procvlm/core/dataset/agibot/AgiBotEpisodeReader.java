package io.procvlm.core.dataset.agibot;

import static io.procvlm.core.error.CoreErrorCode.DATASET_METADATA_INVALID;
import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_MISSING;
import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_UNREADABLE;
import static io.procvlm.core.error.CoreErrorCode.MISSING_VIDEO;
import static io.procvlm.core.error.CoreErrorCode.STATE_ACTION_LENGTH_MISMATCH;

import com.fasterxml.jackson.databind.JsonNode;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Node;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.dataset.NativeSubtasks;
import io.procvlm.core.dataset.hdf5.Hdf5Values;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.video.Av1Decoder;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import io.procvlm.core.video.ffmpeg.FfmpegFrameSource;
import java.io.IOException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Reads one AgiBot World episode: rows from {@code proprio_stats.h5}, frames from the camera's mp4, native labels from
 * the task's {@code label_info.action_config} (end frames are inclusive there).
 */
public final class AgiBotEpisodeReader implements EpisodeReader {
    public static final AgiBotEpisodeReader INSTANCE = new AgiBotEpisodeReader();
    /** The native-label source name of {@code label_info.action_config}. */
    public static final String ACTION_CONFIG = "action-config";

    private AgiBotEpisodeReader() {}

    @Override
    public FrameTable readFrames(DatasetFiles files, EpisodeRef ref) {
        String h5 = ref.data().file();
        if (!files.exists(h5)) {
            throw new PipelineException(DATA_FILE_MISSING, "proprio file " + h5 + " does not exist");
        }
        try (HdfFile hdf = new HdfFile(files.localFile(h5).toPath())) {
            float[][] states =
                    ref.columns().hasState() ? concat(hdf, ref.columns().stateKey(), h5) : null;
            float[][] actions =
                    ref.columns().hasAction() ? concat(hdf, ref.columns().actionKey(), h5) : null;
            if (states != null && actions != null && states.length != actions.length) {
                throw new PipelineException(
                        STATE_ACTION_LENGTH_MISMATCH,
                        h5 + " has " + actions.length + " action rows but " + states.length
                                + " state rows (AgiBot World's known 'action longer than state' defect)");
            }
            double[] stamps = null;
            Node node = hdf.getChild("timestamp");
            if (node instanceof Dataset dataset) {
                stamps = Hdf5Values.doubles(dataset.getData());
            }
            int rows = states != null
                    ? states.length
                    : actions != null ? actions.length : stamps != null ? stamps.length : 0;
            if (rows == 0) {
                throw new PipelineException(DATA_FILE_UNREADABLE, h5 + " has no state, action or timestamp rows");
            }
            if (stamps != null && stamps.length != rows) {
                throw new PipelineException(
                        STATE_ACTION_LENGTH_MISMATCH,
                        h5 + " has " + stamps.length + " timestamps but " + rows + " state rows");
            }
            double[] timestamps = new double[rows];
            long[] indices = new long[rows];
            for (int i = 0; i < rows; i++) {
                timestamps[i] = stamps != null ? (stamps[i] - stamps[0]) / 1e9 : i / ref.fps();
                indices[i] = i;
            }
            return new FrameTable(timestamps, indices, states, actions);
        } catch (PipelineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PipelineException(DATA_FILE_UNREADABLE, "Cannot read " + h5 + ": " + e.getMessage(), e);
        }
    }

    private static float[][] concat(HdfFile hdf, String key, String h5) {
        float[][] out = null;
        for (String part : key.split("\\+")) {
            Node node = hdf.getByPath(part);
            if (!(node instanceof Dataset dataset)) {
                throw new PipelineException(DATA_FILE_UNREADABLE, h5 + " has no dataset " + part);
            }
            float[][] rows = Hdf5Values.rows(dataset.getData());
            if (out == null) {
                out = rows;
            } else {
                if (rows.length != out.length) {
                    throw new PipelineException(
                            STATE_ACTION_LENGTH_MISMATCH,
                            h5 + ": " + part + " has " + rows.length + " rows, the other parts of " + key + " have "
                                    + out.length);
                }
                for (int i = 0; i < out.length; i++) {
                    float[] joined = Arrays.copyOf(out[i], out[i].length + rows[i].length);
                    System.arraycopy(rows[i], 0, joined, out[i].length, rows[i].length);
                    out[i] = joined;
                }
            }
        }
        return out;
    }

    @Override
    public FrameSource openFrames(DatasetFiles files, EpisodeRef ref, int decoderThreads, PixelMode mode) {
        return openFrames(files, ref, decoderThreads, mode, Av1Decoder.LIBAOM);
    }

    @Override
    public FrameSource openFrames(
            DatasetFiles files, EpisodeRef ref, int decoderThreads, PixelMode mode, Av1Decoder av1Decoder) {
        String video = ref.video().path();
        if (!files.exists(video)) {
            throw new PipelineException(MISSING_VIDEO, "video file " + video + " does not exist");
        }
        return FfmpegFrameSource.open(
                files.localFile(video), 0.0, Double.NaN, decoderThreads, ref.fps(), mode, av1Decoder);
    }

    @Override
    public Optional<NativeSubtasks> nativeSubtasks(DatasetFiles files, EpisodeRef ref, String source) {
        if (!source.equals("auto") && !source.equals(ACTION_CONFIG)) {
            return Optional.empty();
        }
        String task = ref.data().file().split("/")[1];
        String taskFile = "task_info/task_" + task + ".json";
        JsonNode episode = null;
        try {
            for (JsonNode candidate : AgiBotReader.JSON.readTree(files.readAll(taskFile, 256 * 1024 * 1024))) {
                if (candidate.path("episode_id").asLong(-1) == ref.episodeIndex()) {
                    episode = candidate;
                    break;
                }
            }
        } catch (IOException e) {
            throw new PipelineException(DATASET_METADATA_INVALID, "Cannot read " + taskFile + ": " + e.getMessage(), e);
        }
        JsonNode actions = episode == null ? null : episode.path("label_info").path("action_config");
        if (actions == null || !actions.isArray() || actions.isEmpty()) {
            return Optional.empty();
        }
        int rows = readFrames(files, ref).rows();
        long[] frames = new long[rows];
        String[] labels = new String[rows];
        for (int i = 0; i < rows; i++) {
            frames[i] = i;
        }
        for (JsonNode action : actions) {
            long start = action.path("start_frame").asLong(-1);
            long end = action.path("end_frame").asLong(-1); // inclusive
            String label = action.path("action_text")
                    .asText(action.path("skill").asText(""))
                    .strip();
            if (start < 0 || end < start || label.isEmpty()) {
                throw new PipelineException(
                        DATASET_METADATA_INVALID,
                        taskFile + " episode " + ref.episodeIndex() + " has an invalid action_config entry " + action);
            }
            for (long f = start; f <= Math.min(end, rows - 1); f++) {
                labels[(int) f] = label;
            }
        }
        return Optional.of(new NativeSubtasks("action_config", frames, labels));
    }
}
