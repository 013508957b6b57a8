package io.procvlm.annotators.vlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.annotators.Vocabulary;
import io.procvlm.core.testing.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The prompt file and the answer checks, without a server. */
final class TestVlmPrompts {
    @Test
    void confCopyEqualsTheEmbeddedPrompts() throws IOException {
        String conf = Files.readString(TestData.repoRoot().resolve("conf/vlm-prompts.yaml"));
        try (InputStream in = VlmPrompts.class.getResourceAsStream("/io/procvlm/annotators/vlm-prompts.yaml")) {
            assertThat(conf).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertThat(VlmPrompts.embedded().version()).isEqualTo("1");
        assertThatThrownBy(() -> VlmPrompts.parse("version: 1\nplan: x\n", "p.yaml"))
                .hasMessage("Invalid value 'p.yaml' for configuration key 'annotate.vlm.prompts': the file has no"
                        + " 'localise'");
    }

    @Test
    void planAnswers() throws VlmAnswers.Invalid {
        Vocabulary vocabulary = Vocabulary.embedded();
        assertThat(VlmAnswers.plan(
                        "<think>hmm</think>1. Grasp the cup.\n\n2) Place the cup onto the plate\n3. done.", vocabulary))
                .containsExactly("Grasp the cup", "Place the cup onto the plate");
        assertThatThrownBy(() -> VlmAnswers.plan("3. done.", vocabulary))
                .isInstanceOf(VlmAnswers.Invalid.class)
                .hasMessageStartingWith("it holds no planned action");
        assertThatThrownBy(() -> VlmAnswers.plan("1. Wave at the camera\n2. Grasp the cup", vocabulary))
                .hasMessageStartingWith("these actions do not start with an allowed verb: [Wave at the camera]");
    }

    @Test
    void localisationAnswers() throws VlmAnswers.Invalid {
        List<String> plan = List.of("Grasp the cup", "Place the cup onto the plate");
        VlmAnswers.Localisation ok = VlmAnswers.localisation(
                "```json\n{\"subtasks\": [{\"name\": \"grasp the cup\", \"start_time\": 0.4, \"complete_time\": 1},"
                        + " {\"name\": \"Place the cup onto the plate\", \"start_time\": 1.2, \"complete_time\": null}],"
                        + " \"overall_notes\": \"task not completed\"}\n```",
                plan,
                5.0);
        assertThat(ok.subtasks())
                .containsExactly(
                        new VlmAnswers.Localised("Grasp the cup", 0.4, 1.0, ""),
                        new VlmAnswers.Localised("Place the cup onto the plate", 1.2, null, ""));
        assertThat(ok.overallNotes()).isEqualTo("task not completed");
        // a missing action is absent
        assertThat(VlmAnswers.localisation("{\"subtasks\": []}", plan, 5.0).subtasks())
                .extracting(VlmAnswers.Localised::start)
                .containsExactly(null, null);
        for (String[] bad : new String[][] {
            {"{\"subtasks\": [{\"name\": \"Wave\", \"start_time\": 1}]}", "\"Wave\" is not one of the planned actions"},
            {
                "{\"subtasks\": [{\"name\": \"Grasp the cup\", \"start_time\": 2, \"complete_time\": 1}]}",
                "starts at 2.00, after it completes at 1.00"
            },
            {
                "{\"subtasks\": [{\"name\": \"Grasp the cup\", \"start_time\": 1, \"complete_time\": 30}]}",
                "outside the clip"
            },
            {
                "{\"subtasks\": [{\"name\": \"Grasp the cup\", \"start_time\": 1, \"complete_time\": 3},"
                        + " {\"name\": \"Place the cup onto the plate\", \"start_time\": 1, \"complete_time\": 2}]}",
                "completes at 2.00, before \"Grasp the cup\" planned earlier completes at 3.00"
            },
            {"{\"subtasks\": [{\"name\": \"Grasp the cup\", \"start_time\": \"soon\"}]}", "not a number of seconds"},
            {"no json here", "it holds no JSON object"},
            {"{\"subtasks\": 3}", "has no \"subtasks\" list"}
        }) {
            assertThatThrownBy(() -> VlmAnswers.localisation(bad[0], plan, 5.0))
                    .as(bad[0])
                    .isInstanceOf(VlmAnswers.Invalid.class)
                    .hasMessageContaining(bad[1]);
        }
    }
}
