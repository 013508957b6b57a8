package io.procvlm.core.video;

import static io.procvlm.core.error.CoreErrorCode.VIDEO_DECODE_FAILED;
import static java.util.Objects.requireNonNull;

import io.procvlm.core.error.PipelineException;
import java.util.Locale;

/**
 * Luma from one source and colour from another over the same frames, stepped together: a {@link
 * PixelMode#GRAY_AND_BGR} source for readers whose frames are images (each image is decoded twice, once per mode, in
 * the same pass). Both sources must give
 * the same frames at the same timestamps; a difference is a decode failure.
 */
public final class PairedFrameSource implements FrameSource {
    /** How far apart, in seconds, the two sources' timestamps of one frame may lie (rounding of time bases). */
    private static final double SAME_FRAME_SECONDS = 1e-3;

    private final FrameSource gray;
    private final FrameSource color;

    public PairedFrameSource(FrameSource gray, FrameSource color) {
        this.gray = requireNonNull(gray, "gray is null");
        this.color = requireNonNull(color, "color is null");
    }

    @Override
    public DecodedFrame next() {
        DecodedFrame luma = gray.next();
        DecodedFrame bgr = color.next();
        if (luma == null && bgr == null) {
            return null;
        }
        if (luma == null || bgr == null || Math.abs(luma.timestamp() - bgr.timestamp()) > SAME_FRAME_SECONDS) {
            throw new PipelineException(
                    VIDEO_DECODE_FAILED,
                    String.format(
                            Locale.ROOT,
                            "The luma and colour decodes disagree at frame %d: %s vs %s",
                            luma != null ? luma.ordinal() : bgr.ordinal(),
                            luma == null ? "end" : String.format(Locale.ROOT, "%.4f s", luma.timestamp()),
                            bgr == null ? "end" : String.format(Locale.ROOT, "%.4f s", bgr.timestamp())));
        }
        return new DecodedFrame(luma.image(), luma.timestamp(), luma.ordinal(), bgr.image());
    }

    @Override
    public org.bytedeco.opencv.opencv_core.Mat colorAt(int width, int height) {
        return color.colorAt(width, height);
    }

    @Override
    public VideoInfo info() {
        return gray.info();
    }

    @Override
    public void close() {
        try {
            gray.close();
        } finally {
            color.close();
        }
    }
}
