package io.procvlm.vqa.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.procvlm.vqa.eval.PlanningAnswers.ActionMatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

final class TestPlanningAnswers {
    @Test
    void splitsNumberedLists() {
        assertThat(PlanningAnswers.splitActions(
                        "1. Grasp the red block\n2. Move it onto the plate.\n3) release; retreat"))
                .containsExactly("Grasp the red block", "Move it onto the plate", "release", "retreat");
    }

    @Test
    void splitsNumberingOnOneLineAndDropsHeaders() {
        assertThat(PlanningAnswers.splitActions("The following actions are required:\n1. pick up cup 2. pour water."))
                .containsExactly("pick up cup", "pour water");
    }

    @Test
    void keepsDecimalNumbersInsideActions() {
        assertThat(PlanningAnswers.splitActions("1. move 0.5 m left. 2. stop"))
                .containsExactly("move 0.5 m left", "stop");
        assertThat(PlanningAnswers.normalise("Rotate 90 degrees")).isEqualTo("rotate 90 degrees");
    }

    @Test
    void normalisesCaseTokensAndStopwords() {
        assertThat(PlanningAnswers.normalise("Put the Red-Block onto a plate, and release it!"))
                .isEqualTo("put red block plate release");
        assertThat(PlanningAnswers.normalise("the a an")).isEmpty();
    }

    @Test
    void similarityIsOneForEqualActionsAndJaccardOtherwise() {
        assertThat(PlanningAnswers.similarity("Grasp the red block", "grasp red block."))
                .isEqualTo(1.0);
        // {grasp, red, block} vs {grasp, blue, block}: 2 / 4
        assertThat(PlanningAnswers.similarity("grasp the red block", "grasp the blue block"))
                .isEqualTo(0.5);
        // same tokens in another order: Jaccard 1 although not identical
        assertThat(PlanningAnswers.similarity("block grasp", "grasp block")).isEqualTo(1.0);
        assertThat(PlanningAnswers.similarity("open drawer", "wave")).isEqualTo(0.0);
        assertThat(PlanningAnswers.similarity("the", "the")).isEqualTo(0.0);
    }

    @Test
    void matchScoresPrecisionRecallAndF1() {
        ActionMatch swapped = PlanningAnswers.match(List.of("grasp cup", "lift cup"), List.of("lift cup", "grasp cup"));
        assertThat(swapped.f1()).isEqualTo(1.0);

        ActionMatch partial = PlanningAnswers.match(List.of("grasp cup", "lift cup"), List.of("grasp cup"));
        assertThat(partial.precision()).isEqualTo(1.0);
        assertThat(partial.recall()).isEqualTo(0.5);
        assertThat(partial.f1()).isCloseTo(2 / 3.0, within(1e-12));

        ActionMatch extra = PlanningAnswers.match(
                List.of("grasp red block", "place red block"), List.of("place red block", "wave", "grasp red block"));
        assertThat(extra.f1()).isCloseTo(0.8, within(1e-12));

        ActionMatch nothing = PlanningAnswers.match(List.of("grasp cup"), List.of());
        assertThat(nothing.f1()).isEqualTo(0.0);
        assertThat(PlanningAnswers.match(List.of(), List.of()).f1()).isEqualTo(1.0);
    }

    @Test
    void matchMaximisesTotalSimilarity() {
        // against a brute force over all partial assignments, on random actions over a small vocabulary
        List<String> words = List.of("a1", "b1", "c1", "d1", "e1");
        Random random = new Random(3);
        for (int trial = 0; trial < 200; trial++) {
            List<String> truth = randomActions(random, words, 1 + random.nextInt(4));
            List<String> predicted = randomActions(random, words, 1 + random.nextInt(4));
            assertThat(PlanningAnswers.match(truth, predicted).similarity())
                    .isCloseTo(bruteForceBest(truth, predicted), within(1e-9));
        }
    }

    @Test
    void detectsNoActionRequired() {
        assertThat(PlanningAnswers.saysNoActionRequired(
                        "No action required. The task \"stack\" has been completed and no atomic action remains."))
                .isTrue();
        assertThat(PlanningAnswers.saysNoActionRequired("no further actions are needed"))
                .isTrue();
        assertThat(PlanningAnswers.saysNoActionRequired("The following actions are required: 1. lift"))
                .isFalse();
        assertThat(PlanningAnswers.saysNoActionRequired("grasp the block")).isFalse();
    }

    @Test
    void sameActionComparesNormalisedText() {
        assertThat(PlanningAnswers.sameAction("grasp the red block", "Grasp the red block."))
                .isTrue();
        assertThat(PlanningAnswers.sameAction("grasp the red block", "1. grasp red block"))
                .isTrue();
        assertThat(PlanningAnswers.sameAction("grasp the red block", "grasp the red block, then lift it"))
                .isFalse();
        assertThat(PlanningAnswers.sameAction("the", "the")).isFalse();
    }

    private static List<String> randomActions(Random random, List<String> words, int count) {
        List<String> actions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder action = new StringBuilder();
            int length = 1 + random.nextInt(3);
            for (int w = 0; w < length; w++) {
                action.append(words.get(random.nextInt(words.size()))).append(' ');
            }
            actions.add(action.toString().strip());
        }
        return actions;
    }

    private static double bruteForceBest(List<String> truth, List<String> predicted) {
        return best(truth, predicted, 0, new boolean[predicted.size()]);
    }

    /** Best total over assignments of truth[i..] to unused predictions, each truth also allowed to stay unmatched. */
    private static double best(List<String> truth, List<String> predicted, int i, boolean[] used) {
        if (i == truth.size()) {
            return 0;
        }
        double result = best(truth, predicted, i + 1, used);
        for (int j = 0; j < predicted.size(); j++) {
            if (!used[j]) {
                used[j] = true;
                result = Math.max(
                        result,
                        PlanningAnswers.similarity(truth.get(i), predicted.get(j))
                                + best(truth, predicted, i + 1, used));
                used[j] = false;
            }
        }
        return result;
    }
}
