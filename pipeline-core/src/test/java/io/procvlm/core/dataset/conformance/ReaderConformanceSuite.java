package io.procvlm.core.dataset.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.dataset.EpisodeReader;
import io.procvlm.core.dataset.FrameTable;
import io.procvlm.core.dataset.NativeSubtasks;
import io.procvlm.core.dataset.ReaderCapabilities;
import io.procvlm.core.episode.EpisodeInspection;
import io.procvlm.core.episode.EpisodeInspector;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.io.DatasetFiles;
import io.procvlm.core.model.DatasetFormat;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.Problem;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bytedeco.opencv.global.opencv_core;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every dataset reader's test extends: the same checks on a generated sample of each format, with
 * the reader's declared capabilities deciding which run. A subclass names its good sample, what it declares (episodes,
 * frame size, capabilities) and its malformed sample with the reason each bad episode must be quarantined for.
 */
public abstract class ReaderConformanceSuite {
    /** The embedded camera defaults of {@code camera.exo-patterns} / {@code camera.ego-patterns}. */
    protected static final CameraRules RULES = new CameraRules(
            Map.of(),
            List.of("front", "exo", "exterior", "global", "high", "third", "top", "scene"),
            List.of("wrist", "ego", "interior", "hand", "gripper", "eye_in_hand", "depth"));

    /** The outcome of an episode of the malformed sample that passes. */
    protected static final String OK = "OK";

    /** The good generated sample. */
    protected abstract Path dataset();

    /** The format auto-detection must find. */
    protected abstract DatasetFormat format();

    /** What the sample declares: which checks run. Defaults to the reader's own capabilities. */
    protected ReaderCapabilities declared() {
        return DatasetReaders.reader(format()).capabilities();
    }

    /** The episode indices the sample declares, in order. */
    protected abstract List<Long> episodes();

    /** The exo camera key expected to be chosen. */
    protected abstract String exoCamera();

    /** The exo camera's frame size, {width, height}. */
    protected abstract int[] frameSize();

    /** The malformed sample, if any. */
    protected abstract Optional<Path> malformedDataset();

    /** The malformed sample's episodes: index → the reason code it must be quarantined for, or {@link #OK}. */
    protected abstract Map<Long, String> malformedOutcomes();

    /**
     * Whether a number in a file's path that equals an episode's index means the file is that episode's alone (LeRobot
     * v2.x {@code episode_000001}, AgiBot's episode folders); false where files are shared and numbered on their own
     * (LeRobot v3.0 {@code file-000}).
     */
    protected boolean filesNameEpisodes() {
        return true;
    }

    protected DatasetScan scan(Path root) {
        return DatasetReaders.scan(DatasetSpec.ofPath(root.toString()), RULES);
    }

    @Test
    void autoDetectionFindsTheFormatAndTheDeclaredFormatIsAccepted() {
        DatasetScan scan = scan(dataset());
        assertThat(scan.format()).isEqualTo(format());
        DatasetScan declared =
                DatasetReaders.scan(new DatasetSpec(dataset().toString(), format().id(), null, null), RULES);
        assertThat(declared.episodes()).isEqualTo(scan.episodes());
        assertThat(DatasetReaders.knownFormats()).contains(format().id());
    }

    @Test
    void scanFindsTheDeclaredEpisodesInOrderWithTheExoCamera() {
        DatasetScan scan = scan(dataset());
        assertThat(scan.episodes()).extracting(EpisodeRef::episodeIndex).containsExactlyElementsOf(episodes());
        assertThat(scan.camera().key()).isEqualTo(exoCamera());
        assertThat(scan.fps()).isPositive();
        for (EpisodeRef ref : scan.episodes()) {
            assertThat(ref.problems()).as("%s problems", ref.key()).noneMatch(Problem::isError);
            assertThat(ref.format()).isEqualTo(format());
            assertThat(ref.camera().storage().isImages()).isEqualTo(!declared().hasVideo());
            if (declared().hasTaskText()) {
                assertThat(ref.task()).as("%s task", ref.key()).isNotBlank();
            }
            assertThat(ref.columns().hasState()).isEqualTo(declared().hasState());
            assertThat(ref.columns().hasAction()).isEqualTo(declared().hasActions());
        }
    }

