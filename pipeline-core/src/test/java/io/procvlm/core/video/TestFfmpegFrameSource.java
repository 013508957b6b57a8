package io.procvlm.core.video;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.TestData;
import io.procvlm.core.video.ffmpeg.FfmpegFrameSource;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/** In-JVM decode of every codec we promise, streaming and seeking, on committed clips. */
final class TestFfmpegFrameSource {
    /** The committed clips of every codec we promise (160x120, yuv420p, 30 frames at 15 fps). */
    private static final List<String> CLIPS = List.of(
            "moving-square-av1.mp4", "moving-square-h264.mp4", "moving-square-hevc.mp4", "moving-square-mpeg4.mp4");

    @TempDir
    Path directory;

    @TestFactory
    List<DynamicTest> decodesEveryCodec() throws IOException {
        Path folder = TestData.srcTestData("video");
        JsonNode expected =
                new ObjectMapper().readTree(folder.resolve("expected.json").toFile());
        List<DynamicTest> tests = new ArrayList<>();
        List<String> codecs = new ArrayList<>();
        for (JsonNode clip : expected.get("clips")) {
            codecs.add(clip.get("codec").asText());
            tests.add(DynamicTest.dynamicTest(clip.get("codec").asText(), () -> {
                File file = folder.resolve(clip.get("file").asText()).toFile();
                try (FfmpegFrameSource source = FfmpegFrameSource.open(file, 0, Double.NaN, 1, 15)) {
                    VideoInfo info = source.info();
                    assertThat(info.codec()).isEqualTo(clip.get("codec").asText());
                    assertThat(info.width()).isEqualTo(160);
                    assertThat(info.height()).isEqualTo(120);
                    assertThat(info.frameRate()).isEqualTo(15.0);
                    assertThat(info.frameCount()).isEqualTo(30);
                    assertThat(info.pixelFormat()).isEqualTo("yuv420p");
                    assertThat(source.readsLumaPlane())
                            .as("no swscale pass for yuv420p")
                            .isTrue();
                    int frames = 0;
                    double previousMean = -1;
                    boolean changes = false;
                    for (DecodedFrame frame; (frame = source.next()) != null; frames++) {
                        assertThat(frame.ordinal()).isEqualTo(frames);
                        assertThat(frame.timestamp()).isCloseTo(frames / 15.0, offset(1e-4));
                        assertThat(frame.image().cols()).isEqualTo(160);
                        assertThat(frame.image().rows()).isEqualTo(120);
                        double mean = org.bytedeco
                                .opencv
                                .global
                                .opencv_core
                                .mean(frame.image())
                                .get(0);
                        assertThat(mean).isBetween(60.0, 230.0);
                        changes |= previousMean >= 0 && Math.abs(mean - previousMean) > 0.01;
                        previousMean = mean;
                    }
                    assertThat(frames).isEqualTo(30);
                    assertThat(changes).as("the square moves").isTrue();
                    assertThat(source.next()).isNull();
                }
            }));
        }
        assertThat(codecs).contains("h264", "av1", "mpeg4", "hevc");
        return tests;
    }

    @Test
    void seeksToAnEpisodeInsideAShard() {
        // v3.0 dataset: file-000.mp4 holds episodes 0..2 back to back; episode 1 starts at a non-zero time.
        Path shard = GeneratedDatasets.path(GeneratedDatasets.V30_AV1)
                .resolve("videos/observation.images.front/chunk-000/file-000.mp4");
        List<Double> whole = new ArrayList<>();
        try (FfmpegFrameSource source = FfmpegFrameSource.open(shard.toFile(), 0, Double.NaN, 1, 15)) {
            for (DecodedFrame frame; (frame = source.next()) != null; ) {
                whole.add(org.bytedeco
                        .opencv
                        .global
                        .opencv_core
                        .mean(frame.image())
                        .get(0));
            }
        }
        int from = 135;
        int to = 135 + 100;
        try (FfmpegFrameSource source = FfmpegFrameSource.open(shard.toFile(), from / 15.0, to / 15.0, 1, 15)) {
            int frames = 0;
            for (DecodedFrame frame; (frame = source.next()) != null; frames++) {
                assertThat(frame.timestamp()).isCloseTo(frames / 15.0, offset(1e-4));
                assertThat(org.bytedeco
                                .opencv
                                .global
                                .opencv_core
                                .mean(frame.image())
                                .get(0))
                        .as("frame %d after the seek is the shard's frame %d", frames, from + frames)
                        .isEqualTo(whole.get(from + frames));
            }
            assertThat(frames).isEqualTo(to - from);
        }
    }

