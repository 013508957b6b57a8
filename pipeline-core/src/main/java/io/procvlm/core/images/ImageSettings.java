package io.procvlm.core.images;

import java.io.Serializable;
import java.util.Locale;

/**
 * How the features stage stores each frame's image ({@code features.images}): the JPEGs ProcVQA shows, encoded once
 * from the decode the features use, with the {@code vqa.image.*} settings ({@link io.procvlm.core.video.FrameImages}).
 *
 * @param enabled whether images are written at all
 * @param maxSide longest side in pixels (never upscaled)
 * @param keepAspect whether the aspect ratio is kept (false squashes to max-side x max-side)
 * @param jpegQuality JPEG quality, 1 to 100
 */
public record ImageSettings(boolean enabled, int maxSide, boolean keepAspect, int jpegQuality) implements Serializable {
    /** No images written. */
    public static ImageSettings off() {
        return new ImageSettings(false, 480, true, 90);
    }

    /**
     * The table's layout: 2 since its rows carry ProcVQA's {@code variant} column, so that {@code vqa} copies their row
     * groups into its image shards. A table of another layout reads as made with other settings: {@code vqa} decodes
     * again, and the features stage (whose fingerprint holds this line) writes the table anew.
     */
    public static final int LAYOUT = 2;

    /** The settings as one line, recorded beside the table and compared by {@code vqa}. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "max-side=%d keep-aspect=%b jpeg-quality=%d layout=%d",
                maxSide,
                keepAspect,
                jpegQuality,
                LAYOUT);
    }
}
