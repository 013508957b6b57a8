package io.procvlm.progress;

import java.util.Locale;

/** Which progress math labels the frames. */
public enum ProgressMode {
    /** Ours: continuous visual change, idle frames gain (almost) nothing, failure-aware, no lag. */
    DEFAULT,
    /** The reference pipeline's math reproduced exactly (pHash similarity, exclusive sum). */
    REFERENCE;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ProgressMode fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
