package io.procvlm.core.video;

import java.util.function.Supplier;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One decoded frame at native resolution: 8-bit luma ({@link PixelMode#GRAY}) or 8-bit BGR ({@link PixelMode#BGR}), as
 * the source was opened.
 *
 * <p>The frame (and its {@link Mat}) belongs to the {@link FrameSource} that returned it and stays valid only until
 * the next call to {@link FrameSource#next()}; copy the Mat to keep it.
 *
 * @param image {@code CV_8UC1} full-range luma, or {@code CV_8UC3} BGR
 * @param timestamp seconds from the episode start
 * @param ordinal position of the frame in the episode's decoded sequence, from 0
 * @param colour makes the same frame as {@code CV_8UC3} BGR when the source was opened {@link
 *     PixelMode#GRAY_AND_BGR}, else {@code null}: read it through {@link #color()}
 */
public record DecodedFrame(Mat image, double timestamp, long ordinal, Supplier<Mat> colour) {
    /** A frame in one pixel mode (no colour copy beside it). */
    public DecodedFrame(Mat image, double timestamp, long ordinal) {
        this(image, timestamp, ordinal, (Supplier<Mat>) null);
    }

    /** A frame with its colour copy already made (or {@code null} for none). */
    public DecodedFrame(Mat image, double timestamp, long ordinal, Mat color) {
        this(image, timestamp, ordinal, color == null ? null : () -> color);
    }

    /**
     * The same frame as {@code CV_8UC3} BGR when the source was opened {@link PixelMode#GRAY_AND_BGR}, else {@code
     * null}. A video source converts it on the first call only (a caller that stores the frame at a smaller size asks
     * {@link FrameSource#colorAt} instead and never pays for the full-size copy).
     */
    public Mat color() {
        return colour == null ? null : colour.get();
    }
}
