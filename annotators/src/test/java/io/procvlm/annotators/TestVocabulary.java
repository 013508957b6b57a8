package io.procvlm.annotators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.core.testing.TestData;
import java.io.IOException;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

final class TestVocabulary {
    private final Vocabulary vocabulary = Vocabulary.embedded();

    @Test
    void pickAndPlaceTasks() {
        Vocabulary.Plan plan = vocabulary.plan("Pick up the red block and place it onto the plate.");
        assertThat(plan.verbs()).containsExactly("reach", "grasp", "lift", "move", "place", "retreat");
        assertThat(plan.labels())
                .containsExactly(
                        "reach the red block",
                        "grasp the red block",
                        "lift the red block",
                        "move the red block to the plate",
                        "place the red block onto the plate",
                        "retreat the gripper");
        assertThat(vocabulary.plan("put the sponge in the sink").labels()).contains("place the sponge in the sink");
    }

    @Test
    void pickTasksDropTheTableAndArticles() {
        Vocabulary.Plan plan = vocabulary.plan("Pick up the yellow bottle on the table.");
        assertThat(plan.labels())
                .containsExactly("reach the yellow bottle", "grasp the yellow bottle", "lift the yellow bottle");
        assertThat(plan.object()).isEqualTo("yellow bottle");
    }

    @Test
    void otherVerbsAndFallback() {
        assertThat(vocabulary.plan("push the green cube to the left").labels())
                .containsExactly("reach the green cube", "push the green cube to the left", "retreat the gripper");
        assertThat(vocabulary.plan("Press the red button").verbs()).containsExactly("reach", "press", "retreat");
        assertThat(vocabulary.plan("open the drawer").labels()).contains("open the drawer");
        assertThat(vocabulary.plan("").verbs()).containsExactly("reach", "grasp", "lift", "move", "place", "retreat");
        assertThat(vocabulary.plan("do something unusual").labels().get(0)).isEqualTo("reach the do something unusual");
    }

    @Test
    void confCopyEqualsTheEmbeddedDefault() throws IOException {
        String conf = Files.readString(TestData.repoRoot().resolve("conf/vocabulary.yaml"));
        String embedded = new String(
                Vocabulary.class.getResourceAsStream("vocabulary.yaml").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(conf).isEqualTo(embedded);
    }

    @Test
    void invalidFilesNameTheProblem() {
        assertThatThrownBy(() -> Vocabulary.parse("verbs: {grasp: 'grasp {object}'}\nfallback: [lift]\n", "x.yaml"))
                .hasMessage("Vocabulary x.yaml uses verb 'lift', which is not under 'verbs'");
        assertThatThrownBy(() -> Vocabulary.parse("tasks: []\n", "y.yaml")).hasMessageContaining("has no 'verbs'");
    }
}
