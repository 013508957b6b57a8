package io.procvlm.core.video;

import java.io.Serializable;

/**
 * Properties of a video stream as read from its container and decoder.
 *
 * @param codec the codec name as FFmpeg names it ({@code h264}, {@code hevc}, {@code av1}, {@code mpeg4}, ...), or
 *     {@code image} for images stored in parquet
 * @param decoder the decoder FFmpeg picked ({@code libaom-av1}, {@code h264}, ...)
 * @param width frame width in pixels
 * @param height frame height in pixels
 * @param frameRate the stream's frame rate, or 0 when unknown
 * @param frameCount the container's frame count (or its estimate from the duration), or -1 when unknown
 * @param durationSeconds the stream duration, or -1 when unknown
 * @param pixelFormat the decoded pixel format name, e.g. {@code yuv420p}
 */
public record VideoInfo(
        String codec,
        String decoder,
        int width,
        int height,
        double frameRate,
        long frameCount,
        double durationSeconds,
        String pixelFormat)
        implements Serializable {}
