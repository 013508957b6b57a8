package io.procvlm.core.episode;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.EpisodeStatus;
import io.procvlm.core.model.Problem;
import io.procvlm.core.model.TaskSegment;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Task segments: runs of the rows' task index, found by the index stage without decoding a frame. */
final class TestTaskSegments {
    private static final String RED = "Pick up the red block and place it onto the plate.";
    private static final String BLUE = "Pick up the blue cube and place it onto the plate.";

    @Test
    void generatedEpisodeWithTwoTasksHasTwoSegments() {
        DatasetScan scan = DatasetReaders.scan(
                DatasetSpec.ofPath(
                        GeneratedDatasets.path(GeneratedDatasets.V21_TWO_TASKS).toString()),
                new CameraRules(Map.of(), List.of("front"), List.of("wrist")));
        EpisodeInspector inspector = new EpisodeInspector(InspectionConfig.defaults());
        EpisodeInspection two = inspector.inspect(scan.episodes().get(0));
        assertThat(two.status()).isEqualTo(EpisodeStatus.OK);
        assertThat(two.ref().tasks()).containsExactly(RED, BLUE);
        // the truth: the generator switches task_index at frame 137 of 278
        assertThat(two.ref().taskSegments())
                .containsExactly(new TaskSegment(0, 0, 137, RED), new TaskSegment(1, 137, 278, BLUE));
        EpisodeInspection one = inspector.inspect(scan.episodes().get(1));
        assertThat(one.status()).isEqualTo(EpisodeStatus.OK);
        assertThat(one.ref().hasTaskSegments()).isFalse();
        assertThat(one.ref()).isEqualTo(scan.episodes().get(1));
    }

    @Test
    void shortRunsJoinTheirNeighbour() {
        List<Problem> problems = new ArrayList<>();
        // task 0 for 3 rows, a 1-row blip of task 1, task 0 again, then task 2
        List<TaskSegment> segments =
                segments(new long[] {0, 0, 0, 1, 0, 0, 0, 2, 2, 2}, Map.of(0L, "zero", 2L, "two"), problems);
        assertThat(segments).containsExactly(new TaskSegment(0, 10, 17, "zero"), new TaskSegment(1, 17, 20, "two"));
        assertThat(problems).extracting(Problem::code).containsExactly("TASK_SEGMENT_MERGED");
        assertThat(problems.get(0).isError()).isFalse();

        problems.clear();
        // a 1-row first run joins the run after it
        segments = segments(new long[] {5, 0, 0, 0, 1, 1, 1}, Map.of(0L, "zero", 1L, "one"), problems);
        assertThat(segments).containsExactly(new TaskSegment(0, 10, 14, "zero"), new TaskSegment(1, 14, 17, "one"));
        assertThat(problems).extracting(Problem::code).containsExactly("TASK_SEGMENT_MERGED");

        problems.clear();
        assertThat(segments(new long[] {3, 3, 3, 3}, Map.of(), problems)).isEmpty();
        assertThat(segments(new long[] {3, 3, 4, 3, 3}, Map.of(3L, "three"), problems))
                .isEmpty();
        assertThat(problems).extracting(Problem::code).containsExactly("TASK_SEGMENT_MERGED");
    }

    @Test
    void aTaskIndexWithoutTextQuarantines() {
        List<Problem> problems = new ArrayList<>();
        assertThat(segments(new long[] {0, 0, 0, 7, 7, 7}, Map.of(0L, "zero"), problems))
                .isEmpty();
        assertThat(problems).hasSize(1);
        assertThat(problems.get(0).isError()).isTrue();
        assertThat(problems.get(0).code()).isEqualTo("TASK_INDEX_UNKNOWN");
        assertThat(problems.get(0).message())
                .contains("task_index 7 (frame_index 13 to 15) has no text in the dataset's task table");
    }

    /** Segments of rows with frame indices 10, 11, ... and the given task indices (index.min-frames 2). */
    private static List<TaskSegment> segments(long[] taskIndices, Map<Long, String> texts, List<Problem> problems) {
        int n = taskIndices.length;
        double[] timestamps = new double[n];
        long[] frames = new long[n];
        for (int i = 0; i < n; i++) {
            frames[i] = 10 + i;
            timestamps[i] = i / 10.0;
        }
        EpisodeRef ref = DatasetReaders.scan(
                        DatasetSpec.ofPath(GeneratedDatasets.path(GeneratedDatasets.V21_TWO_TASKS)
                                .toString()),
                        new CameraRules(Map.of(), List.of("front"), List.of("wrist")))
                .episodes()
                .get(1);
        EpisodeReader reader = new EpisodeReader() {
            @Override
            public FrameTable readFrames(DatasetFiles files, EpisodeRef episode) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Map<Long, String> taskTexts(DatasetFiles files, EpisodeRef episode) {
                return texts;
            }

            @Override
            public FrameSource openFrames(DatasetFiles files, EpisodeRef episode, int threads, PixelMode mode) {
                throw new UnsupportedOperationException();
            }
        };
        return EpisodeInspector.taskSegments(
                reader, null, ref, new FrameTable(timestamps, frames, null, null, taskIndices), 2, problems);
    }
}
