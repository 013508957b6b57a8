package io.procvlm.core.video;

/** What a {@link FrameSource} returns: luma for features, colour for images shown to a model. */
public enum PixelMode {
    /** 8-bit full-range luma, {@code CV_8UC1}. */
    GRAY,
    /** 8-bit BGR, {@code CV_8UC3}, as OpenCV expects for encoding. */
    BGR,
    /**
     * Luma as {@link #GRAY} in {@link DecodedFrame#image()} and the same frame as {@link #BGR} in {@link
     * DecodedFrame#color()}, from one decode: the features stage computes its features and encodes the frame's JPEG
     * in one pass. Sources over images (not video) are opened through {@link FrameSources#openWithColor}.
     */
    GRAY_AND_BGR
}
