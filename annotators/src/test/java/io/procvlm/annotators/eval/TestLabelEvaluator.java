package io.procvlm.annotators.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.metrics.Segment;
import io.procvlm.core.testing.GeneratedDatasets;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval-labels metrics on hand-checked cases, and the gold readers on small files and on the generated datasets. */
class TestLabelEvaluator {
    private static final double EPS = 1e-9;

    /** Gold at 10 fps: reach [0,10), grasp [10,20), lift [20,40). */
    private static final List<Segment> GOLD = List.of(
            new Segment("reach the cube", 0, 10),
            new Segment("grasp the cube", 10, 20),
            new Segment("lift the cube", 20, 40));

    /** Predicted: reach [0,13), grasp [13,20), move [20,40) (one late boundary, the last verb wrong). */
    private static final List<Segment> PREDICTED = List.of(
            new Segment("reach the cube", 0, 13),
            new Segment("grasp the cube", 13, 20),
            new Segment("move the cube to the plate", 20, 40));

    private static GoldSource fixed(Map<Long, List<Segment>> episodes) {
        return new GoldSource() {
            @Override
            public String name() {
                return "hand";
            }

            @Override
            public Optional<GoldEpisode> find(GoldQuery query) {
                List<Segment> spans = episodes.get(query.episode());
                return spans == null ? Optional.empty() : Optional.of(new GoldEpisode("hand", spans));
            }
        };
    }

    @Test
    void handCheckedEpisode() {
        LabelEvaluator.Result result = LabelEvaluator.evaluate(
                List.of(
                        new LabelEvaluator.Prediction("d", 0, "kinematic", 10, PREDICTED),
                        new LabelEvaluator.Prediction("d", 1, "kinematic", 10, PREDICTED)),
                fixed(Map.of(0L, GOLD)),
                LabelEvaluator.Match.VERB,
                (dataset, episode) -> new GoldQuery(dataset, episode, null, null));
        assertThat(result.rows()).hasSize(2);
        LabelEvaluator.Row row = result.rows().get(0);
        assertThat(row.dataset()).isEqualTo("d");
        assertThat(result.rows().get(1).dataset()).isEqualTo("*");
        assertThat(row.episodes()).isEqualTo(1);
        assertThat(row.withoutGold()).isEqualTo(1); // episode 1 has no gold
        // boundaries: gold {0,10,20,40}, predicted {0,13,20,40}; the matching pairs 10 with 13 (distance 3)
        // BF1@5 frames: 3 <= 5, so 4 hits, F1 = 1
        assertThat(row.boundaryF1()).isCloseTo(1.0, within(EPS));
        // BF1@5%: tolerance 0.05 x (40 - 0) = 2 frames < 3: TP 3, FP 1, FN 1, F1 = 6 / (6 + 2) = 0.75
        assertThat(row.boundaryF1Relative()).isCloseTo(0.75, within(EPS));
        // boundary error: distances 0, 3, 0, 0 -> 0.75 frames at 10 fps = 0.075 s
        assertThat(row.boundaryErrorSeconds()).isCloseTo(0.075, within(EPS));
        // edit by verb: [reach, grasp, lift] vs [reach, grasp, move]: one substitution, 100 x (1 - 1/3)
        assertThat(row.edit()).isCloseTo(100.0 * 2 / 3, within(EPS));
        // F1@k by verb: reach IoU 10/13 = 0.77, grasp IoU 7/10 = 0.70 are hits at 0.1, 0.25 and 0.5; move has no
        // gold (FP), lift is missed (FN): TP 2, FP 1, FN 1, F1 = 4 / 6
        assertThat(row.f1At10()).isCloseTo(4.0 / 6, within(EPS));
        assertThat(row.f1At25()).isCloseTo(4.0 / 6, within(EPS));
        assertThat(row.f1At50()).isCloseTo(4.0 / 6, within(EPS));
        // text: reach -> reach (1), grasp -> grasp (overlap 7 beats reach's 3: 1), lift -> move: tokens {lift, cube}
        // vs {move, cube, plate}: 1 shared of 4 = 0.25; mean (1 + 1 + 0.25) / 3 = 0.75; verbs agree 2 of 3
        assertThat(row.textSimilarity()).isCloseTo(0.75, within(EPS));
        assertThat(row.verbAgreement()).isCloseTo(2.0 / 3, within(EPS));
        assertThat(result.episodes()).hasSize(1);
        assertThat(LabelReports.text(result)).contains("kinematic").contains("0.750");
        assertThat(LabelReports.json(result)).contains("\"bf1_at_5_percent\" : 0.75");
    }

