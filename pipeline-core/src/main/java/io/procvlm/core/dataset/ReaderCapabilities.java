package io.procvlm.core.dataset;

/**
 * What a dataset format can carry, as its reader declares it. The conformance suite runs the checks a reader's
 * capabilities call for; a single dataset may still lack an optional part (a LeRobot dataset without state).
 *
 * @param hasState per-frame state (proprioception) vectors
 * @param hasActions per-frame action vectors
 * @param hasVideo frames stored in video files (otherwise images decoded one by one)
 * @param hasNativeSubtasks subtask labels shipped with the dataset
 * @param hasTaskText a task instruction per episode
 */
public record ReaderCapabilities(
        boolean hasState, boolean hasActions, boolean hasVideo, boolean hasNativeSubtasks, boolean hasTaskText) {}
