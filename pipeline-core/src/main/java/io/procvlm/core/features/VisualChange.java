package io.procvlm.core.features;

/**
 * Visual-change features of one frame relative to the previous frame of the same episode.
 *
 * @param phash the 64-bit perceptual hash of the frame (0 when disabled)
 * @param frameDiff mean absolute luma difference (0-255) at working resolution, {@code NaN} for the first frame or
 *     when disabled
 * @param flowMagnitude mean optical-flow magnitude in working-resolution pixels, {@code NaN} for the first frame or
 *     when disabled
 * @param movingFraction share of pixels whose flow exceeds the moving threshold, {@code NaN} as above
 */
public record VisualChange(long phash, double frameDiff, double flowMagnitude, double movingFraction) {}
