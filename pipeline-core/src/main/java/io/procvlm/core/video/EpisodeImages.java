package io.procvlm.core.video;

import static io.procvlm.core.error.CoreErrorCode.FRAME_COUNT_MISMATCH;

import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import java.util.Locale;
import java.util.NoSuchElementException;

/**
 * Streams the JPEG images of chosen frames of an episode (those ProcVQA samples show, those a VLM is asked about), decoding its video once in colour and stopping
 * after the last frame needed. Frames are matched to rows by timestamp, as the features stage does. Memory is one
 * decoded frame and one encoded image.
 */
public final class EpisodeImages implements ImageStream {
    /** One frame's image. */
    public record Image(long frameIndex, FrameImages.Jpeg jpeg) {}

    private final EpisodeRef ref;
    private final long[] frames;
    private final double[] timestamps;
    private final double tolerance;
    private final FrameSource source;
    private final FrameImages images;
    private int next;
    private Image pending;

    /**
     * @param frames the frame indices needed, increasing
     * @param timestamps their row timestamps
     * @param toleranceFrames how far, in frame periods, a decoded frame may lie from its row
     */
    public EpisodeImages(
            EpisodeRef ref,
            long[] frames,
            double[] timestamps,
            double toleranceFrames,
            int threads,
            int maxSide,
            boolean keepAspect,
            int jpegQuality) {
        this.ref = ref;
        this.frames = frames;
        this.timestamps = timestamps;
        this.tolerance = toleranceFrames / ref.fps();
        this.source = DatasetReaders.episodeReader(ref.format())
                .openFrames(DatasetFiles.at(ref.datasetRoot()), ref, threads, PixelMode.BGR);
        this.images = new FrameImages(maxSide, keepAspect, jpegQuality);
    }

    @Override
    public boolean hasNext() {
        if (pending == null && next < frames.length) {
            pending = advance();
        }
        return pending != null;
    }

    @Override
    public Image next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Image image = pending;
        pending = null;
        return image;
    }

    private Image advance() {
        for (DecodedFrame frame; (frame = source.next()) != null; ) {
            double time = frame.timestamp();
            if (timestamps[next] < time - tolerance) {
                throw missing(time);
            }
            if (Math.abs(timestamps[next] - time) <= tolerance) {
                return new Image(frames[next++], images.encode(source, frame));
            }
        }
        throw missing(Double.NaN);
    }

    private PipelineException missing(double decodedAt) {
        return new PipelineException(
                FRAME_COUNT_MISMATCH,
                String.format(
                        Locale.ROOT,
                        "%s: no decoded frame for frame_index %d at %.3f s (next decoded frame at %.3f s); the video"
                                + " changed since the features stage?",
                        ref.key(),
                        frames[next],
                        timestamps[next],
                        decodedAt));
    }

    @Override
    public void close() {
        source.close();
        images.close();
    }
}
