package io.procvlm.core.video.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.features.VisualChange;
import io.procvlm.core.features.VisualChangeExtractor;
import io.procvlm.core.testing.TestData;
import io.procvlm.core.video.Av1Decoder;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import io.procvlm.core.video.VideoInfo;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dav1d subprocess path against JavaCV's libaom path: the same frames at the same timestamps, pixels and features
 * within measured bounds, and no ffmpeg process left behind after close or a failure.
 */
final class TestDav1dFrameSource {
    @TempDir
    Path directory;

    private static void assumeDav1d() {
        assumeTrue(
                Dav1dFrameSource.available(Dav1dFrameSource.ffmpeg()),
                "Skipped: no ffmpeg with libdav1d on this host (apt-get install ffmpeg libdav1d6)");
    }

    private static File generatedV21(int episode) {
        return TestData.srcTestData(String.format(
                        Locale.ROOT,
                        "lerobot/lerobot-v21-pick-place-av1/videos/chunk-000/observation.images.front/episode_%06d.mp4",
                        episode))
                .toFile();
    }

    @Test
    void generatedAv1EpisodesMatchLibaom() {
        assumeDav1d();
        for (int episode = 0; episode < 3; episode++) {
            Comparison result = compare(generatedV21(episode), 0, Double.NaN);
            System.out.println("dav1d vs libaom, generated episode " + episode + ": " + result);
            result.assertWithinBounds();
        }
    }

    @Test
    void rangesOfAMultiEpisodeFileMatchLibaom() {
        assumeDav1d();
        File file = TestData.srcTestData(
                        "lerobot/lerobot-v30-pick-place-av1/videos/observation.images.front/chunk-000/file-000.mp4")
                .toFile();
        VideoInfo info = FfmpegFrameSource.probe(file, 15);
        double third = info.durationSeconds() / 3;
        Comparison middle = compare(file, third, 2 * third);
        assertThat(middle.frames).isGreaterThan(2);
        middle.assertWithinBounds();
        Comparison tail = compare(file, 2 * third, Double.NaN);
        assertThat(tail.frames).isGreaterThan(2);
        tail.assertWithinBounds();
    }

