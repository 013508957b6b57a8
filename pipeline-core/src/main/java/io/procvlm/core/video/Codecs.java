package io.procvlm.core.video;

import java.util.Locale;
import java.util.Map;

/** Normalises codec names from dataset metadata and from FFmpeg so they can be compared. */
public final class Codecs {
    private static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("av1", "av1"),
            Map.entry("libsvtav1", "av1"),
            Map.entry("libaom-av1", "av1"),
            Map.entry("libdav1d", "av1"),
            Map.entry("av01", "av1"),
            Map.entry("h264", "h264"),
            Map.entry("avc", "h264"),
            Map.entry("avc1", "h264"),
            Map.entry("libx264", "h264"),
            Map.entry("libopenh264", "h264"),
            Map.entry("h264_nvenc", "h264"),
            Map.entry("hevc", "hevc"),
            Map.entry("h265", "hevc"),
            Map.entry("libx265", "hevc"),
            Map.entry("hevc_nvenc", "hevc"),
            Map.entry("hvc1", "hevc"),
            Map.entry("mpeg4", "mpeg4"),
            Map.entry("mp4v", "mpeg4"),
            Map.entry("vp9", "vp9"),
            Map.entry("libvpx-vp9", "vp9"),
            Map.entry("vp8", "vp8"));

    private Codecs() {}

    /** The canonical codec family of a name, or the lower-cased name itself when unknown. */
    public static String canonical(String name) {
        if (name == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT).strip();
        return ALIASES.getOrDefault(lower, lower);
    }

    public static boolean sameFamily(String declared, String actual) {
        return canonical(declared).equals(canonical(actual));
    }
}
