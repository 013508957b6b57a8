package io.procvlm.core.dataset.hdf5;

import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_MISSING;
import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_UNREADABLE;
import static io.procvlm.core.error.CoreErrorCode.FRAME_COUNT_MISMATCH;
import static io.procvlm.core.error.CoreErrorCode.IMAGE_UNDECODABLE;

import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.dataset.images.ImageFrames;
import io.procvlm.core.dataset.images.IndexedFrameSource;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import java.util.Arrays;
import org.bytedeco.opencv.opencv_core.Mat;

/** Reads one robomimic / LIBERO demo: rows from the state and action arrays, frames from the camera's image array. */
public final class RobomimicEpisodeReader implements EpisodeReader {
    public static final RobomimicEpisodeReader INSTANCE = new RobomimicEpisodeReader();

    private RobomimicEpisodeReader() {}

    @Override
    public FrameTable readFrames(DatasetFiles files, EpisodeRef ref) {
        String file = ref.data().file();
        try (HdfFile hdf = open(files, file)) {
            Group demo = demo(hdf, ref);
            Dataset images = dataset(demo, "obs/" + ref.camera().key(), ref);
            int frames = images.getDimensions()[0];
            float[][] actions = null;
            if (ref.columns().hasAction()) {
                Dataset actionSet = dataset(demo, ref.columns().actionKey(), ref);
                actions = Hdf5Values.rows(actionSet.getData());
                checkLength(ref, ref.columns().actionKey(), actions.length, frames);
            }
            float[][] states = null;
            if (ref.columns().hasState()) {
                for (String key : ref.columns().stateKey().split("\\+")) {
                    float[][] part;
                    if (key.startsWith(RobomimicReader.OPENING_PREFIX)) {
                        String fingers = key.substring(RobomimicReader.OPENING_PREFIX.length(), key.length() - 1);
                        float[][] joints =
                                Hdf5Values.rows(dataset(demo, fingers, ref).getData());
                        part = new float[joints.length][];
                        for (int i = 0; i < joints.length; i++) {
                            part[i] = new float[] {joints[i][0] - joints[i][joints[i].length - 1]};
                        }
                    } else {
                        part = Hdf5Values.rows(dataset(demo, key, ref).getData());
                    }
                    checkLength(ref, key, part.length, frames);
                    states = states == null ? part : concat(states, part);
                }
            }
            double[] timestamps = new double[frames];
            long[] indices = new long[frames];
            for (int i = 0; i < frames; i++) {
                timestamps[i] = i / ref.fps();
                indices[i] = i;
            }
            return new FrameTable(timestamps, indices, states, actions);
        } catch (PipelineException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new PipelineException(
                    DATA_FILE_UNREADABLE, "Cannot read " + ref.data().path() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public FrameSource openFrames(DatasetFiles files, EpisodeRef ref, int decoderThreads, PixelMode mode) {
        HdfFile hdf = open(files, ref.data().file());
        try {
            Dataset images = dataset(demo(hdf, ref), "obs/" + ref.camera().key(), ref);
            int[] dims = images.getDimensions();
            int height = dims[1];
            int width = dims[2];
            int channels = dims.length == 4 ? dims[3] : 1;
            String what = ref.data().path() + " obs/" + ref.camera().key();
            return new IndexedFrameSource(dims[0], ref.fps(), mode, "jhdf") {
                @Override
                protected Mat decode(int index, PixelMode pixelMode) {
                    Object slice;
                    try {
                        long[] offset = new long[dims.length];
                        offset[0] = index;
                        int[] shape = Arrays.copyOf(dims, dims.length);
                        shape[0] = 1;
                        slice = images.getData(offset, shape);
                    } catch (RuntimeException e) {
                        throw new PipelineException(
                                DATA_FILE_UNREADABLE,
                                "Cannot read frame " + index + " of " + what + ": " + e.getMessage(),
                                e);
                    }
                    byte[] pixels;
                    try {
                        pixels = Hdf5Values.pixels(slice, width * height * channels);
                    } catch (IllegalArgumentException e) {
                        throw new PipelineException(
                                IMAGE_UNDECODABLE, "Frame " + index + " of " + what + ": " + e.getMessage(), e);
                    }
                    return ImageFrames.fromPixels(
                            pixels, width, height, channels, pixelMode, "frame " + index + " of " + what);
                }

                @Override
                protected void release() {
                    hdf.close();
                }
            };
        } catch (RuntimeException e) {
            hdf.close();
            if (e instanceof PipelineException pipelineException) {
                throw pipelineException;
            }
            throw new PipelineException(
                    DATA_FILE_UNREADABLE, "Cannot read " + ref.data().path() + ": " + e.getMessage(), e);
        }
    }

    private static HdfFile open(DatasetFiles files, String file) {
        if (!files.exists(file)) {
            throw new PipelineException(DATA_FILE_MISSING, "HDF5 file " + file + " does not exist");
        }
        try {
            return new HdfFile(files.localFile(file).toPath());
        } catch (RuntimeException e) {
            throw new PipelineException(
                    DATA_FILE_UNREADABLE, "Cannot open HDF5 file " + file + ": " + e.getMessage(), e);
        }
    }

    private static Group demo(HdfFile hdf, EpisodeRef ref) {
        Node node = hdf.getByPath(ref.data().member());
        if (!(node instanceof Group group)) {
            throw new PipelineException(DATA_FILE_UNREADABLE, ref.data().path() + " is not an HDF5 group");
        }
        return group;
    }

    private static Dataset dataset(Group demo, String path, EpisodeRef ref) {
        Node node;
        try {
            node = demo.getByPath(path);
        } catch (RuntimeException e) {
            node = null;
        }
        if (!(node instanceof Dataset dataset)) {
            throw new PipelineException(DATA_FILE_UNREADABLE, ref.data().path() + " has no dataset " + path);
        }
        return dataset;
    }

    private static void checkLength(EpisodeRef ref, String key, int rows, int frames) {
        if (rows != frames) {
            throw new PipelineException(
                    FRAME_COUNT_MISMATCH,
                    ref.data().path() + ": obs/" + ref.camera().key() + " has " + frames + " frames but " + key
                            + " has " + rows + " rows");
        }
    }

    private static float[][] concat(float[][] left, float[][] right) {
        float[][] out = new float[left.length][];
        for (int i = 0; i < left.length; i++) {
            out[i] = Arrays.copyOf(left[i], left[i].length + right[i].length);
            System.arraycopy(right[i], 0, out[i], left[i].length, right[i].length);
        }
        return out;
    }
}
