package io.procvlm.annotators.eval;

import java.util.Optional;

/** Gold subtask spans, looked up per episode (see {@link GoldSources} for the formats). */
public interface GoldSource {
    /** The source's name, as given on the command line. */
    String name();

    /** The gold spans of the episode, or empty when this source has none for it. */
    Optional<GoldEpisode> find(GoldQuery query);
}
