package io.procvlm.vqa.eval;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.metrics.Segment;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class TestSegmentationAnswers {
    @Test
    void convertsInclusiveEndsToExclusive() {
        String answer = "[{\"action_description\": \"grasp the cup\", \"start_frame\": 0, \"end_frame\": 4},"
                + " {\"action_description\": \"lift the cup\", \"start_frame\": 5, \"end_frame\": 9}]";
        assertThat(SegmentationAnswers.parse(answer))
                .hasValue(List.of(new Segment("grasp the cup", 0, 5), new Segment("lift the cup", 5, 10)));
    }

    @Test
    void readsFencedJsonAfterProse() {
        String answer = "Sure! Here are the actions [frames 0-9]:\n```json\n"
                + "[{\"action_description\": \"push\", \"start_frame\": 2, \"end_frame\": 7}]\n```\nDone.";
        assertThat(SegmentationAnswers.parse(answer)).hasValue(List.of(new Segment("push", 2, 8)));
    }

    @Test
    void takesMinAndMaxOfAllNumbers() {
        // swapped and renamed keys still give start = min, end = max (+ 1)
        String answer = "[{\"end\": 3, \"action_description\": \"open\", \"begin\": 9.0, \"flag\": true}]";
        assertThat(SegmentationAnswers.parse(answer)).hasValue(List.of(new Segment("open", 3, 10)));
    }

    @Test
    void labelIsEmptyWithoutADescription() {
        assertThat(SegmentationAnswers.parse("[{\"start_frame\": 1, \"end_frame\": 1, \"action_description\": 5}]"))
                .hasValue(List.of(new Segment("", 1, 6)));
    }

    @Test
    void toleratesTrailingCommasAndSingleQuotes() {
        assertThat(SegmentationAnswers.parse("[{'action_description': 'wipe', 'start_frame': 0, 'end_frame': 2,},]"))
                .hasValue(List.of(new Segment("wipe", 0, 3)));
    }

    @Test
    void readsTheListInsideAnObjectOrANestedList() {
        assertThat(SegmentationAnswers.parse(
                        "{\"segments\": [{\"action_description\": \"a\", \"start_frame\": 0," + " \"end_frame\": 1}]}"))
                .hasValue(List.of(new Segment("a", 0, 2)));
        assertThat(SegmentationAnswers.parse(
                        "[[{\"action_description\": \"a\", \"start_frame\": 0, \"end_frame\": 1}]]"))
                .hasValue(List.of(new Segment("a", 0, 2)));
    }

    @Test
    void emptyListIsAnAnswerWithoutSegments() {
        assertThat(SegmentationAnswers.parse("```json\n[]\n```")).hasValue(List.of());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "grasp then lift",
                "[1, 2, 3]",
                "[{\"action_description\": \"grasp\"}]",
                "[{\"action_description\": \"grasp\", \"start_frame\": \"0\", \"end_frame\": \"4\"}]",
                "[{\"action_description\": \"grasp\", \"start_frame\": 0, \"end_frame\": 4}",
                "{\"action_description\": \"grasp\", \"start_frame\": 0, \"end_frame\": 4}"
            })
    void rejectsAnswersWithoutAListOfSegments(String answer) {
        assertThat(SegmentationAnswers.parse(answer)).isEmpty();
    }
}
