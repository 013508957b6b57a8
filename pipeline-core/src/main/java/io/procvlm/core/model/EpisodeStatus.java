package io.procvlm.core.model;

import java.util.Locale;

/** The outcome of one episode in one stage. */
public enum EpisodeStatus {
    OK,
    QUARANTINED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
