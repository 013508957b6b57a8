package io.procvlm.core.video;

/**
 * A stream of an episode's decoded frames, in presentation order. Memory is bounded by a few frames whatever the
 * episode's length. The caller owns the source and must close it.
 */
public interface FrameSource extends AutoCloseable {
    /**
     * The next frame, or {@code null} after the last one. The frame is valid until the next call.
     *
     * @throws io.procvlm.core.error.PipelineException with {@code VIDEO_DECODE_FAILED} or {@code IMAGE_UNDECODABLE}
     *     when a frame cannot be decoded
     */
    DecodedFrame next();

    /**
     * The frame {@link #next()} returned last, in BGR at {@code width} x {@code height}, converted from the decoder's
     * own pixels where the source can do that in one step (colour conversion and area scaling together, cheaper than
     * converting at full size and resizing), or {@code null} where it cannot: the caller then resizes the frame's BGR
     * {@link org.bytedeco.opencv.opencv_core.Mat} itself. The result is valid until the next call of either method.
     */
    default org.bytedeco.opencv.opencv_core.Mat colorAt(int width, int height) {
        return null;
    }

    /** What the source knows about the stream (codec, size, declared frame count). */
    VideoInfo info();

    @Override
    void close();
}
