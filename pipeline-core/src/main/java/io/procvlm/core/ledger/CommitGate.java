package io.procvlm.core.ledger;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.HadoopConf;
import io.procvlm.core.io.Locations;
import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.model.EpisodeStatus;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.fs.Path;

/**
 * What a stage asks, with its units' outcomes, just before it replaces its committed table: a re-run in which no unit
 * succeeded never replaces a table that holds units that did. A first run (no committed table, or one without a done
 * unit) goes through: it writes its empty table and the run ends with exit code 1, as before.
 */
public final class CommitGate {
    private final String stage;
    private final String table;
    private final long previousDone;
    private final String previousRuns;

    private CommitGate(String stage, String table, long previousDone, String previousRuns) {
        this.stage = requireNonNull(stage, "stage is null");
        this.table = requireNonNull(table, "table is null");
        this.previousDone = previousDone;
        this.previousRuns = requireNonNull(previousRuns, "previousRuns is null");
    }

    /** A gate that never holds a commit back (a stage run on its own, outside a pipeline run). */
    public static CommitGate open(String stage, String table) {
        return new CommitGate(stage, table, 0, "");
    }

    /**
     * The gate for {@code stage}, whose table is {@code table} under {@code outputRoot}, given the stage's ledger
     * entries before this run: it holds a commit back when the table is in place and those entries hold a done unit.
     * Made before the stage runs (the stage may move its old table aside when it commits).
     */
    public static CommitGate of(String outputRoot, String stage, String table, Map<String, LedgerEntry> previous) {
        Path location = new Path(Locations.absolute(outputRoot), table);
        boolean inPlace;
        try {
            inPlace = location.getFileSystem(HadoopConf.get()).exists(location);
        } catch (IOException e) {
            throw new PipelineException(
                    CoreErrorCode.STORAGE_IO, "Cannot inspect " + location + ": " + e.getMessage(), e);
        }
        long done = 0;
        TreeSet<String> runs = new TreeSet<>();
        for (LedgerEntry entry : previous.values()) {
            if (entry.isDone()) {
                done++;
                runs.add(entry.runId());
            }
        }
        return new CommitGate(stage, table, inPlace ? done : 0, String.join(", ", runs));
    }

    /** Whether the committed table holds a done unit (what a commit with none would destroy). */
    public boolean guardsATable() {
        return previousDone > 0;
    }

    /**
     * Lets the commit go on, or throws {@link Rejected} ({@code STAGE_NO_USABLE_UNIT}) when no outcome is ok and the
     * committed table holds done units.
     */
    public void beforeCommit(List<EpisodeOutcome> outcomes) {
        if (!guardsATable() || outcomes.stream().anyMatch(o -> o.status() == EpisodeStatus.OK)) {
            return;
        }
        Map<String, Long> reasons = new TreeMap<>();
        EpisodeOutcome first = null;
        for (EpisodeOutcome outcome : outcomes) {
            if (outcome.reason() != null) {
                reasons.merge(outcome.reason().code(), 1L, Long::sum);
                first = first == null ? outcome : first;
            }
        }
        StringBuilder message = new StringBuilder(
                outcomes.isEmpty()
                        ? String.format(Locale.ROOT, "No unit of the %s stage succeeded (no episode reached it", stage)
                        : String.format(
                                Locale.ROOT, "No unit of the %s stage succeeded (%d units", stage, outcomes.size()));
        if (!reasons.isEmpty()) {
            message.append(": ");
            reasons.forEach((code, count) ->
                    message.append(code).append(' ').append(count).append(", "));
            message.setLength(message.length() - 2);
            message.append("; ")
                    .append(first.key())
                    .append(": ")
                    .append(first.reason().message());
        }
        message.append(String.format(
                Locale.ROOT,
                "). The committed %s/ table (%d units done, run %s) and the stage's ledger are kept unchanged;"
                        + " fix the cause and run again. The manifest's 'rejected-stage' lists every reason.",
                table,
                previousDone,
                previousRuns));
        throw new Rejected(stage, outcomes, message.toString());
    }

    /** The failure of a stage whose commit was held back, with the outcomes that were not committed. */
    public static final class Rejected extends PipelineException {
        private static final long serialVersionUID = 1L;
        private final String stage;
        private final transient List<EpisodeOutcome> outcomes;

        Rejected(String stage, List<EpisodeOutcome> outcomes, String message) {
            super(CoreErrorCode.STAGE_NO_USABLE_UNIT, message);
            this.stage = stage;
            this.outcomes = List.copyOf(outcomes);
        }

        public String stage() {
            return stage;
        }

        public List<EpisodeOutcome> outcomes() {
            return outcomes;
        }
    }
}
