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

    /** What the source knows about the stream (codec, size, declared frame count). */
    VideoInfo info();

    @Override
    void close();
}
