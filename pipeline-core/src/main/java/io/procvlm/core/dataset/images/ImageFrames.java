package io.procvlm.core.dataset.images;

import static io.procvlm.core.error.CoreErrorCode.IMAGE_UNDECODABLE;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_GRAY2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2BGR;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_RGB2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.video.PixelMode;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns stored images into frames: encoded PNG/JPEG bytes decoded with OpenCV (as the LeRobot parquet images are), and
 * raw RGB/gray pixel arrays, to 8-bit luma or BGR.
 */
public final class ImageFrames {
    private ImageFrames() {}

    /**
     * Decodes PNG/JPEG bytes.
     *
     * @param what a description of where the bytes come from, for the error message
     * @throws PipelineException {@code IMAGE_UNDECODABLE} when the bytes are not an image
     */
    public static Mat decode(byte[] bytes, PixelMode mode, String what) {
        if (bytes == null || bytes.length == 0) {
            throw new PipelineException(IMAGE_UNDECODABLE, what + " holds no image bytes");
        }
        try (BytePointer pointer = new BytePointer(bytes);
                Mat encoded = new Mat(1, bytes.length, CV_8UC1, pointer)) {
            Mat decoded = imdecode(encoded, mode == PixelMode.GRAY ? IMREAD_GRAYSCALE : IMREAD_COLOR);
            if (decoded == null || decoded.empty()) {
                throw new PipelineException(IMAGE_UNDECODABLE, what + " holds bytes that are not an image");
            }
            return decoded;
        }
    }

    /**
     * Wraps raw pixels, row-major, 3 channels in RGB order or 1 gray channel, as a frame.
     *
     * @throws PipelineException {@code IMAGE_UNDECODABLE} when the array has the wrong size or channel count
     */
    public static Mat fromPixels(byte[] pixels, int width, int height, int channels, PixelMode mode, String what) {
        if ((channels != 1 && channels != 3) || width <= 0 || height <= 0) {
            throw new PipelineException(
                    IMAGE_UNDECODABLE,
                    what + " is " + width + "x" + height + "x" + channels + ", not an 8-bit RGB or gray image");
        }
        if (pixels.length != (long) width * height * channels) {
            throw new PipelineException(
                    IMAGE_UNDECODABLE,
                    what + " has " + pixels.length + " bytes, not " + width + "x" + height + "x" + channels);
        }
        try (Mat raw = new Mat(height, width, channels == 3 ? CV_8UC3 : CV_8UC1)) {
            raw.data().put(pixels);
            Mat out = new Mat();
            if (channels == 3) {
                cvtColor(raw, out, mode == PixelMode.GRAY ? COLOR_RGB2GRAY : COLOR_RGB2BGR);
            } else if (mode == PixelMode.GRAY) {
                raw.copyTo(out);
            } else {
                cvtColor(raw, out, COLOR_GRAY2BGR);
            }
            return out;
        }
    }
}
