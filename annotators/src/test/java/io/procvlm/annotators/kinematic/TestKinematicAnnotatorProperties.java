package io.procvlm.annotators.kinematic;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.Vocabulary;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.error.ErrorType;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.FrameColumns;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.testing.EpisodeVariants;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;

/**
 * The kinematic annotator over arbitrary valid episodes: any length from 2 to 5,000 frames, any layout (a gripper, a
 * humanoid with one or two active dexterous hands, state without gripper names, video only), motion that is constant,
 * noisy, monotone, a random walk or broken by idle stretches, hands that never close, are always closed, close at the
 * first or the last frame, cycle or jitter; and over mutations of the real G1 dev episodes (any crop, truncation,
 * frozen stretch, slow-down, reversal). Every run returns a valid segmentation or a coded, non-internal quarantine:
 * never an exception.
 */
final class TestKinematicAnnotatorProperties {
    private static final CameraRules RULES = new CameraRules(Map.of(), List.of("front", "high"), List.of("wrist"));
    private static final KinematicAnnotator ANNOTATOR = new KinematicAnnotator(Vocabulary.embedded(), 0.2);
    private static final EpisodeRef TEMPLATE = DatasetReaders.scan(
                    DatasetSpec.ofPath(
                            GeneratedDatasets.path(GeneratedDatasets.V20_H264).toString()),
                    RULES)
            .episodes()
            .get(0);
    private static List<EpisodeRef> realRefs;
    private static List<EpisodeFrames> realFrames;

    enum Layout {
        GRIPPER,
        HUMANOID_ONE_HAND,
        HUMANOID_TWO_HANDS,
        NO_GRIPPER_NAMES,
        VIDEO_ONLY
    }

    enum Motion {
        CONSTANT,
        NOISY,
        MONOTONE,
        RANDOM_WALK,
        IDLE_STRETCHES
    }

    enum Hand {
        NEVER_CLOSES,
        ALWAYS_CLOSED,
        CLOSES_AT_FIRST,
        CLOSES_AT_LAST,
        ONE_CYCLE,
        HOLDS_TO_THE_END,
        CYCLES,
        JITTER
    }

    enum Task {
        PICK_UP("Pick up the yellow bottle on the table."),
        PICK_AND_PLACE("Pick up the red block and place it onto the plate."),
        PUSH("Push the box to the left."),
        OPEN("Open the drawer."),
        UNMATCHED("Do the thing.");

        final String text;

        Task(String text) {
            this.text = text;
        }
    }

    @Property(tries = 400)
    void arbitraryValidEpisodesAreSegmentedOrQuarantinedWithACode(
            @ForAll @IntRange(min = 2, max = 5000) int length,
            @ForAll Layout layout,
            @ForAll Motion motion,
            @ForAll Hand hand,
            @ForAll Task task,
            @ForAll long seed) {
        Random random = new Random(seed);
        double fps = new double[] {10, 15, 30, 50}[random.nextInt(4)];
        EpisodeRef ref = ref(layout, fps, task.text);
        EpisodeFrames frames = frames(layout, length, fps, motion, hand, random);
        checkAnnotation(ref, frames);
    }

    @Property(tries = 120)
    void mutatedRealEpisodesAreSegmentedOrQuarantinedWithACode(
            @ForAll @IntRange(min = 0, max = 3) int episode,
            @ForAll @DoubleRange(min = 0, max = 1) double from,
            @ForAll @DoubleRange(min = 0, max = 1) double to,
            @ForAll @DoubleRange(min = 0, max = 1) double freezeAt,
            @ForAll @IntRange(min = 0, max = 300) int freezeLength,
            @ForAll boolean slowed,
            @ForAll boolean reversed) {
        Assume.that(
                TestData.sharedTestDataIfPresent("lerobot-v21-g1-pick-bottle").isPresent());
        loadRealEpisodes();
        EpisodeFrames frames = realFrames.get(episode);
        int n = frames.size();
        int start = (int) Math.floor(Math.min(from, to) * (n - 2));
        int end = Math.max(start + 2, (int) Math.ceil(Math.max(from, to) * n));
        frames = EpisodeVariants.crop(frames, start, Math.min(n, end));
        frames = EpisodeVariants.frozen(frames, (int) (freezeAt * (frames.size() - 1)), freezeLength);
        if (slowed) {
            frames = EpisodeVariants.slowed(frames);
        }
        if (reversed) {
            frames = EpisodeVariants.reversed(frames);
        }
        checkAnnotation(realRefs.get(episode), frames);
    }

