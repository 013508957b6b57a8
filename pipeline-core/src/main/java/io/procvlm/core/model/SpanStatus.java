package io.procvlm.core.model;

import java.util.Locale;

/** Whether a planned subtask was carried out. */
public enum SpanStatus {
    /** Started and finished. */
    COMPLETED,
    /** Started (or attempted) but not finished: a failed attempt, or the episode ended during it. */
    INCOMPLETE,
    /** Planned but never started. */
    ABSENT;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SpanStatus fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
