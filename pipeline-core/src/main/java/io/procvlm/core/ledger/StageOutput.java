package io.procvlm.core.ledger;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.manifest.TableInfo;
import java.util.Map;
import java.util.TreeMap;

/**
 * The table a stage last committed and the fingerprint of the units it was assembled from: when a run finds every
 * unit unchanged and the table in place, the stage is skipped.
 *
 * @param fingerprint SHA-256 over the stage's unit keys and fingerprints
 * @param table the committed table
 * @param counters the stage's counters when it was committed
 */
public record StageOutput(String fingerprint, TableInfo table, Map<String, Number> counters) {
    public StageOutput {
        requireNonNull(fingerprint, "fingerprint is null");
        requireNonNull(table, "table is null");
        counters = new TreeMap<>(requireNonNull(counters, "counters is null"));
    }
}
