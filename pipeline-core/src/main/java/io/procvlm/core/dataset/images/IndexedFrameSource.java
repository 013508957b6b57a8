package io.procvlm.core.dataset.images;

import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import io.procvlm.core.video.VideoInfo;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * A frame source over images addressed by position (files, array slices, record entries): frame {@code i} is decoded
 * on demand at timestamp {@code i / fps}; one decoded image is held at a time.
 */
public abstract class IndexedFrameSource implements FrameSource {
    private final int frameCount;
    private final double fps;
    private final PixelMode mode;
    private final String codec;
    private Mat current;
    private VideoInfo info;
    private int ordinal;

    protected IndexedFrameSource(int frameCount, double fps, PixelMode mode, String codec) {
        this.frameCount = frameCount;
        this.fps = fps;
        this.mode = mode;
        this.codec = codec;
    }

    /** Decodes frame {@code index} (0 ≤ index &lt; frame count) in {@code mode}; the source owns the returned Mat. */
    protected abstract Mat decode(int index, PixelMode mode);

    /** Releases what the subclass holds (files, buffers). */
    protected void release() {}

    @Override
    public DecodedFrame next() {
        if (ordinal >= frameCount) {
            return null;
        }
        Mat decoded = decode(ordinal, mode);
        if (current != null) {
            current.close();
        }
        current = decoded;
        if (info == null) {
            info = infoOf(decoded.cols(), decoded.rows());
        }
        int index = ordinal++;
        return new DecodedFrame(current, index / fps, index);
    }

    @Override
    public VideoInfo info() {
        return info != null ? info : infoOf(0, 0);
    }

    private VideoInfo infoOf(int width, int height) {
        return new VideoInfo(
                "image",
                codec,
                width,
                height,
                fps,
                frameCount,
                frameCount / fps,
                mode == PixelMode.GRAY ? "gray" : "bgr24");
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
            current = null;
        }
        release();
    }
}