    private static void checkAnnotation(EpisodeRef ref, EpisodeFrames frames) {
        AnnotationInput input = AnnotationInput.wholeEpisode(ref, frames);
        SegmentAnnotation annotation;
        try {
            annotation = ANNOTATOR.annotate(input);
        } catch (PipelineException e) {
            assertThat(e.errorCode().type()).as(e.getMessage()).isNotEqualTo(ErrorType.INTERNAL_ERROR);
            return;
        }
        String spans = annotation.spans() + " " + annotation.evidence();
        assertThat(annotation.plan()).isNotEmpty();
        long previousStart = Long.MIN_VALUE;
        for (SubtaskSpan span : annotation.spans()) {
            assertThat(span.planIndex()).isBetween(0, annotation.plan().size() - 1);
            assertThat(span.label()).isEqualTo(annotation.plan().get(span.planIndex()));
            assertThat(span.startFrame()).isLessThanOrEqualTo(span.endFrame());
            assertThat(span.startFrame()).isGreaterThanOrEqualTo(input.segmentStart());
            assertThat(span.endFrame()).isLessThanOrEqualTo(input.segmentEnd());
            if (span.status() != SpanStatus.ABSENT) {
                assertThat(span.startFrame()).as(spans).isGreaterThanOrEqualTo(previousStart);
                previousStart = span.startFrame();
            }
        }
        assertThat(annotation.evidence()).isNotBlank();
    }

