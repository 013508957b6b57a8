package io.procvlm.core.ledger;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.model.EpisodeStatus;
import java.util.Set;

/**
 * What one stage did with one work unit (an episode): the fingerprint of everything that determined the result, how
 * it ended, and where its rows are.
 *
 * @param unit the unit key, {@code dataset/episode}
 * @param fingerprint SHA-256 of the unit's inputs, the stage's settings and templates, the model and the digest of the code that computes it
 * @param status {@link #DONE}, {@link #QUARANTINED} (bad input: kept until the input changes or {@code
 *     --retry-failed}) or {@link #FAILED} (a transient failure: retried by the next run)
 * @param code the error code when not done, else {@code null}
 * @param attempts how many times the unit was computed with this fingerprint
 * @param batch the folder under {@code _units/<stage>/} holding the unit's rows, or {@code null}
 * @param outcome the unit's outcome as the stage reported it
 * @param runId the run that computed it
 */
public record LedgerEntry(
        String unit,
        String fingerprint,
        String status,
        String code,
        int attempts,
        String batch,
        EpisodeOutcome outcome,
        String runId) {
    public static final String DONE = "done";
    public static final String QUARANTINED = "quarantined";
    public static final String FAILED = "failed";

    /**
     * Error codes of failures that may pass on their own (a service down, a full disk, a bug fixed by an upgrade):
     * their units are {@link #FAILED} and computed again by the next run even when nothing changed.
     */
    public static final Set<String> TRANSIENT_CODES =
            Set.of("INTERNAL", "STORAGE_IO", "VLM_UNAVAILABLE", "VLM_CACHE_IO", "TORCH_INFERENCE_FAILED");

    public LedgerEntry {
        requireNonNull(unit, "unit is null");
        requireNonNull(fingerprint, "fingerprint is null");
        requireNonNull(status, "status is null");
        requireNonNull(outcome, "outcome is null");
        requireNonNull(runId, "runId is null");
    }

    /** The entry for an outcome a stage just reported. */
    public static LedgerEntry of(EpisodeOutcome outcome, String fingerprint, int attempts, String batch, String runId) {
        if (outcome.status() == EpisodeStatus.OK) {
            return new LedgerEntry(outcome.key(), fingerprint, DONE, null, attempts, batch, outcome, runId);
        }
        String code = outcome.reason().code();
        String status = TRANSIENT_CODES.contains(code) ? FAILED : QUARANTINED;
        return new LedgerEntry(outcome.key(), fingerprint, status, code, attempts, null, outcome, runId);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isDone() {
        return status.equals(DONE);
    }
}
