package io.procvlm.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.procvlm.core.model.DatasetId;
import io.procvlm.core.model.ProgressLabel;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class TestFrameLabeler {
    private static final List<String> PLAN = List.of("reach the cup", "grasp the cup", "place the cup onto the plate");

    @Test
    void successEndsDoneAtOne() {
        SegmentAnnotation annotation = annotation(
                TaskOutcome.SUCCESS,
                List.of(
                        span(0, 0, 10, SpanStatus.COMPLETED),
                        span(1, 12, 20, SpanStatus.COMPLETED),
                        span(2, 20, 30, SpanStatus.COMPLETED)),
                40);
        List<ProgressLabel> labels = FrameLabeler.label(annotation, moving(40), ProgressConfig.defaults());
        assertThat(labels).hasSize(40);
        assertThat(labels.get(0).progress()).isZero();
        assertThat(labels.get(0).subtask()).isEqualTo("reach the cup");
        assertThat(labels.get(0).remaining()).isEqualTo(PLAN);
        assertThat(labels.get(11).subtask())
                .as("a gap belongs to the next subtask")
                .isEqualTo("grasp the cup");
        assertThat(labels.get(11).remaining()).containsExactly("grasp the cup", "place the cup onto the plate");
        assertThat(labels.get(29).progress()).isEqualTo(1.0);
        for (ProgressLabel label : labels.subList(30, 40)) {
            assertThat(label.subtask()).isEqualTo(ProgressLabel.DONE);
            assertThat(label.done()).isTrue();
            assertThat(label.progress()).isEqualTo(1.0);
            assertThat(label.remaining()).isEmpty();
            assertThat(label.subtaskIndex()).isEqualTo(-1);
        }
        assertMonotone(labels);
    }

    @Test
    void failureEndsNotDoneBelowOne() {
        SegmentAnnotation annotation = annotation(
                TaskOutcome.FAILURE,
                List.of(
                        span(0, 0, 10, SpanStatus.COMPLETED),
                        span(1, 10, 20, SpanStatus.COMPLETED),
                        span(2, 20, 30, SpanStatus.INCOMPLETE)),
                40);
        List<ProgressLabel> labels = FrameLabeler.label(annotation, moving(40), ProgressConfig.defaults());
        double plateau = labels.get(19).progress();
        assertThat(plateau).isLessThan(0.8);
        for (ProgressLabel label : labels.subList(20, 40)) {
            assertThat(label.progress()).as("frame %d", label.frameIndex()).isEqualTo(plateau);
            assertThat(label.done()).isFalse();
        }
        assertThat(labels.get(25).subtask()).isEqualTo("place the cup onto the plate");
        assertThat(labels.get(35).subtask()).isEqualTo(ProgressLabel.NOT_DONE);
        assertThat(labels.get(35).remaining()).containsExactly("place the cup onto the plate");
    }

    @Test
    void unknownOutcomeFollowsTheConfiguredAssumption() {
        SegmentAnnotation annotation = annotation(
                TaskOutcome.UNKNOWN,
                List.of(
                        span(0, 0, 10, SpanStatus.COMPLETED),
                        span(1, 10, 20, SpanStatus.COMPLETED),
                        span(2, 20, 30, SpanStatus.COMPLETED)),
                35);
        assertThat(FrameLabeler.label(annotation, moving(35), ProgressConfig.defaults())
                        .get(34)
                        .subtask())
                .isEqualTo(ProgressLabel.DONE);
        ProgressConfig pessimistic =
                new ProgressConfig(ProgressMode.DEFAULT, BudgetWeights.REFERENCE_CLIP, 0.001, 10, false);
        assertThat(FrameLabeler.label(annotation, moving(35), pessimistic)
                        .get(34)
                        .subtask())
                .isEqualTo(ProgressLabel.NOT_DONE);
    }

    @Test
    void stillFramesGainAlmostNothing() {
        SegmentAnnotation annotation = annotation(
                TaskOutcome.SUCCESS,
                List.of(
                        span(0, 0, 10, SpanStatus.COMPLETED),
                        span(1, 10, 50, SpanStatus.COMPLETED),
                        span(2, 50, 60, SpanStatus.COMPLETED)),
                62);
        FrameSignals signals = moving(62);
        for (int i = 20; i < 40; i++) { // a frozen stretch inside the second subtask
            signals.flow()[i] = 0;
            signals.frameDiff()[i] = 0;
        }
        List<ProgressLabel> labels = FrameLabeler.label(annotation, signals, ProgressConfig.defaults());
        assertThat(labels.get(39).progress() - labels.get(19).progress()).isLessThan(0.005);
    }

    @Test
    void referenceModeNeedsHashes() {
        SegmentAnnotation annotation =
                annotation(TaskOutcome.SUCCESS, List.of(span(0, 0, 10, SpanStatus.COMPLETED)), 12);
        assertThatThrownBy(() -> FrameLabeler.label(
                        annotation, moving(12), ProgressConfig.defaults().withMode(ProgressMode.REFERENCE)))
                .hasMessageContaining("needs the perceptual hash");
    }

    @Test
    void budgetsSumToOne() {
        for (BudgetWeights weights : BudgetWeights.values()) {
            double[] budgets = FrameLabeler.budgets(new long[] {10, 0, 30, 5}, weights);
            assertThat(budgets[0] + budgets[1] + budgets[2] + budgets[3]).isCloseTo(1.0, within(1e-12));
        }
        double[] clipped = FrameLabeler.budgets(new long[] {10, 30}, BudgetWeights.REFERENCE_CLIP);
        assertThat(clipped[0]).isCloseTo(0.75 / 2.0, within(1e-12)); // clip(2*10/40)=0.75, clip(1.5)=1.25
    }

    /** Random plans, spans, outcomes and signals: the invariants hold in both modes. */
    @Test
    void propertiesHoldInBothModes() {
        SplittableRandom random = new SplittableRandom(20261125);
        for (int trial = 0; trial < 400; trial++) {
            int frames = 2 + random.nextInt(200);
            int planSize = 1 + random.nextInt(6);
            List<String> plan = new ArrayList<>();
            for (int k = 0; k < planSize; k++) {
                plan.add("step " + k);
            }
            List<SubtaskSpan> spans = new ArrayList<>();
            long cursor = random.nextInt(Math.max(1, frames / 4));
            boolean allCompleted = true;
            for (int k = 0; k < planSize && cursor < frames; k++) {
                long length = 1 + random.nextInt(Math.max(1, frames / planSize));
                long end = Math.min(frames, cursor + length);
                SpanStatus status = random.nextInt(5) == 0 ? SpanStatus.INCOMPLETE : SpanStatus.COMPLETED;
                allCompleted &= status == SpanStatus.COMPLETED;
                spans.add(new SubtaskSpan(k, plan.get(k), "step", cursor, end, status));
                cursor = end + random.nextInt(3);
            }
            TaskOutcome outcome = TaskOutcome.values()[random.nextInt(TaskOutcome.values().length)];
            SegmentAnnotation annotation = new SegmentAnnotation(
                    new DatasetId("d"), 0, 0, 0, frames, "task", plan, spans, outcome, "", "test", "f", List.of());
            FrameSignals signals = randomSignals(frames, random);
            for (ProgressMode mode : ProgressMode.values()) {
                List<ProgressLabel> labels = FrameLabeler.label(
                        annotation, signals, ProgressConfig.defaults().withMode(mode));
                assertThat(labels).hasSize(frames);
                assertThat(labels.get(0).progress())
                        .as("trial %d %s starts at 0", trial, mode)
                        .isZero();
                assertMonotone(labels);
                ProgressLabel last = labels.get(frames - 1);
                boolean success = (outcome == TaskOutcome.SUCCESS || outcome == TaskOutcome.UNKNOWN)
                        && allCompleted
                        && spans.size() == planSize;
                assertThat(last.done()).as("trial %d %s", trial, mode).isEqualTo(success);
                if (success) {
                    assertThat(last.progress())
                            .as("trial %d %s ends at 1", trial, mode)
                            .isEqualTo(1.0);
                } else if (mode == ProgressMode.DEFAULT) {
                    assertThat(last.progress())
                            .as("trial %d: failure stays below 1", trial)
                            .isLessThan(1.0);
                }
            }
        }
    }

    private static void assertMonotone(List<ProgressLabel> labels) {
        for (int i = 0; i < labels.size(); i++) {
            assertThat(labels.get(i).progress()).isBetween(0.0, 1.0);
            if (i > 0) {
                assertThat(labels.get(i).progress())
                        .isGreaterThanOrEqualTo(labels.get(i - 1).progress());
            }
        }
    }

    private static SegmentAnnotation annotation(TaskOutcome outcome, List<SubtaskSpan> spans, int frames) {
        return new SegmentAnnotation(
                new DatasetId("d"),
                0,
                0,
                0,
                frames,
                "Put the cup onto the plate",
                PLAN,
                spans,
                outcome,
                "test",
                "test",
                "f",
                List.of());
    }

    private static SubtaskSpan span(int planIndex, long start, long end, SpanStatus status) {
        return new SubtaskSpan(planIndex, PLAN.get(planIndex), "verb", start, end, status);
    }

    private static FrameSignals moving(int frames) {
        long[] index = new long[frames];
        double[] flow = new double[frames];
        double[] diff = new double[frames];
        for (int i = 0; i < frames; i++) {
            index[i] = i;
            flow[i] = i == 0 ? Double.NaN : 1.0 + 0.5 * Math.sin(i);
            diff[i] = i == 0 ? Double.NaN : 2.0 + Math.cos(i);
        }
        return new FrameSignals(index, flow, diff, null);
    }

    private static FrameSignals randomSignals(int frames, SplittableRandom random) {
        long[] index = new long[frames];
        double[] flow = new double[frames];
        double[] diff = new double[frames];
        long[] hash = new long[frames];
        for (int i = 0; i < frames; i++) {
            index[i] = i;
            boolean still = random.nextInt(4) == 0;
            flow[i] = i == 0 ? Double.NaN : still ? 0 : random.nextDouble() * 3;
            diff[i] = i == 0 ? Double.NaN : still ? 0 : random.nextDouble() * 10;
            hash[i] = still && i > 0 ? hash[i - 1] : random.nextLong();
        }
        return new FrameSignals(index, flow, diff, hash);
    }
}
