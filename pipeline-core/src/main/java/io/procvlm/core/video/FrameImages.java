package io.procvlm.core.video;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/** Resizes decoded BGR frames for a model and encodes them as JPEG, deterministically. */
public final class FrameImages implements AutoCloseable {
    private final int maxSide;
    private final boolean keepAspect;
    private final IntPointer params;
    private final Mat resized = new Mat();
    private final BytePointer buffer = new BytePointer();

    /** One encoded image. */
    public record Jpeg(int width, int height, byte[] bytes) {}

    public FrameImages(int maxSide, boolean keepAspect, int quality) {
        this.maxSide = maxSide;
        this.keepAspect = keepAspect;
        this.params = new IntPointer(IMWRITE_JPEG_QUALITY, quality);
    }

    /** The size a {@code width} x {@code height} frame is stored at: longest side at most max-side, never upscaled. */
    public static int[] targetSize(int width, int height, int maxSide, boolean keepAspect) {
        if (!keepAspect) {
            return new int[] {maxSide, maxSide};
        }
        double scale = Math.min(1.0, maxSide / (double) Math.max(width, height));
        return new int[] {Math.max(1, (int) Math.round(width * scale)), Math.max(1, (int) Math.round(height * scale))};
    }

    /**
     * Encodes {@code frame}, the frame {@code source} (opened {@link PixelMode#BGR} or {@link PixelMode#GRAY_AND_BGR})
     * returned last. Where it must be resized and the source can convert its decoder's own pixels at the stored size
     * ({@link FrameSource#colorAt}), that image is encoded and no full-size BGR copy is made; otherwise the frame's BGR
     * pixels are resized as {@link #encode(Mat)} does. Every caller that stores or shows a frame of a video goes
     * through here, so a frame's JPEG is the same whichever stage made it.
     */
    public Jpeg encode(FrameSource source, DecodedFrame frame) {
        Mat image = frame.image();
        int[] size = targetSize(image.cols(), image.rows(), maxSide, keepAspect);
        if (size[0] != image.cols() || size[1] != image.rows()) {
            Mat scaled = source.colorAt(size[0], size[1]);
            if (scaled != null) {
                return jpeg(scaled);
            }
        }
        Mat colour = frame.color();
        return encode(colour != null ? colour : image);
    }

    /** Encodes a BGR image, shrunk first with OpenCV's area interpolation (enlarged bilinearly) when it must be. */
    public Jpeg encode(Mat bgr) {
        int[] size = targetSize(bgr.cols(), bgr.rows(), maxSide, keepAspect);
        Mat source = bgr;
        if (size[0] != bgr.cols() || size[1] != bgr.rows()) {
            boolean shrinking = size[0] <= bgr.cols() && size[1] <= bgr.rows();
            resize(bgr, resized, new Size(size[0], size[1]), 0, 0, shrinking ? INTER_AREA : INTER_LINEAR);
            source = resized;
        }
        return jpeg(source);
    }

    private Jpeg jpeg(Mat source) {
        if (!imencode(".jpg", source, buffer, params)) {
            throw new PipelineException(CoreErrorCode.INTERNAL, "OpenCV could not encode a frame as JPEG");
        }
        byte[] bytes = new byte[(int) buffer.limit()];
        buffer.get(bytes);
        return new Jpeg(source.cols(), source.rows(), bytes);
    }

    @Override
    public void close() {
        params.close();
        resized.close();
        buffer.close();
    }
}
