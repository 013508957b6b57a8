package io.procvlm.vqa.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class TestProgressAnswers {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "<progress>45.5%</progress>|45.5",
                "<progress>45.5</progress>|45.5",
                "<PROGRESS> 120 %</PROGRESS>|100",
                "<progress>-5%</progress>|0",
                "<progress>.5</progress>|0.5",
                "<progress>0.5</progress>|0.5",
                "<Progress>+7</progress>|7",
                "<progress>100%</progress>|100",
                "Therefore, the estimated progress is <progress>37.25%</progress>.|37.25",
                // the first tag pair wins and text outside it is not read
                "Step 1 is 90% done. <progress>12%</progress> <progress>80%</progress>|12",
                "<progress>about 3 of 4, i.e. 75%</progress>|3",
                // no tag: the first number directly followed by %
                "about 30% done|30",
                "step 2 of 5, 40% complete, not 50%|40",
                "1%|1",
                "150%|100",
                // an unclosed tag counts as no tag
                "<progress>45%|45",
            })
    void parsesPercentages(String answer, double expected) {
        assertThat(ProgressAnswers.parse(answer)).hasValue(expected);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "0.5",
                "45",
                "<progress>abc</progress>",
                "<progress></progress> but 50% elsewhere",
                "<progress>45",
                "about 30 % done",
                "",
                "no idea"
            })
    void rejectsAnswersWithoutAPercentage(String answer) {
        assertThat(ProgressAnswers.parse(answer)).isEqualTo(OptionalDouble.empty());
    }

    @Test
    void parsesAcrossLines() {
        assertThat(ProgressAnswers.parse(
                        "The following actions are required:\n1. lift\n<progress>\n62.00%\n</progress>"))
                .hasValue(62.0);
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> ProgressAnswers.parse(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("answer is null");
    }
}
