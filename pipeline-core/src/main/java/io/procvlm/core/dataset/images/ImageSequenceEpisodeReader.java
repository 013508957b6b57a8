package io.procvlm.core.dataset.images;

import static io.procvlm.core.error.CoreErrorCode.DATASET_METADATA_INVALID;
import static io.procvlm.core.error.CoreErrorCode.FRAME_COUNT_MISMATCH;
import static io.procvlm.core.error.CoreErrorCode.IMAGE_FILE_MISSING;

import com.fasterxml.jackson.databind.JsonNode;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.dataset.NativeSubtasks;
import io.procvlm.core.dataset.ReaderSupport;
import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.bytedeco.opencv.opencv_core.Mat;

/** Reads one image-sequence episode: its {@code episode.json} and the image files of the chosen camera. */
public final class ImageSequenceEpisodeReader implements EpisodeReader {
    public static final ImageSequenceEpisodeReader INSTANCE = new ImageSequenceEpisodeReader();
    /** The native-label source name of {@code episode.json}'s {@code subtasks}. */
    public static final String SUBTASKS_SOURCE = "episode-json";

    private ImageSequenceEpisodeReader() {}

    @Override
    public FrameTable readFrames(DatasetFiles files, EpisodeRef ref) {
        List<String> images = images(files, ref);
        JsonNode json = json(files, ref);
        int rows = images.size();
        float[][] states = vectors(json, "states", rows, ref);
        float[][] actions = vectors(json, "actions", rows, ref);
        double[] timestamps = new double[rows];
        long[] indices = new long[rows];
        for (int i = 0; i < rows; i++) {
            timestamps[i] = i / ref.fps();
            indices[i] = i;
        }
        return new FrameTable(timestamps, indices, states, actions);
    }

    @Override
    public FrameSource openFrames(DatasetFiles files, EpisodeRef ref, int decoderThreads, PixelMode mode) {
        List<String> images = images(files, ref);
        return new IndexedFrameSource(images.size(), ref.fps(), mode, "opencv-imdecode") {
            @Override
            protected Mat decode(int index, PixelMode pixelMode) {
                String image = images.get(index);
                byte[] bytes;
                try {
                    bytes = files.readAll(image, 256 * 1024 * 1024);
                } catch (IOException e) {
                    throw new PipelineException(
                            IMAGE_FILE_MISSING, "Cannot read image file " + image + ": " + e.getMessage(), e);
                }
                return ImageFrames.decode(bytes, pixelMode, "image file " + image);
            }
        };
    }

    @Override
    public Optional<NativeSubtasks> nativeSubtasks(DatasetFiles files, EpisodeRef ref, String source) {
        if (!source.equals("auto") && !source.equals(SUBTASKS_SOURCE)) {
            return Optional.empty();
        }
        JsonNode spans = json(files, ref).path("subtasks");
        if (!spans.isArray() || spans.isEmpty()) {
            return Optional.empty();
        }
        int rows = images(files, ref).size();
        String[] labels = new String[rows];
        long[] frames = new long[rows];
        for (int i = 0; i < rows; i++) {
            frames[i] = i;
        }
        for (JsonNode span : spans) {
            long start = span.path("start_frame").asLong(-1);
            long end = span.path("end_frame").asLong(-1);
            String label = span.path("label").asText("");
            if (start < 0 || end <= start || label.isBlank()) {
                throw new PipelineException(
                        DATASET_METADATA_INVALID,
                        ref.data().path() + " has an invalid subtask span " + span
                                + " (needs label, start_frame >= 0, end_frame > start_frame)");
            }
            for (long f = start; f < Math.min(end, rows); f++) {
                labels[(int) f] = label;
            }
        }
        return Optional.of(new NativeSubtasks(SUBTASKS_SOURCE, frames, labels));
    }

    /** The camera's image files, in frame order; a gap in their numbering is a missing file. */
    static List<String> images(DatasetFiles files, EpisodeRef ref) {
        String episodeFolder = ImageSequenceReader.folderOf(ref.data().path());
        String camera = ref.camera().key();
        String folder = camera.equals(ImageSequenceReader.MAIN_CAMERA) && !files.exists(episodeFolder + "/" + camera)
                ? episodeFolder
                : episodeFolder + "/" + camera;
        List<String> images = new ArrayList<>();
        for (String file : files.listFiles(folder, ImageSequenceReader::isImage)) {
            if (file.lastIndexOf('/') == folder.length()) {
                images.add(file);
            }
        }
        if (images.isEmpty()) {
            throw new PipelineException(IMAGE_FILE_MISSING, "Folder " + folder + " holds no PNG/JPEG frame");
        }
        images.sort(Comparator.comparingLong((String f) -> ReaderSupport.trailingNumber(stem(f)))
                .thenComparing(Comparator.naturalOrder()));
        long first = ReaderSupport.trailingNumber(stem(images.get(0)));
        if (first >= 0) {
            for (int i = 0; i < images.size(); i++) {
                long number = ReaderSupport.trailingNumber(stem(images.get(i)));
                if (number != first + i) {
                    throw new PipelineException(
                            IMAGE_FILE_MISSING,
                            "Frame number " + (first + i) + " of " + folder + " is missing (the next file is "
                                    + images.get(i) + ")");
                }
            }
        }
        return images;
    }

    private static String stem(String file) {
        String name = file.substring(file.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    private static JsonNode json(DatasetFiles files, EpisodeRef ref) {
        try {
            return ImageSequenceReader.JSON.readTree(files.readAll(ref.data().path(), 64 * 1024 * 1024));
        } catch (IOException e) {
            throw new PipelineException(
                    DATASET_METADATA_INVALID, "Cannot read " + ref.data().path() + ": " + e.getMessage(), e);
        }
    }

    private static float[][] vectors(JsonNode json, String field, int rows, EpisodeRef ref) {
        JsonNode node = json.path(field);
        if (!node.isArray()) {
            return null;
        }
        if (node.size() != rows) {
            throw new PipelineException(
                    FRAME_COUNT_MISMATCH,
                    ref.data().path() + " has " + node.size() + " " + field + " but the camera folder has " + rows
                            + " frames");
        }
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            JsonNode row = node.get(i);
            out[i] = new float[row.size()];
            for (int j = 0; j < row.size(); j++) {
                if (!row.get(j).isNumber()) {
                    throw new PipelineException(
                            CoreErrorCode.DATASET_METADATA_INVALID,
                            ref.data().path() + " " + field + "[" + i + "][" + j + "] is not a number");
                }
                out[i][j] = row.get(j).floatValue();
            }
        }
        return out;
    }
}