    @TestFactory
    List<DynamicTest> grayAndBgrFromOneDecodeAreExactlyWhatEachModeGives() throws IOException {
        // The features stage encodes the ProcVQA JPEGs from the frames it decodes for its features: the colour frame
        // must be the very pixels a BGR source gives (what vqa decoded until now), and the luma those of a GRAY one.
        Path folder = TestData.srcTestData("video");
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : CLIPS) {
            tests.add(DynamicTest.dynamicTest(name, () -> {
                File file = folder.resolve(name).toFile();
                assertSameFrames(file, 0, Double.NaN);
                assertSameFrames(file, 0.5, 1.5);
            }));
        }
        return tests;
    }

    private static void assertSameFrames(File file, double from, double to) {
        try (FfmpegFrameSource both = FfmpegFrameSource.open(file, from, to, 1, 15, PixelMode.GRAY_AND_BGR);
                FfmpegFrameSource gray = FfmpegFrameSource.open(file, from, to, 1, 15, PixelMode.GRAY);
                FfmpegFrameSource bgr = FfmpegFrameSource.open(file, from, to, 1, 15, PixelMode.BGR)) {
            int frames = 0;
            for (DecodedFrame frame; (frame = both.next()) != null; frames++) {
                DecodedFrame luma = gray.next();
                DecodedFrame colour = bgr.next();
                assertThat(frame.timestamp()).isEqualTo(luma.timestamp()).isEqualTo(colour.timestamp());
                assertThat(frame.color().channels()).isEqualTo(3);
                assertThat(differentPixels(frame.image(), luma.image()))
                        .as("luma %d", frames)
                        .isZero();
                assertThat(differentPixels(frame.color(), colour.image()))
                        .as("bgr %d", frames)
                        .isZero();
            }
            assertThat(gray.next()).isNull();
            assertThat(bgr.next()).isNull();
            assertThat(frames).isGreaterThan(10);
        }
        if (from == 0) {
            // BGR converts the decoder's frame itself: the very pixels of JavaCV's own COLOR mode
            try (FfmpegFrameSource bgr = FfmpegFrameSource.open(file, 0, Double.NaN, 1, 15, PixelMode.BGR);
                    org.bytedeco.javacv.FFmpegFrameGrabber grabber = new org.bytedeco.javacv.FFmpegFrameGrabber(file);
                    org.bytedeco.javacv.OpenCVFrameConverter.ToMat converter =
                            new org.bytedeco.javacv.OpenCVFrameConverter.ToMat()) {
                grabber.setImageMode(org.bytedeco.javacv.FrameGrabber.ImageMode.COLOR);
                grabber.setVideoOption("threads", "1");
                grabber.start();
                int frames = 0;
                for (DecodedFrame frame; (frame = bgr.next()) != null; frames++) {
                    assertThat(differentPixels(frame.image(), converter.convert(grabber.grabImage())))
                            .as("BGR against JavaCV's COLOR mode, frame %d", frames)
                            .isZero();
                }
                assertThat(grabber.grabImage()).isNull();
            } catch (org.bytedeco.javacv.FrameGrabber.Exception e) {
                throw new AssertionError(e);
            }
        }
    }

    @TestFactory
    List<DynamicTest> colourAtTheStoredSizeComesFromTheDecodersPixels() throws IOException {
        // The features stage stores each frame's JPEG at vqa.image.max-side: colorAt converts and scales the decoder's
        // own frame in one step instead of converting at full size and resizing. It must look like the resized BGR
        // frame, be the same in every colour mode and every time, and exist only where the decoder's frame is kept.
        Path folder = TestData.srcTestData("video");
        List<DynamicTest> tests = new ArrayList<>();
        for (String name : CLIPS) {
            for (int[] size : new int[][] {{120, 90}, {81, 61}, {320, 240}}) {
                tests.add(DynamicTest.dynamicTest(name + " at " + size[0] + "x" + size[1], () -> {
                    assertScaledColour(folder.resolve(name).toFile(), size[0], size[1], Av1Decoder.LIBAOM);
                }));
            }
        }
        return tests;
    }

    /** The same on the real AV1 640x480 recordings, at the default stored size, with each AV1 decoder. */
    @TestFactory
    List<DynamicTest> colourAtTheStoredSizeOnRealRecordings() throws IOException {
        Path videos =
                TestData.sharedTestData("lerobot-v21-g1-pick-bottle/videos/chunk-000/observation.images.cam_high");
        List<DynamicTest> tests = new ArrayList<>();
        try (var files = Files.list(videos)) {
            for (Path file : files.sorted().limit(2).toList()) {
                for (Av1Decoder decoder : List.of(Av1Decoder.LIBAOM, Av1Decoder.AUTO)) {
                    tests.add(DynamicTest.dynamicTest(file.getFileName() + " " + decoder, () -> {
                        assertScaledColour(file.toFile(), 480, 360, decoder);
                    }));
                }
            }
        }
        return tests;
    }

    private static void assertScaledColour(File file, int width, int height, Av1Decoder decoder) {
        try (FfmpegFrameSource both =
                        FfmpegFrameSource.open(file, 0, Double.NaN, 1, 15, PixelMode.GRAY_AND_BGR, decoder);
                FfmpegFrameSource bgr = FfmpegFrameSource.open(file, 0, Double.NaN, 1, 15, PixelMode.BGR, decoder);
                FfmpegFrameSource gray = FfmpegFrameSource.open(file, 0, Double.NaN, 1, 15, PixelMode.GRAY, decoder);
                FfmpegFrameSource reference =
                        FfmpegFrameSource.open(file, 0, Double.NaN, 1, 15, PixelMode.BGR, Av1Decoder.LIBAOM);
                org.bytedeco.opencv.opencv_core.Mat resized = new org.bytedeco.opencv.opencv_core.Mat();
                org.bytedeco.opencv.opencv_core.Mat difference = new org.bytedeco.opencv.opencv_core.Mat()) {
            int frames = 0;
            double worstMean = 0;
            for (DecodedFrame frame; (frame = both.next()) != null; frames++) {
                bgr.next();
                gray.next();
                reference.next();
                org.bytedeco.opencv.opencv_core.Mat scaled = both.colorAt(width, height);
                assertThat(scaled.cols()).isEqualTo(width);
                assertThat(scaled.rows()).isEqualTo(height);
                assertThat(scaled.channels()).isEqualTo(3);
                assertThat(differentPixels(scaled, bgr.colorAt(width, height)))
                        .as("GRAY_AND_BGR and BGR, frame %d", frames)
                        .isZero();
                assertThat(differentPixels(scaled, reference.colorAt(width, height)))
                        .as("%s and libaom, frame %d", decoder, frames)
                        .isZero();
                assertThat(gray.colorAt(width, height))
                        .as("GRAY keeps no colour")
                        .isNull();
                org.bytedeco.opencv.global.opencv_imgproc.resize(
                        frame.color(),
                        resized,
                        new org.bytedeco.opencv.opencv_core.Size(width, height),
                        0,
                        0,
                        width < frame.color().cols()
                                ? org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA
                                : org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR);
                org.bytedeco.opencv.global.opencv_core.absdiff(scaled, resized, difference);
                double mean = org.bytedeco
                                .opencv
                                .global
                                .opencv_core
                                .sumElems(difference)
                                .get(0)
                        / ((double) width * height);
                worstMean = Math.max(worstMean, mean);
            }
            assertThat(frames).isGreaterThan(10);
            // a few levels of rounding and filter difference on average, nothing like a shifted or mis-planed image
            assertThat(worstMean)
                    .as("mean absolute difference to the resized BGR frame")
                    .isLessThan(3.0);
            assertThat(both.colorAt(width, height)).as("after the last frame").isNull();
        }
    }

    private static int differentPixels(org.bytedeco.opencv.opencv_core.Mat a, org.bytedeco.opencv.opencv_core.Mat b) {
        assertThat(a.cols()).isEqualTo(b.cols());
        assertThat(a.rows()).isEqualTo(b.rows());
        assertThat(a.channels()).isEqualTo(b.channels());
        try (org.bytedeco.opencv.opencv_core.Mat difference = new org.bytedeco.opencv.opencv_core.Mat()) {
            org.bytedeco.opencv.global.opencv_core.absdiff(a, b, difference);
            return org.bytedeco.opencv.global.opencv_core.countNonZero(difference.reshape(1));
        }
    }

    @Test
    void lumaPlaneMatchesSwscaleGray() throws Exception {
        // The source reads the decoder's luma plane and expands tv range itself; swscale's gray output is the check.
        File file = TestData.srcTestData("video/moving-square-av1.mp4").toFile();
        try (FfmpegFrameSource source = FfmpegFrameSource.open(file, 0, Double.NaN, 1, 15);
                org.bytedeco.javacv.FFmpegFrameGrabber grabber = new org.bytedeco.javacv.FFmpegFrameGrabber(file);
                org.bytedeco.javacv.OpenCVFrameConverter.ToMat converter =
                        new org.bytedeco.javacv.OpenCVFrameConverter.ToMat();
                org.bytedeco.opencv.opencv_core.Mat difference = new org.bytedeco.opencv.opencv_core.Mat()) {
            grabber.setImageMode(org.bytedeco.javacv.FrameGrabber.ImageMode.GRAY);
            grabber.start();
            for (DecodedFrame frame; (frame = source.next()) != null; ) {
                org.bytedeco.opencv.opencv_core.Mat reference = converter.convert(grabber.grabImage());
                org.bytedeco.opencv.global.opencv_core.absdiff(frame.image(), reference, difference);
                double[] max = new double[1];
                org.bytedeco.opencv.global.opencv_core.minMaxLoc(difference, null, max, null, null, null);
                assertThat(max[0]).as("frame %d", frame.ordinal()).isLessThanOrEqualTo(2.0);
                assertThat(org.bytedeco
                                .opencv
                                .global
                                .opencv_core
                                .mean(difference)
                                .get(0))
                        .isLessThan(1.0);
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"96, 72", "128, 96", "100, 74"})
    void colourFramesHaveThreeChannelsWhateverTheWidth(
            int width, int height, @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        File clip = dir.resolve("clip.mp4").toFile();
        try (io.procvlm.core.testing.generator.VideoEncoder encoder =
                        new io.procvlm.core.testing.generator.VideoEncoder(
                                clip, width, height, 15, io.procvlm.core.testing.generator.VideoEncoder.Codec.H264);
                org.bytedeco.opencv.opencv_core.Mat frame = new org.bytedeco.opencv.opencv_core.Mat(
                        height,
                        width,
                        org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                        new org.bytedeco.opencv.opencv_core.Scalar(200, 100, 30, 0))) {
            for (int i = 0; i < 5; i++) {
                encoder.write(frame);
            }
        }
        try (FfmpegFrameSource source =
                FfmpegFrameSource.open(clip, 0, Double.NaN, 1, 15, io.procvlm.core.video.PixelMode.BGR)) {
            int frames = 0;
            for (DecodedFrame decoded; (decoded = source.next()) != null; frames++) {
                assertThat(decoded.image().channels()).isEqualTo(3);
                assertThat(decoded.image().cols()).isEqualTo(width);
                assertThat(decoded.image().rows()).isEqualTo(height);
                org.bytedeco.opencv.opencv_core.Scalar mean =
                        org.bytedeco.opencv.global.opencv_core.mean(decoded.image());
                assertThat(mean.get(0)).isCloseTo(200, offset(12.0));
                assertThat(mean.get(1)).isCloseTo(100, offset(12.0));
                assertThat(mean.get(2)).isCloseTo(30, offset(12.0));
            }
            assertThat(frames).isEqualTo(5);
        }
    }

    @Test
    void closingTwiceIsSafeInEveryMode() {
        // vqa closes an episode's images when it is done and again from the task-completion listener: a colour
        // source holds swscale contexts that a second close must not free again (it aborted the JVM).
        File file = TestData.srcTestData("video/moving-square-av1.mp4").toFile();
        for (PixelMode mode : PixelMode.values()) {
            for (Av1Decoder decoder : List.of(Av1Decoder.LIBAOM, Av1Decoder.AUTO)) {
                FfmpegFrameSource source = FfmpegFrameSource.open(file, 0, Double.NaN, 1, 15, mode, decoder);
                for (int i = 0; i < 3; i++) {
                    assertThat(source.next()).isNotNull();
                    source.colorAt(80, 60);
                }
                source.close();
                source.close();
                assertThat(source.colorAt(80, 60)).isNull();
            }
        }
    }

    @Test
    void unreadableFilesFailWithACode() throws IOException {
        Path notAVideo = directory.resolve("not-a-video.mp4");
        Files.writeString(notAVideo, "this is text, not an mp4");
        assertThatThrownBy(() -> FfmpegFrameSource.open(notAVideo.toFile(), 0, Double.NaN, 1, 15))
                .isInstanceOf(PipelineException.class)
                .hasMessageStartingWith("Cannot open video not-a-video.mp4")
                .extracting(e -> ((PipelineException) e).errorCode().name())
                .isEqualTo("VIDEO_UNREADABLE");
        assertThatThrownBy(() ->
                        FfmpegFrameSource.open(directory.resolve("absent.mp4").toFile(), 0, Double.NaN, 1, 15))
                .isInstanceOf(PipelineException.class);
    }
}
