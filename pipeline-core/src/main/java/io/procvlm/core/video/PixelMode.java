package io.procvlm.core.video;

/** What a {@link FrameSource} returns: luma for features, colour for images shown to a model. */
public enum PixelMode {
    /** 8-bit full-range luma, {@code CV_8UC1}. */
    GRAY,
    /** 8-bit BGR, {@code CV_8UC3}, as OpenCV expects for encoding. */
    BGR
}