    @Test
    void realG1EpisodesMatchLibaom() throws IOException {
        assumeDav1d();
        Path videos = TestData.sharedTestData("lerobot-v21-g1-pick-bottle/videos");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(videos)) {
            files = walk.filter(p -> p.toString().endsWith(".mp4")).sorted().toList();
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            Comparison result = compare(file.toFile(), 0, Double.NaN);
            System.out.println("dav1d vs libaom, " + file.getFileName() + ": " + result);
            result.assertWithinBounds();
        }
    }

    @Test
    void closeMidStreamLeavesNoProcess() {
        assumeDav1d();
        File file = generatedV21(0);
        Dav1dFrameSource source = Dav1dFrameSource.start(
                Dav1dFrameSource.ffmpeg(), file, 0, Double.NaN, 1, FfmpegFrameSource.probe(file, 15));
        ProcessHandle process = source.processHandle();
        assertThat(source.next()).isNotNull();
        assertThat(process.isAlive()).as("ffmpeg runs while frames are read").isTrue();
        source.close();
        assertThat(process.isAlive()).isFalse();
        assertThat(ProcessHandle.current().children().filter(p -> p.pid() == process.pid()))
                .as("reaped, not a zombie child")
                .isEmpty();
        assertThat(source.next()).isNull();
        source.close(); // idempotent
    }

    @Test
    void undecodableFileFailsWithACodeAndLeavesNoProcess() throws IOException {
        assumeDav1d();
        File good = generatedV21(0);
        Path bad = directory.resolve("bad.mp4");
        Files.write(bad, new byte[4096]);
        Dav1dFrameSource source = Dav1dFrameSource.start(
                Dav1dFrameSource.ffmpeg(), bad.toFile(), 0, Double.NaN, 1, FfmpegFrameSource.probe(good, 15));
        ProcessHandle process = source.processHandle();
        try (source) {
            assertThatThrownBy(source::next)
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("bad.mp4")
                    .satisfies(e -> assertThat(((PipelineException) e).errorCode())
                            .isEqualTo(CoreErrorCode.VIDEO_DECODE_FAILED.toErrorCode()));
        }
        assertThat(process.isAlive()).isFalse();
        assertThat(ProcessHandle.current().children().filter(p -> p.pid() == process.pid()))
                .isEmpty();
    }

    @Test
    void autoFallsBackToLibaomAndDav1dFailsWhenFfmpegIsAbsent() {
        String previous = System.getProperty(Dav1dFrameSource.FFMPEG_PROPERTY);
        System.setProperty(
                Dav1dFrameSource.FFMPEG_PROPERTY,
                directory.resolve("no-such-ffmpeg").toString());
        try {
            File file = generatedV21(0);
            try (FrameSource source =
                    Dav1dFrameSource.open(file, 0, Double.NaN, 1, 15, PixelMode.GRAY, Av1Decoder.AUTO)) {
                assertThat(source).isInstanceOf(FfmpegFrameSource.class);
                assertThat(source.next()).isNotNull();
            }
            assertThatThrownBy(
                            () -> Dav1dFrameSource.open(file, 0, Double.NaN, 1, 15, PixelMode.GRAY, Av1Decoder.DAV1D))
                    .isInstanceOf(PipelineException.class)
                    .satisfies(e -> assertThat(((PipelineException) e).errorCode())
                            .isEqualTo(CoreErrorCode.DAV1D_UNAVAILABLE.toErrorCode()));
        } finally {
            if (previous == null) {
                System.clearProperty(Dav1dFrameSource.FFMPEG_PROPERTY);
            } else {
                System.setProperty(Dav1dFrameSource.FFMPEG_PROPERTY, previous);
            }
        }
    }

    @Test
    void otherCodecsAndColourStayInTheJvm() {
        File h264 = TestData.srcTestData(
                        "lerobot/lerobot-v20-pick-place-h264/videos/chunk-000/observation.images.front/episode_000000.mp4")
                .toFile();
        try (FrameSource source = Dav1dFrameSource.open(h264, 0, Double.NaN, 1, 15, PixelMode.GRAY, Av1Decoder.DAV1D)) {
            assertThat(source).isInstanceOf(FfmpegFrameSource.class);
        }
        try (FrameSource source =
                Dav1dFrameSource.open(generatedV21(0), 0, Double.NaN, 1, 15, PixelMode.BGR, Av1Decoder.DAV1D)) {
            assertThat(source).isInstanceOf(FfmpegFrameSource.class);
        }
    }

    /** Decodes a range with both decoders side by side and measures how far they differ. */
    private static Comparison compare(File file, double from, double to) {
        VideoInfo probed = FfmpegFrameSource.probe(file, 15);
        Comparison result = new Comparison();
        try (FfmpegFrameSource libaom = FfmpegFrameSource.open(file, from, to, 1, 15);
                Dav1dFrameSource dav1d = Dav1dFrameSource.start(Dav1dFrameSource.ffmpeg(), file, from, to, 1, probed);
                VisualChangeExtractor featuresA = new VisualChangeExtractor(FeaturesConfig.defaults());
                VisualChangeExtractor featuresD = new VisualChangeExtractor(FeaturesConfig.defaults());
                Mat difference = new Mat()) {
            assertThat(dav1d.info().decoder()).isEqualTo("libdav1d");
            List<Double> timesA = new ArrayList<>();
            List<Double> timesD = new ArrayList<>();
            while (true) {
                DecodedFrame a = libaom.next();
                DecodedFrame d = dav1d.next();
                if (a == null || d == null) {
                    assertThat(d).as("dav1d ends with libaom").isNull();
                    assertThat(a).as("libaom ends with dav1d").isNull();
                    break;
                }
                timesA.add(a.timestamp());
                timesD.add(d.timestamp());
                assertThat(d.ordinal()).isEqualTo(a.ordinal());
                org.bytedeco.opencv.global.opencv_core.absdiff(a.image(), d.image(), difference);
                double[] max = new double[1];
                org.bytedeco.opencv.global.opencv_core.minMaxLoc(difference, null, max, null, null, null);
                result.maxPixel = Math.max(result.maxPixel, max[0]);
                result.meanPixelSum +=
                        org.bytedeco.opencv.global.opencv_core.mean(difference).get(0);
                VisualChange ca = featuresA.next(a.image());
                VisualChange cd = featuresD.next(d.image());
                result.addFeatures(ca, cd);
                result.frames++;
            }
            assertThat(timesD).as("timestamps, exactly").isEqualTo(timesA);
        }
        return result;
    }

    private static final class Comparison {
        int frames;
        double maxPixel;
        double meanPixelSum;
        double maxDiffChange;
        double diffChangeSum;
        double maxFlowChange;
        double flowChangeSum;

        void addFeatures(VisualChange a, VisualChange d) {
            double diff = Math.abs(a.frameDiff() - d.frameDiff());
            double flow = Math.abs(a.flowMagnitude() - d.flowMagnitude());
            if (Double.isFinite(diff)) {
                maxDiffChange = Math.max(maxDiffChange, diff);
                diffChangeSum += diff;
            }
            if (Double.isFinite(flow)) {
                maxFlowChange = Math.max(maxFlowChange, flow);
                flowChangeSum += flow;
            }
        }

        double meanPixel() {
            return frames == 0 ? 0 : meanPixelSum / frames;
        }

        /**
         * AV1 decoding is bit-exact by the standard, and both paths expand limited-range luma the same way: measured
         * identical on every clip (max 0). One grey level is allowed for a rounding difference of another swscale.
         */
        void assertWithinBounds() {
            assertThat(frames).isPositive();
            assertThat(maxPixel).as(toString()).isLessThanOrEqualTo(1.0);
            assertThat(maxDiffChange).as(toString()).isLessThan(0.01);
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "%d frames, pixel |diff| max %.0f mean %.3f; frame_diff change max %.4f mean %.4f;"
                            + " flow change max %.4f mean %.4f",
                    frames,
                    maxPixel,
                    meanPixel(),
                    maxDiffChange,
                    frames == 0 ? 0 : diffChangeSum / frames,
                    maxFlowChange,
                    frames == 0 ? 0 : flowChangeSum / frames);
        }
    }
}
