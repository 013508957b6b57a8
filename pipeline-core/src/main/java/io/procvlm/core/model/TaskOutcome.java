package io.procvlm.core.model;

import java.util.Locale;

/** Whether the task of an episode (or task segment) was achieved. */
public enum TaskOutcome {
    SUCCESS,
    FAILURE,
    UNKNOWN,
    /** The recording stops before the task could be finished (cut off mid-task): not a success, and not done. */
    UNFINISHED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TaskOutcome fromId(String id) {
        return valueOf(id.toUpperCase(Locale.ROOT));
    }
}
