package io.procvlm.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.manifest.EpisodeOutcome;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A commit with no ok unit is held back only when it would replace a table that holds done units. */
final class TestCommitGate {
    @TempDir
    Path out;

    private static EpisodeOutcome ok(long episode) {
        return new EpisodeOutcome("d", episode, "label", EpisodeStatus.OK, null, List.of(), 10);
    }

    private static EpisodeOutcome quarantined(long episode) {
        return new EpisodeOutcome(
                "d",
                episode,
                "label",
                EpisodeStatus.QUARANTINED,
                Problem.error("CONFIG_INVALID_VALUE", "needs the hash"),
                List.of(),
                0);
    }

    private static Map<String, LedgerEntry> done(long... episodes) {
        Map<String, LedgerEntry> entries = new java.util.TreeMap<>();
        for (long episode : episodes) {
            entries.put("d/" + episode, LedgerEntry.of(ok(episode), "f", 1, null, "run-1"));
        }
        return entries;
    }

    @Test
    void aFirstRunCommitsWhateverItHas() {
        CommitGate gate = CommitGate.of(out.toString(), "label", "corpus", Map.of());
        gate.beforeCommit(List.of(quarantined(0), quarantined(1)));
        gate.beforeCommit(List.of());
        assertThat(gate.guardsATable()).isFalse();
    }

    @Test
    void aRerunWithNoOkUnitNeverReplacesATableWithDoneUnits() throws IOException {
        Files.createDirectories(out.resolve("corpus"));
        CommitGate gate = CommitGate.of(out.toString(), "label", "corpus", done(0, 1));
        assertThat(gate.guardsATable()).isTrue();
        gate.beforeCommit(List.of(ok(0), quarantined(1)));
        assertThatThrownBy(() -> gate.beforeCommit(List.of(quarantined(0), quarantined(1))))
                .isInstanceOf(CommitGate.Rejected.class)
                .satisfies(e -> {
                    CommitGate.Rejected rejected = (CommitGate.Rejected) e;
                    assertThat(rejected.errorCode()).isEqualTo(CoreErrorCode.STAGE_NO_USABLE_UNIT.toErrorCode());
                    assertThat(rejected.stage()).isEqualTo("label");
                    assertThat(rejected.outcomes()).hasSize(2);
                })
                .hasMessageContaining("No unit of the label stage succeeded (2 units: CONFIG_INVALID_VALUE 2;")
                .hasMessageContaining("d/0: needs the hash")
                .hasMessageContaining("committed corpus/ table (2 units done, run run-1)")
                .hasMessageContaining("kept unchanged");
        assertThatThrownBy(() -> gate.beforeCommit(List.of()))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("no episode reached it");
    }

    @Test
    void nothingToGuardWhenTheTableIsGoneOrHeldNoDoneUnit() throws IOException {
        CommitGate gone = CommitGate.of(out.toString(), "label", "corpus", done(0));
        gone.beforeCommit(List.of(quarantined(0)));

        Files.createDirectories(out.resolve("corpus"));
        Map<String, LedgerEntry> nothingDone = Map.of("d/0", LedgerEntry.of(quarantined(0), "f", 1, null, "run-1"));
        CommitGate empty = CommitGate.of(out.toString(), "label", "corpus", nothingDone);
        empty.beforeCommit(List.of(quarantined(0)));
        CommitGate.open("label", "corpus").beforeCommit(List.of(quarantined(0)));
    }
}
