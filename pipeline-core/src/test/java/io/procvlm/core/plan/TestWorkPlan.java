package io.procvlm.core.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.testing.GeneratedDatasets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Packing episodes into tasks by cost, on the generated datasets' real references. */
final class TestWorkPlan {
    private static final CameraRules RULES = new CameraRules(Map.of(), List.of("front"), List.of("wrist"));
    private static List<EpisodeRef> episodes;

    @BeforeAll
    static void scan() {
        episodes = new ArrayList<>();
        for (String dataset :
                List.of(GeneratedDatasets.V30_AV1, GeneratedDatasets.V21_AV1, GeneratedDatasets.V20_H264)) {
            episodes.addAll(DatasetReaders.scan(
                            DatasetSpec.ofPath(GeneratedDatasets.path(dataset).toString()), RULES)
                    .episodes());
        }
    }

    @Test
    void everyEpisodeOnceShardsTogetherInFileOrderAndEvenTasks() {
        WorkPlan plan = WorkPlan.pack(episodes, 3);

        List<String> keys = new ArrayList<>();
        plan.tasks().forEach(task -> task.forEach(ref -> keys.add(ref.key())));
        assertThat(keys).hasSize(episodes.size()).doesNotHaveDuplicates();
        assertThat(plan.tasks()).hasSize(3);
        assertThat(plan.sharedFiles()).as("the v3.0 shards").isPositive();
        for (List<EpisodeRef> task : plan.tasks()) {
            for (int i = 1; i < task.size(); i++) {
                EpisodeRef previous = task.get(i - 1);
                EpisodeRef ref = task.get(i);
                if (previous.video() != null
                        && ref.video() != null
                        && previous.video().path().equals(ref.video().path())
                        && previous.datasetRoot().equals(ref.datasetRoot())) {
                    assertThat(ref.video().fromTimestamp())
                            .isGreaterThan(previous.video().fromTimestamp());
                }
            }
        }
        assertThat(plan.imbalance()).as("largest task over the mean").isLessThan(1.5);
        // AV1 frames cost twice H.264 frames.
        EpisodeRef av1 = episodes.get(0);
        assertThat(WorkPlan.frameCost(av1)).isEqualTo(2.0);
    }

    @Test
    void theSameEpisodesInAnyOrderGiveTheSamePlan() {
        List<EpisodeRef> shuffled = new ArrayList<>(episodes);
        Collections.shuffle(shuffled, new Random(3));

        assertThat(WorkPlan.pack(shuffled, 4)).isEqualTo(WorkPlan.pack(episodes, 4));
    }

    @Test
    void aLongEpisodeRunsAlone() {
        List<EpisodeRef> withLong = new ArrayList<>(episodes);
        EpisodeRef template = episodes.get(episodes.size() - 1);
        EpisodeRef longEpisode = new EpisodeRef(
                template.dataset(),
                template.datasetRoot(),
                template.format(),
                999,
                template.tasks(),
                template.fps(),
                100_000,
                template.data(),
                template.columns(),
                template.camera(),
                template.video(),
                template.problems());
        withLong.add(longEpisode);

        WorkPlan plan = WorkPlan.pack(withLong, 4);

        assertThat(plan.isolated()).containsExactly(longEpisode.key());
        assertThat(plan.tasks()).anySatisfy(task -> assertThat(task).containsExactly(longEpisode));
        assertThat(plan.tasks()).hasSize(4);
    }

    @Test
    void moreTasksThanEpisodesGiveOneEpisodePerTask() {
        WorkPlan plan = WorkPlan.pack(episodes.subList(0, 3), 50);

        assertThat(plan.tasks()).hasSize(3).allSatisfy(task -> assertThat(task).hasSize(1));
        assertThat(WorkPlan.pack(List.of(), 4).tasks()).isEmpty();
    }
}
