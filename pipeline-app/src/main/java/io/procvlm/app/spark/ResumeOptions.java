package io.procvlm.app.spark;

import static io.procvlm.core.config.ConfigProperty.bool;
import static io.procvlm.core.config.ConfigProperty.integer;
import static io.procvlm.core.config.ConfigProperty.stringList;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.ConfigProperty;
import java.util.List;
import java.util.Set;

/**
 * How a run treats work already done: {@code run.resume} reuses units whose fingerprint is unchanged, {@code
 * run.retry-failed} computes quarantined units again, {@code run.force} recomputes whole stages, {@code
 * run.batch-units} sets how many units are committed at a time.
 */
public record ResumeOptions(
        boolean resume, boolean retryFailed, Set<String> force, int batchUnits, int maxUnitFolders) {
    public static final String RESUME = "run.resume";
    public static final String RETRY_FAILED = "run.retry-failed";
    public static final String FORCE = "run.force";
    public static final String BATCH_UNITS = "run.batch-units";
    public static final String MAX_UNIT_FOLDERS = "run.max-unit-folders";
    /** With {@code run.batch-units: 0}, a stage's units are committed in about this many batches. */
    static final int AUTO_BATCHES = 16;
    /** ... but never fewer units than this per batch (each batch is a Spark job). */
    static final int MIN_AUTO_BATCH = 32;

    public ResumeOptions {
        force = Set.copyOf(force);
    }

    public static List<ConfigProperty> properties() {
        return List.of(
                bool(
                        RESUME,
                        true,
                        "Reuse every work unit whose ledger entry has the same fingerprint (inputs, settings, templates,"
                                + " model, code digest); false recomputes everything"),
                bool(
                        RETRY_FAILED,
                        false,
                        "Compute quarantined units again even when nothing changed (failed units, e.g. an unreachable"
                                + " VLM, are always retried)"),
                stringList(
                        FORCE,
                        List.of(),
                        "Stages to recompute in full whatever the ledger says ('all' for every stage)"),
                integer(
                        BATCH_UNITS,
                        0,
                        0,
                        1_000_000,
                        "Units committed (and kept across a kill) at a time; 0 = about 1/16 of a stage's units, at least 32"),
                integer(
                        MAX_UNIT_FOLDERS,
                        64,
                        1,
                        1_000_000,
                        "Batch folders a stage's rows may be spread over under _units/<stage>/ before a commit"
                                + " compacts them into one (incremental rebuilds add folders)"));
    }

    public static ResumeOptions from(Config config) {
        return new ResumeOptions(
                config.bool(RESUME),
                config.bool(RETRY_FAILED),
                Set.copyOf(config.stringList(FORCE)),
                config.integer(BATCH_UNITS),
                config.integer(MAX_UNIT_FOLDERS));
    }

    public boolean forces(String stage) {
        return force.contains(stage) || force.contains("all");
    }

    int batchSize(int units) {
        if (batchUnits > 0) {
            return batchUnits;
        }
        return Math.max(MIN_AUTO_BATCH, (units + AUTO_BATCHES - 1) / AUTO_BATCHES);
    }
}
