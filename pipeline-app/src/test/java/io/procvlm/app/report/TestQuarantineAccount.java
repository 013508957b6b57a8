package io.procvlm.app.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The run summary and the datasets table count quarantines one way: distinct episodes, each at its first stage. */
final class TestQuarantineAccount {
    @Test
    void everyStageCountsOnceAndUnreadableDatasetsAreNoEpisodes() {
        List<RunReport.Quarantined> quarantined = new ArrayList<>();
        for (int e = 0; e < 75; e++) {
            quarantined.add(new RunReport.Quarantined("index", "g1", e, "FRAME_COUNT_MISMATCH", "m"));
        }
        for (int e = 75; e < 92; e++) {
            quarantined.add(new RunReport.Quarantined("features", "g1", e, "INTERNAL", "m"));
        }
        quarantined.add(new RunReport.Quarantined("vqa", "g1", 80, "MISSING_VIDEO", "again in a later stage"));
        quarantined.add(new RunReport.Quarantined("annotate", "other", 3, "INTERNAL", "m"));
        quarantined.add(new RunReport.Quarantined("index", "/data/broken", -1, "DATASET_NOT_FOUND", "m"));

        Map<String, Map<String, Long>> byStage = RunReport.quarantinedByDatasetAndStage(quarantined);

        assertThat(byStage).containsOnlyKeys("g1", "other");
        assertThat(byStage.get("g1")).containsExactly(Map.entry("index", 75L), Map.entry("features", 17L));
        assertThat(byStage.get("other")).containsExactly(Map.entry("annotate", 1L));
    }
}
