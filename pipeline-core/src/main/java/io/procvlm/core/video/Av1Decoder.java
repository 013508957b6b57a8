package io.procvlm.core.video;

import java.util.Locale;

/**
 * Which decoder reads AV1 videos ({@code video.av1-decoder}). Other codecs always use JavaCV's FFmpeg. Both decoders
 * run in the JVM and give the same frames, timestamps and pixels (AV1 decoding is bit-exact); dav1d is about 2.5x
 * faster per core (docs/benchmarks.md).
 */
public enum Av1Decoder {
    /** The default: libdav1d where the host has it, else libaom with warning {@code DAV1D_UNAVAILABLE}. */
    AUTO,
    /**
     * The system's libdav1d ({@code libdav1d6}) through JNA, with FFmpeg's demuxer; an error ({@code
     * DAV1D_UNAVAILABLE}) when the library is absent. 8-bit streams only: others are decoded with libaom.
     */
    DAV1D,
    /** JavaCV's FFmpeg decoder (libaom: JavaCV's FFmpeg has no dav1d). */
    LIBAOM;

    public static Av1Decoder parse(String value) {
        return valueOf(value.strip().toUpperCase(Locale.ROOT));
    }

    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