    @Test
    void frameTableRowsEqualDecodedFramesWithMonotoneTimestampsInSeconds() {
        DatasetScan scan = scan(dataset());
        DatasetFiles files = DatasetFiles.at(scan.root());
        for (EpisodeRef ref : scan.episodes()) {
            EpisodeReader reader = DatasetReaders.episodeReader(ref.format());
            FrameTable table = reader.readFrames(files, ref);
            assertThat(table.rows()).as("%s rows", ref.key()).isGreaterThan(1);
            assertThat(table.hasStates()).isEqualTo(declared().hasState());
            assertThat(table.hasActions()).isEqualTo(declared().hasActions());
            assertThat(table.timestamp(0)).isEqualTo(0.0);
            for (int i = 1; i < table.rows(); i++) {
                assertThat(table.timestamp(i)).isGreaterThan(table.timestamp(i - 1));
                assertThat(table.frameIndex(i)).isEqualTo(table.frameIndex(i - 1) + 1);
            }
            // seconds, not milliseconds or nanoseconds: the last row lies about rows / fps after the first
            assertThat(table.timestamp(table.rows() - 1))
                    .isCloseTo((table.rows() - 1) / ref.fps(), org.assertj.core.data.Offset.offset(0.5 / ref.fps()));
            if (ref.declaredLength() >= 0) {
                assertThat(ref.declaredLength()).isEqualTo(table.rows());
            }
            int decoded = 0;
            try (FrameSource source = reader.openFrames(files, ref, 1, PixelMode.GRAY)) {
                for (DecodedFrame frame; (frame = source.next()) != null; ) {
                    assertThat(frame.ordinal()).isEqualTo(decoded);
                    assertThat(frame.timestamp())
                            .isCloseTo(table.timestamp(decoded), org.assertj.core.data.Offset.offset(0.25 / ref.fps()));
                    decoded++;
                }
            }
            assertThat(decoded).as("%s decoded frames", ref.key()).isEqualTo(table.rows());
        }
    }

    @Test
    void frameSourceYieldsFramesOfTheDeclaredSizeInGrayAndBgr() {
        DatasetScan scan = scan(dataset());
        DatasetFiles files = DatasetFiles.at(scan.root());
        EpisodeRef ref = scan.episodes().get(0);
        EpisodeReader reader = DatasetReaders.episodeReader(ref.format());
        for (PixelMode mode : PixelMode.values()) {
            try (FrameSource source = mode == PixelMode.GRAY_AND_BGR
                    ? io.procvlm.core.video.FrameSources.openWithColor(
                            reader,
                            files,
                            ref,
                            1,
                            io.procvlm.core.episode.InspectionConfig.defaults().av1Decoder())
                    : reader.openFrames(files, ref, 1, mode)) {
                DecodedFrame frame = source.next();
                assertThat(frame).isNotNull();
                if (mode == PixelMode.GRAY_AND_BGR) {
                    assertThat(frame.color().cols()).isEqualTo(frameSize()[0]);
                    assertThat(frame.color().rows()).isEqualTo(frameSize()[1]);
                    assertThat(frame.color().type()).isEqualTo(opencv_core.CV_8UC3);
                }
                assertThat(frame.image().cols()).isEqualTo(frameSize()[0]);
                assertThat(frame.image().rows()).isEqualTo(frameSize()[1]);
                assertThat(frame.image().type())
                        .isEqualTo(mode == PixelMode.BGR ? opencv_core.CV_8UC3 : opencv_core.CV_8UC1);
                assertThat(source.info().width()).isEqualTo(frameSize()[0]);
                assertThat(opencv_core.countNonZero(frame.image().reshape(1, 0)))
                        .as("not a blank frame")
                        .isGreaterThan(0);
            }
        }
    }

    @Test
    void nativeLabelsCoverTheFramesWhenDeclared() {
        DatasetScan scan = scan(dataset());
        DatasetFiles files = DatasetFiles.at(scan.root());
        for (EpisodeRef ref : scan.episodes()) {
            EpisodeReader reader = DatasetReaders.episodeReader(ref.format());
            Optional<NativeSubtasks> labels = reader.nativeSubtasks(files, ref, "auto");
            if (!declared().hasNativeSubtasks()) {
                assertThat(labels).as("%s ships no labels", ref.key()).isEmpty();
                continue;
            }
            assertThat(labels).as("%s labels", ref.key()).isPresent();
            FrameTable table = reader.readFrames(files, ref);
            assertThat(labels.get().frameIndex()).hasSize(table.rows());
            for (int i = 0; i < table.rows(); i++) {
                assertThat(labels.get().frameIndex()[i]).isEqualTo(table.frameIndex(i));
            }
            long labelled = java.util.Arrays.stream(labels.get().labels())
                    .filter(l -> l != null)
                    .count();
            assertThat(labelled).as("%s labelled frames", ref.key()).isGreaterThan(table.rows() / 2);
            assertThat(reader.nativeSubtasks(files, ref, "no-such-source")).isEmpty();
        }
    }

    @Test
    void goodEpisodesPassTheIndexChecks() {
        EpisodeInspector inspector = new EpisodeInspector(InspectionConfig.defaults());
        for (EpisodeRef ref : scan(dataset()).episodes()) {
            EpisodeInspection inspection = inspector.inspect(ref);
            assertThat(inspection.problems()).as("%s", ref.key()).noneMatch(Problem::isError);
        }
    }

    @Test
    void malformedSamplesAreQuarantinedWithSpecificReasons() {
        assumeThat(malformedDataset()).as("this format has a malformed sample").isPresent();
        DatasetScan scan = scan(malformedDataset().get());
        EpisodeInspector inspector = new EpisodeInspector(InspectionConfig.defaults());
        Map<Long, String> outcomes = new TreeMap<>();
        for (EpisodeRef ref : scan.episodes()) {
            List<Problem> errors = new ArrayList<>();
            for (Problem problem : inspector.inspect(ref).problems()) {
                if (problem.isError()) {
                    errors.add(problem);
                }
            }
            outcomes.put(
                    ref.episodeIndex(), errors.isEmpty() ? OK : errors.get(0).code());
        }
        assertThat(outcomes).isEqualTo(new TreeMap<>(malformedOutcomes()));
    }

