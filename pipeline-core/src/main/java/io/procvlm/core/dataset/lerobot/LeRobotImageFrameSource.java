package io.procvlm.core.dataset.lerobot;

import static io.procvlm.core.error.CoreErrorCode.DATA_FILE_UNREADABLE;
import static io.procvlm.core.error.CoreErrorCode.IMAGE_UNDECODABLE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.io.GroupValues;
import io.procvlm.core.io.ParquetRecords;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import io.procvlm.core.video.VideoInfo;
import java.io.IOException;
import java.util.Set;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.schema.MessageType;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Frames of a dataset that stores encoded images (PNG/JPEG) inside its data parquet files, one per row, decoded with
 * OpenCV to 8-bit luma or BGR. Rows are streamed: one image is held at a time.
 */
public final class LeRobotImageFrameSource implements FrameSource {
    private final ParquetRecords records;
    private final String imageColumn;
    private final boolean hasTimestamp;
    private final double fps;
    private final String description;
    private final PixelMode mode;
    private Mat current = new Mat();
    private BytePointer encoded;
    private VideoInfo info;
    private long ordinal;

    private LeRobotImageFrameSource(
            ParquetRecords records,
            String imageColumn,
            boolean hasTimestamp,
            double fps,
            String description,
            PixelMode mode) {
        this.records = records;
        this.mode = mode;
        this.imageColumn = imageColumn;
        this.hasTimestamp = hasTimestamp;
        this.fps = fps;
        this.description = description;
    }

    public static LeRobotImageFrameSource open(DatasetFiles files, EpisodeRef ref, PixelMode mode) {
        String path = ref.data().path();
        try {
            MessageType schema = ParquetRecords.schema(files.path(path));
            String column = ref.camera().key();
            if (!schema.containsField(column)) {
                throw new PipelineException(
                        IMAGE_UNDECODABLE, "data file " + path + " has no image column '" + column + "'");
            }
            boolean filter = !ref.data().isWholeFile() && schema.containsField("episode_index");
            ParquetRecords records = ParquetRecords.open(
                    files.path(path),
                    schema,
                    Set.of(column, "timestamp", "frame_index"),
                    filter ? "episode_index" : null,
                    ref.episodeIndex());
            return new LeRobotImageFrameSource(
                    records, column, schema.containsField("timestamp"), ref.fps(), path + " column " + column, mode);
        } catch (IOException e) {
            throw new PipelineException(
                    DATA_FILE_UNREADABLE, "Cannot read data file " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public DecodedFrame next() {
        Group row;
        try {
            row = records.next();
        } catch (IOException | RuntimeException e) {
            throw new PipelineException(
                    DATA_FILE_UNREADABLE,
                    "Cannot read row " + ordinal + " of " + description + ": " + e.getMessage(),
                    e);
        }
        if (row == null) {
            return null;
        }
        byte[] bytes = GroupValues.isPresent(row, imageColumn) ? GroupValues.imageBytes(row, imageColumn) : null;
        if (bytes == null || bytes.length == 0) {
            throw new PipelineException(IMAGE_UNDECODABLE, "Row " + ordinal + " of " + description + " has no image");
        }
        if (encoded != null) {
            encoded.close();
        }
        encoded = new BytePointer(bytes);
        Mat decoded = imdecode(
                new Mat(1, bytes.length, org.bytedeco.opencv.global.opencv_core.CV_8UC1, encoded),
                mode == PixelMode.GRAY ? IMREAD_GRAYSCALE : IMREAD_COLOR);
        if (decoded == null || decoded.empty()) {
            throw new PipelineException(
                    IMAGE_UNDECODABLE, "Row " + ordinal + " of " + description + " holds bytes that are not an image");
        }
        current.close();
        current = decoded;
        if (info == null) {
            info = new VideoInfo(
                    "image",
                    "opencv-imdecode",
                    decoded.cols(),
                    decoded.rows(),
                    fps,
                    -1,
                    -1,
                    mode == PixelMode.GRAY ? "gray" : "bgr24");
        }
        double timestamp;
        if (hasTimestamp && GroupValues.isPresent(row, "timestamp")) {
            timestamp = GroupValues.number(row, "timestamp");
        } else if (GroupValues.isPresent(row, "frame_index")) {
            timestamp = GroupValues.integer(row, "frame_index") / fps;
        } else {
            timestamp = ordinal / fps;
        }
        return new DecodedFrame(current, timestamp, ordinal++);
    }

    @Override
    public VideoInfo info() {
        return info == null ? new VideoInfo("image", "opencv-imdecode", 0, 0, fps, -1, -1, "gray") : info;
    }

    @Override
    public void close() {
        current.close();
        if (encoded != null) {
            encoded.close();
        }
        try {
            records.close();
        } catch (IOException e) {
            // read-only; nothing to flush
        }
    }
}
