package io.procvlm.core.video.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.core.error.PipelineException;
import io.procvlm.core.testing.TestData;
import io.procvlm.core.testing.generator.VideoEncoder;
import io.procvlm.core.video.VideoInfo;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link FfmpegFrameSource#probe} reads AV1 mp4 headers without opening a decoder; it must return exactly what the full
 * open ({@link FfmpegFrameSource#probeByOpening}) returns, for every video the tests can reach, and fail the same way.
 */
final class TestFfmpegFrameSourceProbe {
    @TempDir
    Path directory;

    @TestFactory
    List<DynamicTest> headerProbeMatchesTheFullOpenOnEveryCommittedVideo() throws IOException {
        List<Path> videos;
        try (Stream<Path> files = Files.walk(TestData.srcTestData(""))) {
            videos = files.filter(file -> file.toString().endsWith(".mp4"))
                    .sorted()
                    .toList();
        }
        // The generated LeRobot v2.0/v2.1/v3.0 datasets (H.264 and AV1, v3.0 files holding several episodes), the
        // AgiBot clips (one of them broken on purpose) and the four codec clips.
        assertThat(videos).hasSizeGreaterThanOrEqualTo(30);
        long av1 = 0;
        for (Path video : videos) {
            if (video.toString().contains("-av1")) {
                av1++;
            }
        }
        assertThat(av1).as("AV1 videos among them").isGreaterThanOrEqualTo(6);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path video : videos) {
            tests.add(DynamicTest.dynamicTest(
                    TestData.srcTestData("").relativize(video).toString(), () -> assertSameInfo(video.toFile())));
        }
        return tests;
    }

    @Test
    void headerProbeMatchesTheFullOpenOnFreshlyEncodedVideos() {
        // Frame rates and sizes the committed clips do not have: NTSC's 30000/1001, odd sizes, 4 frames.
        assertThat(assertSameInfo(encode("av1-ntsc.mp4", 98, 66, 30000.0 / 1001, 7, VideoEncoder.Codec.AV1)))
                .as("read from the headers")
                .isTrue();
        assertThat(assertSameInfo(encode("av1-short.mp4", 64, 64, 30, 4, VideoEncoder.Codec.AV1)))
                .isTrue();
        assertThat(assertSameInfo(encode("av1-25.mp4", 320, 240, 25, 6, VideoEncoder.Codec.AV1)))
                .isTrue();
        assertThat(assertSameInfo(encode("h264-ntsc.mp4", 98, 62, 30000.0 / 1001, 7, VideoEncoder.Codec.H264)))
                .as("other codecs are opened")
                .isFalse();
    }

    @Test
    void headerProbeMatchesTheFullOpenOnEveryMp4Layout() throws IOException {
        // Recorders write mp4 in other layouts than FFmpeg's default (index at the end): fragmented, as crash-safe
        // recorders do (an empty moov, the samples described in moof boxes), and with the index first (faststart). The
        // header read must give what the full open gives, or leave the file to it.
        for (String layout : List.of("frag_keyframe+empty_moov+default_base_moof", "faststart", "frag_every_frame")) {
            File file = directory
                    .resolve("av1-" + layout.replaceAll("[^a-z]+", "-") + ".mp4")
                    .toFile();
            write(
                    new VideoEncoder(
                            file,
                            96,
                            72,
                            30,
                            "libsvtav1",
                            org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P,
                            java.util.Map.of(
                                    "preset", "12", "svtav1-params", "lp=1", VideoEncoder.MUXER + "movflags", layout),
                            "mp4"),
                    file,
                    96,
                    72,
                    9);
            String boxes = new String(Files.readAllBytes(file.toPath()), java.nio.charset.StandardCharsets.ISO_8859_1);
            if (layout.startsWith("frag")) {
                assertThat(boxes).as(layout + ": fragments written").contains("moof");
            } else {
                assertThat(boxes.indexOf("moov")).as(layout + ": index first").isLessThan(boxes.indexOf("mdat"));
            }
            VideoInfo opened = FfmpegFrameSource.probeByOpening(file, 30);
            assertThat(opened.width()).as(layout).isEqualTo(96);
            assertSameInfo(file);
        }
    }

    @Test
    void headerProbeMatchesTheFullOpenOnRealG1Recordings() throws IOException {
        Path folder =
                TestData.sharedTestData("lerobot-v21-g1-pick-bottle/videos/chunk-000/observation.images.cam_high");
        List<Path> videos;
        try (Stream<Path> files = Files.list(folder)) {
            videos = files.filter(file -> file.toString().endsWith(".mp4"))
                    .sorted()
                    .toList();
        }
        assertThat(videos).hasSize(4);
        for (Path video : videos) {
            assertThat(assertSameInfo(video.toFile()))
                    .as("%s is read from its headers", video.getFileName())
                    .isTrue();
        }
        VideoInfo first = FfmpegFrameSource.probe(videos.get(0).toFile(), 30);
        assertThat(first).isEqualTo(new VideoInfo("av1", "libaom-av1", 640, 480, 30.0, 393, 13.1, "yuv420p"));
    }

    @Test
    void unreadableFilesStayUnreadable() throws IOException {
        Path text = directory.resolve("not-a-video.mp4");
        Files.writeString(text, "this is text, not an mp4");
        Path empty = Files.createFile(directory.resolve("empty.mp4"));
        Path absent = directory.resolve("absent.mp4");
        byte[] av1 = Files.readAllBytes(TestData.srcTestData("video/moving-square-av1.mp4"));
        Path truncated = Files.write(directory.resolve("truncated-av1.mp4"), Arrays.copyOf(av1, av1.length / 2));
        Path headOnly = Files.write(directory.resolve("head-only-av1.mp4"), Arrays.copyOf(av1, 64));
        for (Path file : List.of(text, empty, absent, truncated, headOnly)) {
            assertThat(FfmpegFrameSource.probeHeaders(file.toFile())).isNull();
            assertThatThrownBy(() -> FfmpegFrameSource.probe(file.toFile(), 15))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageStartingWith("Cannot open video " + file.getFileName())
                    .extracting(e -> ((PipelineException) e).errorCode().name())
                    .isEqualTo("VIDEO_UNREADABLE");
        }
    }

    @Test
    void headerProbeReleasesTheDemuxer() throws IOException {
        File av1 = TestData.srcTestData("video/moving-square-av1.mp4").toFile();
        Path text = Files.writeString(directory.resolve("not-a-video.mp4"), "this is text, not an mp4");
        for (int i = 0; i < 100; i++) {
            FfmpegFrameSource.probeHeaders(av1);
            FfmpegFrameSource.probeHeaders(text.toFile());
        }
        long before = Pointer.physicalBytes();
        for (int i = 0; i < 2_000; i++) {
            assertThat(FfmpegFrameSource.probeHeaders(av1)).isNotNull();
            assertThat(FfmpegFrameSource.probeHeaders(text.toFile())).isNull();
        }
        // A leaked demuxer (context, 32 KB I/O buffer, mov index) would grow the process by over 60 MB here.
        assertThat(Pointer.physicalBytes() - before).isLessThan(24L << 20);
    }

    /**
     * Asserts that {@code probe} and, when it gives one, the header-only read equal the full open, or that all fail
     * alike; returns whether the headers sufficed.
     */
    private static boolean assertSameInfo(File file) {
        VideoInfo opened;
        try {
            opened = FfmpegFrameSource.probeByOpening(file, 15);
        } catch (PipelineException e) {
            assertThat(e.errorCode().name()).isEqualTo("VIDEO_UNREADABLE");
            assertThat(FfmpegFrameSource.probeHeaders(file)).isNull();
            assertThatThrownBy(() -> FfmpegFrameSource.probe(file, 15))
                    .isInstanceOf(PipelineException.class)
                    .hasMessage(e.getMessage());
            return false;
        }
        VideoInfo headers = FfmpegFrameSource.probeHeaders(file);
        if (headers != null) {
            assertThat(headers).isEqualTo(opened);
        }
        if ("av1".equals(opened.codec()) && "yuv420p".equals(opened.pixelFormat())) {
            assertThat(headers)
                    .as("8-bit 4:2:0 AV1 mp4 is read from its headers")
                    .isNotNull();
        }
        assertThat(FfmpegFrameSource.probe(file, 15)).isEqualTo(opened);
        return headers != null;
    }

    private File encode(String name, int width, int height, double fps, int frames, VideoEncoder.Codec codec) {
        File file = directory.resolve(name).toFile();
        return write(new VideoEncoder(file, width, height, fps, codec), file, width, height, frames);
    }

    /** Writes {@code frames} flat frames of changing colour to {@code file} with {@code encoder}, then closes it. */
    private static File write(VideoEncoder encoder, File file, int width, int height, int frames) {
        try (encoder;
                Mat frame = new Mat(height, width, opencv_core.CV_8UC3)) {
            for (int i = 0; i < frames; i++) {
                try (Scalar colour = new Scalar(20 + 30 * i, 200 - 20 * i, 90, 0)) {
                    frame.put(colour);
                }
                encoder.write(frame);
            }
        }
        return file;
    }
}
