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
                .containsExactly(
                        "reach the yellow bottle",
                        "grasp the yellow bottle",
                        "lift the yellow bottle",
                        "release the yellow bottle");
        assertThat(plan.object()).isEqualTo("yellow bottle");
        assertThat(plan.optional()).containsExactly(3);
        assertThat(plan.without(3).labels())
                .containsExactly("reach the yellow bottle", "grasp the yellow bottle", "lift the yellow bottle");
        assertThat(plan.without(3).optional()).isEmpty();
    }

    @Test
    void optionalStepsAreMarkedAndCheckedLikeOthers() {
        Vocabulary custom = Vocabulary.parse(
                "verbs: {reach: \"reach the {object}\", grasp: \"grasp the {object}\", release: \"release the {object}\"}\n"
                        + "tasks:\n  - pattern: \"take (?<object>.+)\"\n    plan: [reach, grasp, \"release?\"]\n"
                        + "fallback: [reach]\n",
                "test");
        assertThat(custom.plan("take the cup").verbs()).containsExactly("reach", "grasp", "release");
        assertThat(custom.plan("take the cup").isOptional(2)).isTrue();
        assertThat(custom.plan("take the cup").isOptional(1)).isFalse();
        assertThatThrownBy(() ->
                        Vocabulary.parse("verbs: {reach: \"reach\"}\ntasks: []\nfallback: [\"reach?\"]\n", "test"))
                .hasMessageContaining("optional step");
        assertThatThrownBy(() -> Vocabulary.parse(
                        "verbs: {reach: \"reach\"}\ntasks: []\nfallback: [reach, \"wave?\"]\n", "test"))
                .hasMessageContaining("'wave'");
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
