package io.procvlm.vqa.eval;

import static io.procvlm.core.error.CoreErrorCode.CONFIG_INVALID_VALUE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.procvlm.core.error.PipelineException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class TestEvaluator {
    private static final String NO_ACTION = "No action required. The task \"stack\" has been completed.";

    @Test
    void perfectPredictorScoresPerfectly() {
        List<EvalSample> samples = new ArrayList<>();
        double[] progress = {0, 20, 45.5, 80, 100};
        for (int i = 0; i < progress.length; i++) {
            samples.add(progress("p" + i, "ds", 3, progress[i]));
        }
        samples.add(segmentation(
                "s1",
                "[{\"action_description\": \"grasp cup\", \"start_frame\": 0, \"end_frame\": 9},"
                        + " {\"action_description\": \"lift cup\", \"start_frame\": 10, \"end_frame\": 31}]"));
        samples.add(planning("b1", "next-action", "grasp the red block"));
        samples.add(planning("b2", "remaining-actions", "1. grasp the red block\n2. place it on the plate"));
        samples.add(planning("b3", "remaining-actions", NO_ACTION));
        Map<String, String> predictions = new HashMap<>();
        for (EvalSample sample : samples) {
            predictions.put(sample.sampleId(), sample.groundTruth());
        }

        EvalReport report = Evaluator.evaluate(samples, predictions);

        assertThat(report.progress().voc()).isCloseTo(1.0, within(1e-12));
        assertThat(report.progress().kendallTauA()).isEqualTo(1.0);
        assertThat(report.progress().ccc()).isCloseTo(1.0, within(1e-9));
        assertThat(report.progress().mcc95()).isCloseTo(1.0, within(1e-9));
        assertThat(report.progress().episodes()).isEqualTo(1);
        // predictions 0, 20, 45.5, 80, 100 fill 5 bins of width 1/10 (numpy reference loop: k = 10)
        assertThat(report.progress().epr50()).isCloseTo(Math.log(10) / Math.log(2), within(1e-12));
        assertThat(report.segmentation().bf1()).isEqualTo(1.0);
        assertThat(report.segmentation().mmae()).isEqualTo(0.0);
        assertThat(report.segmentation().edit()).isEqualTo(100.0);
        assertThat(report.segmentation().f1At10()).isEqualTo(1.0);
        assertThat(report.segmentation().f1At25()).isEqualTo(1.0);
        assertThat(report.segmentation().f1At50()).isEqualTo(1.0);
        assertThat(report.planning().score()).isEqualTo(1.0);
        assertThat(report.planning().nextActionAccuracy()).isEqualTo(1.0);
        assertThat(report.planning().doneDetectionAccuracy()).isEqualTo(1.0);
        assertThat(report.counts())
                .isEqualTo(new EvalReport.Counts(
                        9,
                        9,
                        0,
                        0,
                        new EvalReport.FamilyCount(5, 0),
                        new EvalReport.FamilyCount(1, 0),
                        new EvalReport.FamilyCount(3, 0)));
    }

    @Test
    void episodesOfDifferentDatasetsAreNotMerged() {
        // each episode alone is perfectly ordered; merged, the second dataset's low predictions would break the order
        List<EvalSample> samples = List.of(
                progress("a0", "dataset-a", 12, 10),
                progress("a1", "dataset-a", 12, 20),
                progress("b0", "dataset-b", 12, 30),
                progress("b1", "dataset-b", 12, 40));
        Map<String, String> predictions = Map.of("a0", answer(10), "a1", answer(20), "b0", answer(5), "b1", answer(6));

        EvalReport report = Evaluator.evaluate(samples, predictions);

        assertThat(report.progress().episodes()).isEqualTo(2);
        assertThat(report.progress().voc()).isCloseTo(1.0, within(1e-12));
        assertThat(report.progress().kendallTauA()).isEqualTo(1.0);
    }

    @Test
    void progressMetricsAreAveragedOverEpisodes() {
        // episode 1: perfect (VOC 1, KT 1); episode 2: reversed (VOC -1, KT -1); episode 3 has one parsable pair only
        List<EvalSample> samples = List.of(
                progress("e1a", "ds", 1, 10),
                progress("e1b", "ds", 1, 90),
                progress("e2a", "ds", 2, 10),
                progress("e2b", "ds", 2, 90),
                progress("e2c", "ds", 2, 95),
                progress("e3a", "ds", 3, 10),
                progress("e3b", "ds", 3, 90));
        Map<String, String> predictions = Map.of(
                "e1a", answer(10),
                "e1b", answer(90),
                "e2a", answer(90),
                "e2b", answer(50),
                "e2c", answer(10),
                "e3a", answer(10),
                "e3b", "I cannot tell");

        EvalReport report = Evaluator.evaluate(samples, predictions);

        assertThat(report.progress().episodes()).isEqualTo(2);
        assertThat(report.progress().voc()).isCloseTo(0.0, within(1e-12));
        assertThat(report.progress().kendallTauA()).isCloseTo(0.0, within(1e-12));
        assertThat(report.counts().progress()).isEqualTo(new EvalReport.FamilyCount(7, 1));
        // MCC over the 6 parsable pairs: gt done only e2c (95), predicted done none -> fn 1, tn 5: 0
        assertThat(report.progress().mcc95()).isCloseTo(0.0, within(1e-12));
    }

    @Test
    void mccSeesProgressSamplesOnly() {
        // the planning and segmentation texts hold percentages that the reference's parser would have read
        List<EvalSample> samples = List.of(
                progress("p0", "ds", 0, 100),
                progress("p1", "ds", 0, 0),
                planning("b1", "next-action", "push the slider to 100%"),
                segmentation("s1", "[{\"action_description\": \"push 100%\", \"start_frame\": 0, \"end_frame\": 3}]"));
        Map<String, String> predictions = Map.of(
                "p0",
                answer(100),
                "p1",
                answer(0),
                "b1",
                "push the slider to 0%",
                "s1",
                "0% [{\"action_description\": \"push 100%\", \"start_frame\": 0, \"end_frame\": 3}]");

        EvalReport report = Evaluator.evaluate(samples, predictions);

        // 1 / sqrt(1 + 1e-8); a leaked planning or segmentation pair would change the confusion matrix
        assertThat(report.progress().mcc95()).isCloseTo(1 / Math.sqrt(1 + 1e-8), within(1e-15));
    }

    @Test
    void missingPredictionsAreCountedAndScoredAsUnparsable() {
        List<EvalSample> samples = List.of(
                progress("p0", "ds", 0, 10),
                progress("p1", "ds", 0, 60),
                progress("p2", "ds", 0, 90),
                segmentation("s1", "[{\"action_description\": \"grasp\", \"start_frame\": 0, \"end_frame\": 4}]"),
                planning("b1", "next-action", "grasp the cup"),
                planning("b2", "remaining-actions", NO_ACTION));
        Map<String, String> predictions = Map.of("p0", answer(20), "p2", answer(80), "stray", answer(50));

        EvalReport report = Evaluator.evaluate(samples, predictions);

        assertThat(report.counts())
                .isEqualTo(new EvalReport.Counts(
                        6,
                        2,
                        4,
                        1,
                        new EvalReport.FamilyCount(3, 1),
                        new EvalReport.FamilyCount(1, 1),
                        new EvalReport.FamilyCount(2, 2)));
        // progress: the missing sample is left out, the other two are in order
        assertThat(report.progress().episodes()).isEqualTo(1);
        assertThat(report.progress().voc()).isCloseTo(1.0, within(1e-12));
        // segmentation: both boundaries missed, no match at all
        assertThat(report.segmentation().bf1()).isEqualTo(0.0);
        assertThat(report.segmentation().mmae()).isNaN();
        assertThat(report.segmentation().edit()).isEqualTo(0.0);
        assertThat(report.segmentation().f1At50()).isEqualTo(0.0);
        // planning: zero everywhere
        assertThat(report.planning().score()).isEqualTo(0.0);
        assertThat(report.planning().nextActionAccuracy()).isEqualTo(0.0);
        assertThat(report.planning().doneDetectionAccuracy()).isEqualTo(0.0);
    }

    @Test
    void segmentationScoresByHand() {
        // sample 1: gt [0,5) [5,10) -> boundaries 0 5 10, tolerance 0.5; prediction [0,6) [6,10) -> 0 6 10:
        //   tp 2 (0, 10), fp 1 (6), fn 1 (5); both segments overlap their gt by IoU 5/6 and 4/5
        // sample 2: gt [0,10), prediction unparsable -> fn 2 boundaries, fn 1 segment, edit 0
        List<EvalSample> samples = List.of(
                segmentation(
                        "s1",
                        "[{\"action_description\": \"Grasp the cup\", \"start_frame\": 0, \"end_frame\": 4},"
                                + " {\"action_description\": \"lift cup\", \"start_frame\": 5, \"end_frame\": 9}]"),
                segmentation("s2", "[{\"action_description\": \"wipe\", \"start_frame\": 0, \"end_frame\": 9}]"));
        Map<String, String> predictions = Map.of(
                "s1",
                "```json\n[{\"action_description\": \"grasp cup\", \"start_frame\": 0, \"end_frame\": 5},"
                        + " {\"action_description\": \"Lift the cup.\", \"start_frame\": 6, \"end_frame\": 9}]\n```",
                "s2",
                "wipe from 0 to 9");

        EvalReport report = Evaluator.evaluate(samples, predictions);

        // micro: tp 2, fp 1, fn 3 -> 4 / 8
        assertThat(report.segmentation().bf1()).isCloseTo(0.5, within(1e-12));
        assertThat(report.segmentation().mmae()).isEqualTo(0.0);
        assertThat(report.segmentation().edit()).isCloseTo(50.0, within(1e-12));
        // overlap: tp 2, fp 0, fn 1 -> 4 / 5 at every threshold up to 0.8
        assertThat(report.segmentation().f1At10()).isCloseTo(0.8, within(1e-12));
        assertThat(report.segmentation().f1At50()).isCloseTo(0.8, within(1e-12));
        assertThat(report.counts().segmentation()).isEqualTo(new EvalReport.FamilyCount(2, 1));
    }

    @Test
    void segmentationMeanAbsoluteErrorCountsMatchedBoundaries() {
        // gt 0 20 40 (tolerance 2); prediction 1 21 40: three matches with |delta| 1, 1, 0
        EvalReport report = Evaluator.evaluate(
                List.of(segmentation(
                        "s1",
                        "[{\"action_description\": \"a\", \"start_frame\": 0, \"end_frame\": 19},"
                                + " {\"action_description\": \"b\", \"start_frame\": 20, \"end_frame\": 39}]")),
                Map.of(
                        "s1",
                        "[{\"action_description\": \"a\", \"start_frame\": 1, \"end_frame\": 20},"
                                + " {\"action_description\": \"b\", \"start_frame\": 21, \"end_frame\": 39}]"));

        assertThat(report.segmentation().bf1()).isEqualTo(1.0);
        assertThat(report.segmentation().mmae()).isCloseTo(2 / 3.0, within(1e-12));
    }

    @Test
    void planningScoresByHand() {
        List<EvalSample> samples = List.of(
                // F1 2/3 (one of two actions), not a next-action sample
                planning("r1", "remaining-actions", "1. grasp the cup\n2. lift the cup"),
                // exact next action: F1 1, correct
                planning("n1", "b1", "open the drawer"),
                // wrong next action: {open, drawer} vs {close, drawer} -> Jaccard 1/3, incorrect
                planning("n2", "next-action", "open the drawer"),
                // says done while not done: F1 0, done detection wrong
                planning("n3", "next-action", "wipe the table"),
                // finished: excluded from F1 and next-action accuracy; the answer misses it
                planning("d1", "remaining-actions", NO_ACTION),
                // finished and recognised
                planning("d2", "next-action", NO_ACTION));
        Map<String, String> predictions = Map.of(
                "r1", "The remaining actions are:\n1. Grasp the cup.",
                "n1", "Open the drawer.",
                "n2", "close the drawer",
                "n3", "No action required.",
                "d1", "1. lift the cup",
                "d2", "No action required. All done.");

        EvalReport report = Evaluator.evaluate(samples, predictions);

        assertThat(report.planning().score()).isCloseTo((2 / 3.0 + 1 + 1 / 3.0 + 0) / 4, within(1e-12));
        assertThat(report.planning().nextActionAccuracy()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(report.planning().doneDetectionAccuracy()).isCloseTo(4 / 6.0, within(1e-12));
        assertThat(report.counts().planning()).isEqualTo(new EvalReport.FamilyCount(6, 0));
    }

    @Test
    void familiesWithoutSamplesScoreNaN() {
        EvalReport report = Evaluator.evaluate(List.of(progress("p0", "ds", 0, 50)), Map.of("p0", answer(50)));

        assertThat(report.progress().voc()).isNaN();
        assertThat(report.progress().episodes()).isZero();
        assertThat(report.progress().mcc95()).isEqualTo(0.0);
        assertThat(report.segmentation().bf1()).isNaN();
        assertThat(report.segmentation().edit()).isNaN();
        assertThat(report.planning().score()).isNaN();
        assertThat(report.planning().doneDetectionAccuracy()).isNaN();
    }

    @Test
    void progressGroundTruthFallsBackToTheAnswerText() {
        List<EvalSample> samples = List.of(
                new EvalSample("p0", "ds", 0, "progress", "c", "so <progress>10.00%</progress>", Double.NaN),
                new EvalSample("p1", "ds", 0, "progress", "c", "so <progress>100%</progress>", Double.NaN));

        EvalReport report = Evaluator.evaluate(samples, Map.of("p0", answer(10), "p1", answer(100)));

        assertThat(report.progress().mcc95()).isCloseTo(1 / Math.sqrt(1 + 1e-8), within(1e-15));
        assertThat(report.progress().ccc()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void rejectsUnknownFamilies() {
        EvalSample sample = new EvalSample("x1", "ds", 0, "deshuffling", "d1", "1 2 3", Double.NaN);
        assertThatThrownBy(() -> Evaluator.evaluate(List.of(sample), Map.of()))
                .isInstanceOfSatisfying(
                        PipelineException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(CONFIG_INVALID_VALUE.toErrorCode()))
                .hasMessage("Cannot evaluate sample x1: unknown family 'deshuffling'"
                        + " (expected progress, segmentation or planning)");
    }

    @Test
    void rejectsDuplicateIds() {
        List<EvalSample> samples = List.of(progress("p0", "ds", 0, 10), progress("p0", "ds", 0, 20));
        assertThatThrownBy(() -> Evaluator.evaluate(samples, Map.of()))
                .isInstanceOfSatisfying(
                        PipelineException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(CONFIG_INVALID_VALUE.toErrorCode()))
                .hasMessage("Cannot evaluate: sample id 'p0' appears twice");
    }

    @Test
    void rejectsUnreadableGroundTruth() {
        EvalSample segmentation = segmentation("s1", "grasp, then lift");
        assertThatThrownBy(() -> Evaluator.evaluate(List.of(segmentation), Map.of()))
                .isInstanceOfSatisfying(
                        PipelineException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(CONFIG_INVALID_VALUE.toErrorCode()))
                .hasMessage("Cannot evaluate sample s1: segmentation ground truth is not a JSON list of segments");
        EvalSample progress = new EvalSample("p1", "ds", 0, "progress", "c", "no tag", Double.NaN);
        assertThatThrownBy(() -> Evaluator.evaluate(List.of(progress), Map.of()))
                .isInstanceOf(PipelineException.class)
                .hasMessage("Cannot evaluate sample p1: progress ground truth has no value and no <progress> tag");
    }

    static EvalSample progress(String id, String dataset, long episode, double value) {
        return new EvalSample(id, dataset, episode, "progress", "c", answer(value), value);
    }

    static EvalSample segmentation(String id, String truth) {
        return new EvalSample(id, "ds", 0, "segmentation", "a1", truth, Double.NaN);
    }

    static EvalSample planning(String id, String template, String truth) {
        return new EvalSample(id, "ds", 0, "planning", template, truth, Double.NaN);
    }

    static String answer(double progress) {
        return String.format(
                Locale.ROOT,
                "The following actions are required: \n1. lift\nTherefore, the estimated progress is"
                        + " <progress>%.2f%%</progress>.",
                progress);
    }
}