    private static synchronized void loadRealEpisodes() {
        if (realFrames != null) {
            return;
        }
        Path root = TestData.sharedTestData("lerobot-v21-g1-pick-bottle");
        List<EpisodeRef> refs = new ArrayList<>();
        List<EpisodeFrames> frames = new ArrayList<>();
        for (EpisodeRef ref :
                DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES).episodes()) {
            if (ref.problems().isEmpty()) {
                refs.add(ref);
                frames.add(EpisodeFrames.of(
                        new EpisodeFeatureExtractor(InspectionConfig.defaults(), FeaturesConfig.defaults())
                                .extract(ref)
                                .frames(),
                        false));
            }
        }
        realRefs = refs;
        realFrames = frames;
    }

    /** The template episode with the layout's state names, the frame rate and the task. */
    private static EpisodeRef ref(Layout layout, double fps, String task) {
        FrameColumns columns = switch (layout) {
            case GRIPPER ->
                FrameColumns.of(
                        "observation.state", "action", List.of("x", "y", "z", "roll", "pitch", "yaw", "gripper"));
            case HUMANOID_ONE_HAND, HUMANOID_TWO_HANDS ->
                FrameColumns.of("observation.state", "action", humanoidNames());
            case NO_GRIPPER_NAMES ->
                FrameColumns.of("observation.state", "action", List.of("joint_0", "joint_1", "joint_2", "joint_3"));
            case VIDEO_ONLY -> FrameColumns.none();
        };
        return new EpisodeRef(
                TEMPLATE.dataset(),
                TEMPLATE.datasetRoot(),
                TEMPLATE.format(),
                TEMPLATE.episodeIndex(),
                List.of(task),
                fps,
                TEMPLATE.declaredLength(),
                TEMPLATE.data(),
                columns,
                TEMPLATE.camera(),
                TEMPLATE.video(),
                List.of());
    }

    /** A G1-like 26-dimensional state: two 7-joint arms, then two 6-joint hands. */
    private static List<String> humanoidNames() {
        List<String> names = new ArrayList<>();
        for (String side : List.of("Left", "Right")) {
            for (String joint : List.of(
                    "ShoulderPitch", "ShoulderRoll", "ShoulderYaw", "Elbow", "WristRoll", "WristPitch", "WristYaw")) {
                names.add("k" + side + joint);
            }
        }
        for (String side : List.of("Left", "Right")) {
            for (String finger : List.of("Pinky", "Ring", "Middle", "Index", "ThumbBend", "ThumbRotation")) {
                names.add("k" + side + "Hand" + finger);
            }
        }
        return names;
    }

    private static EpisodeFrames frames(Layout layout, int n, double fps, Motion motion, Hand hand, Random random) {
        long[] index = new long[n];
        double[] timestamp = new double[n];
        double[] flow = new double[n];
        double[] diff = new double[n];
        double[] moving = new double[n];
        double[] gripper = new double[n];
        double[] speed = new double[n];
        float[][] state = new float[n][];
        double[] arm = series(n, motion, random);
        double[] opening = hand(n, hand, random);
        double[] otherHand =
                layout == Layout.HUMANOID_TWO_HANDS ? hand(n, Hand.values()[random.nextInt(8)], random) : null;
        for (int i = 0; i < n; i++) {
            index[i] = i;
            timestamp[i] = i / fps;
            double change = i == 0 ? Double.NaN : Math.abs(arm[i] - arm[i - 1]) * 20 + 0.01 * random.nextDouble();
            flow[i] = change;
            diff[i] = i == 0 ? Double.NaN : change * 5;
            moving[i] = i == 0 ? Double.NaN : Math.min(1, change);
            state[i] = switch (layout) {
                case GRIPPER ->
                    new float[] {
                        (float) arm[i],
                        (float) (arm[i] * 0.5),
                        (float) (0.2 + arm[i] * 0.1),
                        0,
                        0,
                        0,
                        (float) opening[i]
                    };
                case HUMANOID_ONE_HAND, HUMANOID_TWO_HANDS ->
                    humanoid(arm[i], opening[i], otherHand == null ? 0.5 : otherHand[i]);
                case NO_GRIPPER_NAMES -> new float[] {(float) arm[i], (float) -arm[i], 0, 1};
                case VIDEO_ONLY -> null;
            };
            gripper[i] = layout == Layout.GRIPPER || layout == Layout.HUMANOID_ONE_HAND ? opening[i] : Double.NaN;
            speed[i] = i == 0 || state[i] == null ? Double.NaN : Math.abs(arm[i] - arm[i - 1]) * fps;
        }
        return new EpisodeFrames(index, timestamp, flow, diff, moving, gripper, speed, null, state);
    }

    private static float[] humanoid(double arm, double right, double left) {
        float[] state = new float[26];
        for (int j = 0; j < 7; j++) {
            state[j] = (float) (0.1 * j);
            state[7 + j] = (float) (arm * (j + 1) * 0.3);
        }
        for (int f = 0; f < 6; f++) {
            state[14 + f] = (float) left;
            state[20 + f] = (float) (right * (f == 5 ? 0.4 : 1));
        }
        return state;
    }

    private static double[] series(int n, Motion motion, Random random) {
        double[] values = new double[n];
        double walk = 0;
        for (int i = 0; i < n; i++) {
            values[i] = switch (motion) {
                case CONSTANT -> 0.3;
                case NOISY -> 0.3 + 0.01 * random.nextGaussian();
                case MONOTONE -> (double) i / n;
                case RANDOM_WALK -> walk += 0.01 * random.nextGaussian();
                case IDLE_STRETCHES -> (i / 40) % 2 == 0 ? Math.sin(i * 0.05) : Math.sin((i / 40) * 40 * 0.05);
            };
        }
        return values;
    }

    /** Hand opening, higher = more open. */
    private static double[] hand(int n, Hand hand, Random random) {
        double[] values = new double[n];
        int close = random.nextInt(n);
        int open = close + random.nextInt(Math.max(1, n - close));
        for (int i = 0; i < n; i++) {
            values[i] = switch (hand) {
                case NEVER_CLOSES -> 1.0;
                case ALWAYS_CLOSED -> 0.1;
                case CLOSES_AT_FIRST -> i == 0 ? 1.0 : 0.2;
                case CLOSES_AT_LAST -> i == n - 1 ? 0.2 : 1.0;
                case ONE_CYCLE -> i >= close && i < open ? 0.3 : 1.0;
                case HOLDS_TO_THE_END -> i >= close ? 0.3 : 1.0;
                case CYCLES -> (i / Math.max(1, n / 7)) % 2 == 0 ? 1.0 : 0.2 + 0.2 * ((i / Math.max(1, n / 7)) % 3);
                case JITTER -> 0.5 + 0.3 * random.nextDouble();
            };
        }
        return values;
    }
}