    /**
     * Real copies come cut short (an interrupted download or sync). Each file of the good sample in turn cut to half its
     * length and to nothing: the scan fails the dataset with a reason or lists episodes, and every episode's inspection,
     * native labels and feature extraction give reasons. Nothing is {@code INTERNAL} and no unchecked exception
     * escapes, and when the file names exactly one episode (a number in its path equal to that episode's index and to no
     * other's) the other episodes pass as before: one damaged episode costs no other. (Of many same-kind files, such
     * as an image sequence's frames, the first three stand for the rest.)
     */
    @Test
    void everyFileCutShortGivesReasonsNeverInternal(@org.junit.jupiter.api.io.TempDir Path work) throws Exception {
        List<Path> files = new ArrayList<>();
        Map<String, Integer> perKind = new TreeMap<>();
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(dataset())) {
            for (Path file :
                    walk.filter(java.nio.file.Files::isRegularFile).sorted().toList()) {
                String name = file.getFileName().toString();
                String kind = name.contains(".") ? name.substring(name.lastIndexOf('.')) : name;
                if (perKind.merge(kind, 1, Integer::sum) <= 3 || !kind.matches("\\.(jpg|jpeg|png)")) {
                    files.add(dataset().relativize(file));
                }
            }
        }
        EpisodeInspector inspector = new EpisodeInspector(InspectionConfig.defaults());
        io.procvlm.core.episode.EpisodeFeatureExtractor extractor = new io.procvlm.core.episode.EpisodeFeatureExtractor(
                InspectionConfig.defaults(), io.procvlm.core.features.FeaturesConfig.defaults());
        int trial = 0;
        List<String> internal = new ArrayList<>();
        for (Path file : files) {
            for (double fraction : new double[] {0.5, 0.0}) {
                Path copy = work.resolve("cut-" + trial++);
                copyTree(dataset(), copy);
                io.procvlm.core.testing.DatasetSurgery.truncate(copy.resolve(file.toString()), fraction);
                String what = file + " cut to " + fraction;
                DatasetScan scan;
                try {
                    scan = scan(copy);
                } catch (io.procvlm.core.error.PipelineException e) {
                    if (e.errorCode().name().equals("INTERNAL")) {
                        internal.add(what + ": scan: " + e.getMessage());
                    }
                    continue;
                } catch (RuntimeException e) {
                    internal.add(what + ": scan threw " + e);
                    continue;
                }
                DatasetFiles datasetFiles = DatasetFiles.at(scan.root());
                java.util.Set<Long> named = new java.util.TreeSet<>();
                java.util.regex.Matcher number =
                        java.util.regex.Pattern.compile("\\d+").matcher(filesNameEpisodes() ? file.toString() : "");
                while (number.find()) {
                    String digits = number.group();
                    for (EpisodeRef ref : scan.episodes()) {
                        if (digits.length() < 19 && Long.parseLong(digits) == ref.episodeIndex()) {
                            named.add(ref.episodeIndex());
                        }
                    }
                }
                for (EpisodeRef ref : scan.episodes()) {
                    List<Problem> problems =
                            new ArrayList<>(inspector.inspect(ref).problems());
                    problems.addAll(extractor.extract(ref).problems());
                    try {
                        DatasetReaders.episodeReader(ref.format()).nativeSubtasks(datasetFiles, ref, "auto");
                    } catch (io.procvlm.core.error.PipelineException e) {
                        problems.add(Problem.error(e.errorCode().name(), e.getMessage()));
                    } catch (RuntimeException e) {
                        internal.add(what + ": native labels of " + ref.key() + " threw " + e);
                    }
                    for (Problem problem : problems) {
                        if (problem.code().equals("INTERNAL")) {
                            internal.add(what + ": " + ref.key() + ": " + problem.message());
                        } else if (problem.isError() && named.size() == 1 && !named.contains(ref.episodeIndex())) {
                            internal.add(what + " (a file of episode " + named + ") cost " + ref.key() + ": "
                                    + problem.code() + " " + problem.message());
                        }
                    }
                }
            }
        }
        assertThat(trial).isGreaterThanOrEqualTo(4);
        assertThat(internal)
                .as("failures that are not reasons, or that reach another episode")
                .isEmpty();
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (java.util.stream.Stream<Path> walk = java.nio.file.Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (java.nio.file.Files.isDirectory(source)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(source, target);
                }
            }
        }
    }

    @Test
    void scanIsDeterministic() {
        DatasetScan first = scan(dataset());
        DatasetScan second = scan(dataset());
        assertThat(second.snapshot()).isEqualTo(first.snapshot()).hasSize(64);
        assertThat(second.episodes()).isEqualTo(first.episodes());
        assertThat(second.camera()).isEqualTo(first.camera());
        assertThat(second.problems()).isEqualTo(first.problems());
    }
}
