package io.procvlm.core.dataset.lerobot;

import static io.procvlm.core.error.CoreErrorCode.MISSING_VIDEO;

import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.dataset.NativeSubtasks;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.VideoSegment;
import io.procvlm.core.video.Av1Decoder;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import io.procvlm.core.video.VideoInfo;
import io.procvlm.core.video.ffmpeg.FfmpegFrameSource;
import java.util.Optional;

/** Reads episodes of LeRobot v2.0, v2.1 and v3.0 datasets (video or images in parquet). */
public final class LeRobotEpisodeReader implements EpisodeReader {
    public static final LeRobotEpisodeReader INSTANCE = new LeRobotEpisodeReader();

    private LeRobotEpisodeReader() {}

    @Override
    public FrameTable readFrames(DatasetFiles files, EpisodeRef ref) {
        return LeRobotFrames.read(files, ref);
    }

    @Override
    public java.util.Map<Long, String> taskTexts(DatasetFiles files, EpisodeRef ref) {
        return LeRobotDatasetReader.taskTexts(files);
    }

    /**
     * The video file's stream properties from its headers ({@link FfmpegFrameSource#probe}): no seek to the episode's
     * start, so an episode inside a shared v3.0 file costs what the first one does. (What {@link #openFrames} reports
     * as {@code info()} is the same: it is read before the seek.)
     */
    @Override
    public VideoInfo probeVideo(DatasetFiles files, EpisodeRef ref) {
        if (ref.camera().storage() == CameraStorage.IMAGE_IN_PARQUET) {
            return EpisodeReader.super.probeVideo(files, ref);
        }
        VideoSegment segment = ref.video();
        if (!files.exists(segment.path())) {
            throw new PipelineException(MISSING_VIDEO, "video file " + segment.path() + " does not exist");
        }
        try (DatasetFiles.LocalCopy copy = files.localCopy(segment.path())) {
            return FfmpegFrameSource.probe(copy.file(), ref.fps());
        }
    }

    @Override
    public FrameSource openFrames(DatasetFiles files, EpisodeRef ref, int decoderThreads, PixelMode mode) {
        return openFrames(files, ref, decoderThreads, mode, Av1Decoder.LIBAOM);
    }

    @Override
    public FrameSource openFrames(
            DatasetFiles files, EpisodeRef ref, int decoderThreads, PixelMode mode, Av1Decoder av1Decoder) {
        if (ref.camera().storage() == CameraStorage.IMAGE_IN_PARQUET) {
            return LeRobotImageFrameSource.open(files, ref, mode);
        }
        VideoSegment segment = ref.video();
        if (!files.exists(segment.path())) {
            throw new PipelineException(MISSING_VIDEO, "video file " + segment.path() + " does not exist");
        }
        // FFmpeg needs a seekable local file: videos on hdfs:// or s3a:// are copied to a temporary file first,
        // deleted when the source closes. (Reading through FFmpegFrameGrabber(InputStream) was not chosen: seeking
        // into a v3.0 shard would buffer the stream in memory from its start.)
        DatasetFiles.LocalCopy copy = files.localCopy(segment.path());
        try {
            FrameSource source = FfmpegFrameSource.open(
                    copy.file(),
                    segment.fromTimestamp(),
                    segment.toTimestamp(),
                    decoderThreads,
                    ref.fps(),
                    mode,
                    av1Decoder);
            return copy.temporary() ? new DeletingFrameSource(source, copy) : source;
        } catch (RuntimeException e) {
            copy.close();
            throw e;
        }
    }

    /** A frame source over a temporary local copy, deleted on close. */
    private record DeletingFrameSource(FrameSource source, DatasetFiles.LocalCopy copy) implements FrameSource {
        @Override
        public io.procvlm.core.video.DecodedFrame next() {
            return source.next();
        }

        @Override
        public org.bytedeco.opencv.opencv_core.Mat colorAt(int width, int height) {
            return source.colorAt(width, height);
        }

        @Override
        public io.procvlm.core.video.VideoInfo info() {
            return source.info();
        }

        @Override
        public void close() {
            try {
                source.close();
            } finally {
                copy.close();
            }
        }
    }

    /** Labels from {@code subtask_index}, {@code sub_task_index} or {@code language_persistent} ({@link LeRobotNativeSubtasks}). */
    @Override
    public Optional<NativeSubtasks> nativeSubtasks(DatasetFiles files, EpisodeRef ref, String source) {
        return LeRobotNativeSubtasks.read(files, ref, source);
    }
}
