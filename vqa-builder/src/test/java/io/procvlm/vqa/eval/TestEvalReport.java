package io.procvlm.vqa.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TestEvalReport {
    private static final EvalReport REPORT = new EvalReport(
            new EvalReport.Counts(
                    10,
                    8,
                    2,
                    1,
                    new EvalReport.FamilyCount(6, 1),
                    new EvalReport.FamilyCount(0, 0),
                    new EvalReport.FamilyCount(4, 1)),
            new EvalReport.ProgressScores(0.75, 0.5, 0.625, 3.0, -0.25, 2),
            new EvalReport.SegmentationScores(Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN),
            new EvalReport.PlanningScores(0.5, 1.0, 0.25));

    @Test
    void jsonHasAFixedKeyOrderAndNullForNaN() throws Exception {
        JsonNode json = new ObjectMapper().readTree(REPORT.toJson());

        assertThat(fieldNames(json)).containsExactly("counts", "progress", "segmentation", "planning");
        assertThat(fieldNames(json.get("counts")))
                .containsExactly(
                        "samples",
                        "predictions-matched",
                        "missing-predictions",
                        "unknown-predictions",
                        "progress",
                        "segmentation",
                        "planning");
        assertThat(fieldNames(json.get("progress")))
                .containsExactly("voc", "kendall-tau-a", "ccc", "epr50", "mcc95", "episodes");
        assertThat(fieldNames(json.get("segmentation")))
                .containsExactly("bf1", "mmae", "edit", "f1-at-10", "f1-at-25", "f1-at-50");
        assertThat(fieldNames(json.get("planning")))
                .containsExactly("score", "next-action-accuracy", "done-detection-accuracy");

        assertThat(json.at("/counts/planning/unparsable").asLong()).isEqualTo(1);
        assertThat(json.at("/progress/voc").asDouble()).isEqualTo(0.75);
        assertThat(json.at("/progress/mcc95").asDouble()).isEqualTo(-0.25);
        assertThat(json.at("/progress/episodes").asInt()).isEqualTo(2);
        assertThat(json.at("/segmentation/bf1").isNull()).isTrue();
        assertThat(json.at("/planning/done-detection-accuracy").asDouble()).isEqualTo(0.25);
    }

    @Test
    void jsonIsStable() {
        assertThat(REPORT.toJson()).isEqualTo(REPORT.toJson());
        assertThat(REPORT.toJson()).doesNotContain("NaN");
    }

    @Test
    void textSummarisesEveryFamily() {
        assertThat(REPORT.toText()).isEqualTo("""
                        ProcVQA evaluation: 10 samples, 8 predictions matched, 2 missing, 1 unknown
                        progress      6 samples, 1 unparsable, 2 episodes
                          VOC 0.7500  KT 0.5000  CCC 0.6250  EPR@50 3.0000  MCC@95 -0.2500
                        segmentation  0 samples, 0 unparsable
                          BF1@5 n/a  mMAE n/a  Edit n/a  F1@10 n/a  F1@25 n/a  F1@50 n/a
                        planning      4 samples, 1 unparsable
                          Score 0.5000  Next-action 1.0000  Done-detection 0.2500
                        """);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