    @Test
    void textMatchAndIoUThresholds() {
        // gold [0,10) "open the drawer"; predicted [4,14) "open the drawer": IoU = 6 / 14 = 0.43 -> hit at 0.1 and
        // 0.25, miss at 0.5 (then FP 1 and FN 1: F1 = 0)
        List<Segment> gold = List.of(new Segment("open the drawer", 0, 10));
        List<Segment> predicted = List.of(new Segment("Open the drawer.", 4, 14));
        LabelEvaluator.Row row = LabelEvaluator.evaluate(
                        List.of(new LabelEvaluator.Prediction("d", 0, "vlm", 20, predicted)),
                        fixed(Map.of(0L, gold)),
                        LabelEvaluator.Match.TEXT,
                        (dataset, episode) -> new GoldQuery(dataset, episode, null, null))
                .rows()
                .get(0);
        assertThat(row.f1At10()).isCloseTo(1.0, within(EPS));
        assertThat(row.f1At25()).isCloseTo(1.0, within(EPS));
        assertThat(row.f1At50()).isCloseTo(0.0, within(EPS));
        // boundaries {0,10} vs {4,14}: distances 4 and 4, both within 5 frames -> BF1@5 = 1; error 4 frames at 20 fps
        assertThat(row.boundaryF1()).isCloseTo(1.0, within(EPS));
        assertThat(row.boundaryErrorSeconds()).isCloseTo(0.2, within(EPS));
        assertThat(row.textSimilarity()).isCloseTo(1.0, within(EPS)); // case and punctuation do not count
        assertThat(row.edit()).isCloseTo(100.0, within(EPS));
    }

    @Test
    void labelTextSimilarity() {
        // {pick, dark, basket, left, gripper} vs {grasp, dark, basket}: 2 shared of 6 distinct
        assertThat(LabelText.similarity("Pick up the dark basket with the left gripper", "grasp the dark basket"))
                .isCloseTo(2.0 / 6, within(EPS));
        assertThat(LabelText.verb("  Pick up the cup")).isEqualTo("pick");
        assertThat(LabelText.normalised("Place the cup ON the plate.")).isEqualTo("place cup plate");
    }

    @Test
    void robocoinTimelineExport(@TempDir Path directory) throws Exception {
        // Label Studio timeline ranges are 1-based and inclusive and neighbours share a frame: [1,120] -> [0,120),
        // [120,278] -> [119,278) clipped to [120,278); the "end" mark is skipped
        Path file = directory.resolve("data_annotation.json");
        Files.writeString(file, """
                [{"episode_index": 3, "annotation": {"videoLabels": [
                  {"ranges": [{"start": 1, "end": 120}], "timelinelabels": ["Pick up the dark basket"]},
                  {"ranges": [{"start": 120, "end": 278}], "timelinelabels": ["Place the dark basket"]},
                  {"ranges": [{"start": 278, "end": 300}], "timelinelabels": ["end"]}]}}]
                """, StandardCharsets.UTF_8);
        GoldSource source = GoldSources.parse("robocoin:" + file + "@coin");
        GoldEpisode episode = source.find(new GoldQuery("coin", 3, null, null)).orElseThrow();
        assertThat(episode.spans())
                .containsExactly(
                        new Segment("Pick up the dark basket", 0, 120), new Segment("Place the dark basket", 120, 278));
        assertThat(source.find(new GoldQuery("other", 3, null, null))).isEmpty();
        assertThat(source.find(new GoldQuery("coin", 4, null, null))).isEmpty();
    }

