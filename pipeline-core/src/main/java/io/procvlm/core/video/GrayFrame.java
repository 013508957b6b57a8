package io.procvlm.core.video;

import org.bytedeco.opencv.opencv_core.Mat;

/**
 * One decoded frame as an 8-bit luma image at native resolution.
 *
 * <p>The frame (and its {@link Mat}) belongs to the {@link FrameSource} that returned it and stays valid only until
 * the next call to {@link FrameSource#next()}; copy the Mat to keep it.
 *
 * @param image 8-bit single-channel image ({@code CV_8UC1}), full range (0-255)
 * @param timestamp seconds from the episode start
 * @param ordinal position of the frame in the episode's decoded sequence, from 0
 */
public record GrayFrame(Mat image, double timestamp, long ordinal) {}
