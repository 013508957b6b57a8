package io.procvlm.core.video;

import java.util.Locale;

/** Which decoder reads AV1 videos ({@code video.av1-decoder}). Other codecs always use JavaCV's FFmpeg. */
public enum Av1Decoder {
    /** dav1d when the host's {@code ffmpeg} has it, else libaom with warning {@code DAV1D_UNAVAILABLE}. */
    AUTO,
    /** The host's {@code ffmpeg} with libdav1d, as a subprocess piping luma frames; an error when absent. */
    DAV1D,
    /** JavaCV's FFmpeg, in the JVM (libaom: JavaCV's FFmpeg has no dav1d). */
    LIBAOM;

    public static Av1Decoder parse(String value) {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