    @Test
    void robocoinCsvAndAgibotAndImported(@TempDir Path directory) throws Exception {
        Path csv = directory.resolve("segments.csv");
        Files.writeString(
                csv, "episode_index,start_frame,end_frame,label\n0,0,9,reach the cube\n0,10,19,\"grasp the cube\"\n");
        assertThat(GoldSources.parse("robocoin:" + csv + "@d")
                        .find(new GoldQuery("d", 0, null, null))
                        .orElseThrow()
                        .spans())
                .containsExactly(new Segment("reach the cube", 0, 10), new Segment("grasp the cube", 10, 20));

        Path agibot = directory.resolve("task_327.json");
        Files.writeString(agibot, """
                [{"episode_id": 648642, "label_info": {"action_config": [
                  {"start_frame": 0, "end_frame": 99, "action_text": "Pick up the bread"},
                  {"start_frame": 100, "end_frame": 180, "action_text": "Place the bread in the bag"}]}}]
                """);
        assertThat(GoldSources.parse("agibot:" + agibot + "@agibot-world")
                        .find(new GoldQuery("agibot-world", 648642, null, null))
                        .orElseThrow()
                        .spans())
                .containsExactly(
                        new Segment("Pick up the bread", 0, 100), new Segment("Place the bread in the bag", 100, 181));

        Path jsonl = directory.resolve("labels.jsonl");
        Files.writeString(
                jsonl,
                "{\"dataset\":\"d\",\"episode\":2,\"label\":\"grasp the cup\",\"start\":5,\"end\":9}\n"
                        + "{\"dataset\":\"d\",\"episode\":2,\"label\":\"reach the cup\",\"start\":0,\"end\":5}\n");
        GoldEpisode imported = GoldSources.parse("imported:" + jsonl)
                .find(new GoldQuery("d", 2, null, null))
                .orElseThrow();
        assertThat(imported.spans())
                .containsExactly(new Segment("reach the cup", 0, 5), new Segment("grasp the cup", 5, 9));
    }

    @Test
    void badSpecsFailNamingTheProblem(@TempDir Path directory) {
        assertThatThrownBy(() -> GoldSources.parse("labelbox:x.json"))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("Unknown gold labels 'labelbox:x.json'");
        assertThatThrownBy(() -> GoldSources.parse("agibot:" + directory.resolve("task.json")))
                .hasMessageContaining("FILE@DATASET");
        assertThatThrownBy(() -> GoldSources.parse("robocoin:" + directory.resolve("missing.json") + "@d"))
                .hasMessageContaining("does not exist");
    }

    @Test
    void phasesOfTheGeneratedDatasets() {
        GoldSource phases = GoldSources.parse("phases");
        for (String name : GeneratedDatasets.EVERY) {
            Path root = GeneratedDatasets.path(name);
            int episodes = GeneratedDatasets.groundTruth(root).size();
            assertThat(episodes).isPositive();
            for (long episode = 0; episode < episodes; episode++) {
                GoldEpisode gold = phases.find(new GoldQuery(name, episode, root.toString(), null))
                        .orElseThrow();
                assertThat(gold.spans()).isNotEmpty();
                // the truth scored against itself is perfect
                LabelEvaluator.EpisodeScore self = LabelEvaluator.score(
                        new LabelEvaluator.Prediction(name, episode, "truth", 30, gold.spans()),
                        gold,
                        LabelEvaluator.Match.TEXT);
                assertThat(self.boundaryF1()).isEqualTo(1.0);
                assertThat(self.edit()).isEqualTo(100.0);
                assertThat(self.f1At50()).isEqualTo(1.0);
                assertThat(self.textSimilarity()).isEqualTo(1.0);
            }
        }
        GoldEpisode first = phases.find(new GoldQuery(
                        GeneratedDatasets.V21_AV1,
                        0,
                        GeneratedDatasets.path(GeneratedDatasets.V21_AV1).toString(),
                        null))
                .orElseThrow();
        assertThat(first.spans().get(0)).isEqualTo(new Segment("reach the blue cube", 0, 41));
    }
}
