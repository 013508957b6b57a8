package io.procvlm.core.dataset.rlds;

import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_MISSING;
import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_UNREADABLE;
import static io.procvlm.core.error.CoreErrorCode.FRAME_COUNT_MISMATCH;
import static io.procvlm.core.error.CoreErrorCode.RECORD_CHECKSUM_MISMATCH;
import static io.procvlm.core.error.CoreErrorCode.RECORD_INVALID;

import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.dataset.images.ImageFrames;
import io.procvlm.core.dataset.images.IndexedFrameSource;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Reads one RLDS episode from its run of records ({@code <shard>#records=<from>-<to>}): rows from the state and action
 * features, frames from the camera's encoded images (the episode's encoded images are held in memory while its
 * frames are read; they are decoded one at a time).
 */
public final class RldsEpisodeReader implements EpisodeReader {
    public static final RldsEpisodeReader INSTANCE = new RldsEpisodeReader();

    private RldsEpisodeReader() {}

    /** What an episode's records hold. */
    private record Steps(int count, List<float[]> states, List<float[]> actions, List<byte[]> images) {}

    @Override
    public FrameTable readFrames(DatasetFiles files, EpisodeRef ref) {
        Steps steps = read(files, ref, false);
        int rows = steps.count();
        double[] timestamps = new double[rows];
        long[] indices = new long[rows];
        for (int i = 0; i < rows; i++) {
            timestamps[i] = i / ref.fps();
            indices[i] = i;
        }
        return new FrameTable(
                timestamps,
                indices,
                ref.columns().hasState() ? steps.states().toArray(new float[0][]) : null,
                ref.columns().hasAction() ? steps.actions().toArray(new float[0][]) : null);
    }

    @Override
    public FrameSource openFrames(DatasetFiles files, EpisodeRef ref, int decoderThreads, PixelMode mode) {
        List<byte[]> images = read(files, ref, true).images();
        String what = ref.data().path() + " observation/" + ref.camera().key();
        return new IndexedFrameSource(images.size(), ref.fps(), mode, "opencv-imdecode") {
            @Override
            protected Mat decode(int index, PixelMode pixelMode) {
                return ImageFrames.decode(images.get(index), pixelMode, "step " + index + " of " + what);
            }
        };
    }

    private static Steps read(DatasetFiles files, EpisodeRef ref, boolean withImages) {
        String file = ref.data().file();
        String member = ref.data().member();
        long from;
        long to;
        try {
            String[] range = member.substring("records=".length()).split("-");
            from = Long.parseLong(range[0]);
            to = Long.parseLong(range[1]);
        } catch (RuntimeException e) {
            throw new PipelineException(
                    RECORD_INVALID, "Bad RLDS episode address " + ref.data().path());
        }
        if (!files.exists(file)) {
            throw new PipelineException(DATA_FILE_MISSING, "TFRecord shard " + file + " does not exist");
        }
        String state = ref.columns().stateKey();
        String action = ref.columns().actionKey();
        String camera = ref.camera().key();
        int count = 0;
        List<float[]> states = new ArrayList<>();
        List<float[]> actions = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        try (TfRecords records = new TfRecords(files.open(file))) {
            for (long ordinal = 0; ordinal < to; ordinal++) {
                TfRecords.Record record = records.next(ordinal < from);
                if (record == null) {
                    throw new PipelineException(
                            RECORD_INVALID, file + " ends at record " + ordinal + ", before record " + to);
                }
                if (ordinal < from) {
                    continue;
                }
                if (!record.valid()) {
                    throw new PipelineException(RECORD_CHECKSUM_MISMATCH, file + " " + record.checksumProblem());
                }
                TfExample example = TfExample.parse(record.data());
                String prefix = RldsSteps.prefix(example);
                int n = RldsSteps.stepCount(example, prefix, camera);
                count += n;
                if (state != null) {
                    split(example, stripTo(prefix, state), n, states, ref, record.ordinal());
                }
                if (action != null) {
                    List<float[]> joined = null;
                    for (String part : action.split("\\+")) {
                        List<float[]> vectors = new ArrayList<>();
                        split(example, stripTo(prefix, part), n, vectors, ref, record.ordinal());
                        joined = joined == null ? vectors : concat(joined, vectors);
                    }
                    actions.addAll(joined);
                }
                TfExample.Feature imageFeature = example.get(prefix + "observation/" + camera);
                int imageCount = imageFeature == null || imageFeature.bytes() == null
                        ? 0
                        : imageFeature.bytes().size();
                if (imageCount != n) {
                    throw new PipelineException(
                            FRAME_COUNT_MISMATCH,
                            file + " record " + record.ordinal() + " has " + n + " steps but " + imageCount
                                    + " images of camera " + camera);
                }
                if (withImages) {
                    images.addAll(imageFeature.bytes());
                }
            }
        } catch (TfRecords.FramingException e) {
            throw new PipelineException(RECORD_CHECKSUM_MISMATCH, file + " " + e.getMessage(), e);
        } catch (IOException e) {
            throw new PipelineException(
                    e instanceof com.google.protobuf.InvalidProtocolBufferException
                            ? RECORD_INVALID
                            : DATA_FILE_UNREADABLE,
                    "Cannot read " + ref.data().path() + ": " + e.getMessage(),
                    e);
        }
        return new Steps(count, states, actions, images);
    }

    /** The feature name under this record's prefix ({@code steps/action} → {@code action} when unprefixed). */
    private static String stripTo(String prefix, String key) {
        String bare = key.startsWith("steps/") ? key.substring("steps/".length()) : key;
        return prefix + bare;
    }

    private static List<float[]> concat(List<float[]> left, List<float[]> right) {
        List<float[]> out = new ArrayList<>(left.size());
        for (int i = 0; i < left.size(); i++) {
            float[] joined = java.util.Arrays.copyOf(left.get(i), left.get(i).length + right.get(i).length);
            System.arraycopy(right.get(i), 0, joined, left.get(i).length, right.get(i).length);
            out.add(joined);
        }
        return out;
    }

    private static void split(
            TfExample example, String key, int steps, List<float[]> out, EpisodeRef ref, long ordinal) {
        TfExample.Feature feature = example.get(key);
        float[] values = feature == null ? null : feature.floats();
        if (values == null || steps == 0 || values.length % steps != 0) {
            throw new PipelineException(
                    RECORD_INVALID,
                    ref.data().file() + " record " + ordinal + ": " + key + " has "
                            + (values == null ? "no float values" : values.length + " values")
                            + ", not a whole vector per step for " + steps + " steps");
        }
        int width = values.length / steps;
        for (int s = 0; s < steps; s++) {
            float[] vector = new float[width];
            System.arraycopy(values, s * width, vector, 0, width);
            out.add(vector);
        }
    }
}
