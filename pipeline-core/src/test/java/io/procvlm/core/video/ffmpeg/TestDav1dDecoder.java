package io.procvlm.core.video.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.bytedeco.opencv.global.opencv_core.absdiff;
import static org.bytedeco.opencv.global.opencv_core.minMaxLoc;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.procvlm.core.error.CoreErrorCode;
import io.procvlm.core.error.PipelineException;
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
 * The in-process libdav1d path against JavaCV's libaom path: the same frames, timestamps and pixels (AV1 decoding is
 * bit-exact, both paths share the luma and swscale code: difference 0), in every pixel mode and for ranges, the
 * fallback without libdav1d, and flat memory over many decodes.
 */
final class TestDav1dDecoder {
    @TempDir
    Path directory;

    private static void assumeDav1d() {
        Dav1dLibrary.Loading loading = Dav1dLibrary.load();
        assumeTrue(
                loading.library().isPresent(),
                "Skipped: libdav1d unusable on this host (apt-get install libdav1d6): " + loading.problem());
    }

    private static File generatedV21(int episode) {
        return TestData.srcTestData(String.format(
                        Locale.ROOT,
                        "lerobot/lerobot-v21-pick-place-av1/videos/chunk-000/observation.images.front/episode_%06d.mp4",
                        episode))
                .toFile();
    }

    private static File generatedV30() {
        return TestData.srcTestData(
                        "lerobot/lerobot-v30-pick-place-av1/videos/observation.images.front/chunk-000/file-000.mp4")
                .toFile();
    }

    @Test
    void loadsTheApiItsStructsBelongTo() {
        assumeDav1d();
        Dav1dLibrary library = Dav1dLibrary.load().library().orElseThrow();
        assertThat(library.version()).startsWith("1.");
        assertThat(library.name()).isEqualTo(System.getProperty(Dav1dLibrary.PROPERTY, Dav1dLibrary.DEFAULT_LIBRARY));
    }

    @Test
    void generatedAv1EpisodesMatchLibaomInEveryPixelMode() {
        assumeDav1d();
        for (int episode = 0; episode < 3; episode++) {
            for (PixelMode mode : PixelMode.values()) {
                Comparison result = compare(generatedV21(episode), 0, Double.NaN, mode);
                System.out.println("dav1d vs libaom, generated episode " + episode + " " + mode + ": " + result);
                result.assertIdentical();
            }
        }
    }

    @Test
    void severalDav1dThreadsGiveTheSameFrames() {
        assumeDav1d();
        for (int threads : new int[] {2, 0}) {
            compare(generatedV21(1), 0, Double.NaN, PixelMode.GRAY_AND_BGR, threads)
                    .assertIdentical();
            VideoInfo info = FfmpegFrameSource.probe(generatedV30(), 15);
            compare(generatedV30(), info.durationSeconds() / 2, Double.NaN, PixelMode.GRAY, threads)
                    .assertIdentical();
        }
    }

    @Test
    void rangesOfAMultiEpisodeFileMatchLibaom() {
        assumeDav1d();
        File file = generatedV30();
        VideoInfo info = FfmpegFrameSource.probe(file, 15);
        double third = info.durationSeconds() / 3;
        for (PixelMode mode : List.of(PixelMode.GRAY, PixelMode.GRAY_AND_BGR)) {
            Comparison middle = compare(file, third, 2 * third, mode);
            assertThat(middle.frames).isGreaterThan(2);
            middle.assertIdentical();
            Comparison tail = compare(file, 2 * third, Double.NaN, mode);
            assertThat(tail.frames).isGreaterThan(2);
            tail.assertIdentical();
        }
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
            Comparison result = compare(file.toFile(), 0, Double.NaN, PixelMode.GRAY);
            System.out.println("dav1d vs libaom, " + file.getFileName() + ": " + result);
            result.assertIdentical();
        }
        Comparison colour = compare(files.get(0).toFile(), 0, Double.NaN, PixelMode.GRAY_AND_BGR);
        System.out.println("dav1d vs libaom, " + files.get(0).getFileName() + " GRAY_AND_BGR: " + colour);
        colour.assertIdentical();
    }

    @Test
    void withoutLibdav1dAutoFallsBackToLibaomAndDav1dFails() throws Exception {
        String absent = directory.resolve("libdav1d-absent.so.6").toString();
        withLibrary(absent, () -> {
            File file = generatedV21(0);
            try (FrameSource source =
                    FfmpegFrameSource.open(file, 0, Double.NaN, 1, 15, PixelMode.GRAY, Av1Decoder.AUTO)) {
                assertThat(source.info().decoder()).isNotEqualTo("libdav1d");
                assertThat(source.next()).isNotNull();
            }
            assertThatThrownBy(
                            () -> FfmpegFrameSource.open(file, 0, Double.NaN, 1, 15, PixelMode.GRAY, Av1Decoder.DAV1D))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("episode_000000.mp4")
                    .hasMessageContaining("libdav1d-absent.so.6")
                    .satisfies(e -> assertThat(((PipelineException) e).errorCode())
                            .isEqualTo(CoreErrorCode.DAV1D_UNAVAILABLE.toErrorCode()));
        });
    }

    @Test
    void aLibraryThatIsNotLibdav1dIsUnavailable() throws Exception {
        assumeTrue(Files.exists(Path.of("/lib/x86_64-linux-gnu/libz.so.1")), "Skipped: no Debian zlib to load");
        withLibrary("libz.so.1", () -> {
            Dav1dLibrary.Loading loading = Dav1dLibrary.load();
            assertThat(loading.library()).isEmpty();
            assertThat(loading.problem()).contains("libz.so.1 is not a usable libdav1d");
            assertThatThrownBy(() -> FfmpegFrameSource.open(
                            generatedV21(0), 0, Double.NaN, 1, 15, PixelMode.GRAY, Av1Decoder.DAV1D))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("libz.so.1 is not a usable libdav1d");
        });
    }

    /** Runs {@code test} with {@value Dav1dLibrary#PROPERTY} naming {@code library}, then restores the property. */
    private static void withLibrary(String library, ThrowingRunnable test) throws Exception {
        String previous = System.getProperty(Dav1dLibrary.PROPERTY);
        System.setProperty(Dav1dLibrary.PROPERTY, library);
        try {
            test.run();
        } finally {
            if (previous == null) {
                System.clearProperty(Dav1dLibrary.PROPERTY);
            } else {
                System.setProperty(Dav1dLibrary.PROPERTY, previous);
            }
        }
    }

    @FunctionalInterface
    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void otherCodecsStayWithFfmpegsDecoder() {
        File h264 = TestData.srcTestData(
                        "lerobot/lerobot-v20-pick-place-h264/videos/chunk-000/observation.images.front/episode_000000.mp4")
                .toFile();
        try (FrameSource source =
                FfmpegFrameSource.open(h264, 0, Double.NaN, 1, 15, PixelMode.GRAY, Av1Decoder.DAV1D)) {
            assertThat(source.info().decoder()).isNotEqualTo("libdav1d");
            assertThat(source.next()).isNotNull();
        }
    }

    @Test
    void closeMidStreamAndAfterTheEndIsSafe() {
        assumeDav1d();
        FrameSource source =
                FfmpegFrameSource.open(generatedV21(0), 0, Double.NaN, 1, 15, PixelMode.GRAY, Av1Decoder.DAV1D);
        assertThat(source.info().decoder()).isEqualTo("libdav1d");
        assertThat(source.next()).isNotNull();
        source.close();
        try (FrameSource whole =
                FfmpegFrameSource.open(generatedV21(1), 0, Double.NaN, 1, 15, PixelMode.GRAY, Av1Decoder.DAV1D)) {
            while (whole.next() != null) {
                // to the end
            }
            assertThat(whole.next()).isNull();
        }
    }

    /**
     * Packets a decoder rejects are skipped, not fatal, with either decoder (JavaCV ignores FFmpeg's decode errors):
     * both read on past the damage. Which frames survive differs (the decoders conceal differently); the episode's
     * alignment reports the missing ones.
     */
    @Test
    void corruptedPacketsAreSkippedAsWithLibaom() throws IOException {
        assumeDav1d();
        byte[] bytes = Files.readAllBytes(generatedV21(0).toPath());
        // The muxer writes the index (moov) after the media data: scramble a stretch of packets, keep the index.
        java.util.Random random = new java.util.Random(15);
        for (int i = bytes.length / 4; i < bytes.length / 2; i += 7) {
            bytes[i] = (byte) random.nextInt();
        }
        Path corrupted = directory.resolve("corrupted.mp4");
        Files.write(corrupted, bytes);
        List<Double> dav1d = timestamps(corrupted.toFile(), Av1Decoder.DAV1D);
        List<Double> libaom = timestamps(corrupted.toFile(), Av1Decoder.LIBAOM);
        List<Double> intact = timestamps(generatedV21(0), Av1Decoder.DAV1D);
        System.out.printf(
                Locale.ROOT,
                "corrupted file: dav1d %d frames, libaom %d frames, of %d%n",
                dav1d.size(),
                libaom.size(),
                intact.size());
        assertThat(dav1d).isNotEmpty().hasSizeLessThan(intact.size());
        assertThat(dav1d.get(dav1d.size() - 1))
                .as("frames after the damage are decoded")
                .isEqualTo(intact.get(intact.size() - 1));
        assertThat(intact).containsAll(dav1d);
    }

    private static List<Double> timestamps(File file, Av1Decoder decoder) {
        List<Double> times = new ArrayList<>();
        try (FrameSource source = FfmpegFrameSource.open(file, 0, Double.NaN, 1, 15, PixelMode.GRAY, decoder)) {
            for (DecodedFrame frame; (frame = source.next()) != null; ) {
                times.add(frame.timestamp());
            }
        }
        return times;
    }

    /**
     * Decodes the generated episodes many times, in all modes and with seeks: the resident set must not grow with
     * the number of frames or of opened decoders (a picture or a dav1d context not released would add about a frame,
     * or megabytes, each time).
     */
    @Test
    void memoryStaysFlatOverManyFramesAndDecoders() throws IOException {
        assumeDav1d();
        File v30 = generatedV30();
        double duration = FfmpegFrameSource.probe(v30, 15).durationSeconds();
        long frames = decodeRounds(3, v30, duration); // warm-up: pools, JIT, swscale contexts
        System.gc();
        long before = nativeKilobytes();
        long counted = decodeRounds(16, v30, duration);
        System.gc();
        long after = nativeKilobytes();
        System.out.printf(
                Locale.ROOT,
                "dav1d leak check: %d frames, RSS outside the Java heap %d kB -> %d kB (%+d kB)%n",
                counted,
                before,
                after,
                after - before);
        assertThat(counted + frames).isGreaterThan(8_000);
        assertThat(after - before).as("native memory growth in kB").isLessThan(32 * 1024);
    }

    private static long decodeRounds(int rounds, File v30, double duration) {
        long frames = 0;
        for (int round = 0; round < rounds; round++) {
            for (int episode = 0; episode < 3; episode++) {
                PixelMode mode = PixelMode.values()[(round + episode) % PixelMode.values().length];
                try (FrameSource source =
                        FfmpegFrameSource.open(generatedV21(episode), 0, Double.NaN, 1, 15, mode, Av1Decoder.DAV1D)) {
                    while (source.next() != null) {
                        frames++;
                    }
                }
            }
            try (FrameSource source =
                    FfmpegFrameSource.open(v30, duration / 2, Double.NaN, 1, 15, PixelMode.GRAY, Av1Decoder.DAV1D)) {
                while (source.next() != null) {
                    frames++;
                }
            }
        }
        return frames;
    }

    /**
     * The process's resident set less what the JVM has committed for its heap and non-heap pools, so that the Java
     * heap growing or shrinking (other tests share this JVM) does not read as native memory.
     */
    private static long nativeKilobytes() throws IOException {
        java.lang.management.MemoryMXBean memory = java.lang.management.ManagementFactory.getMemoryMXBean();
        long committed = memory.getHeapMemoryUsage().getCommitted()
                + memory.getNonHeapMemoryUsage().getCommitted();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) - committed / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    /** Decodes a range with both decoders side by side and measures how far they differ. */
    private static Comparison compare(File file, double from, double to, PixelMode mode) {
        return compare(file, from, to, mode, 1);
    }

    private static Comparison compare(File file, double from, double to, PixelMode mode, int dav1dThreads) {
        Comparison result = new Comparison();
        try (FfmpegFrameSource libaom = FfmpegFrameSource.open(file, from, to, 1, 15, mode, Av1Decoder.LIBAOM);
                FfmpegFrameSource dav1d =
                        FfmpegFrameSource.open(file, from, to, dav1dThreads, 15, mode, Av1Decoder.DAV1D);
                Mat difference = new Mat()) {
            assertThat(dav1d.info().decoder()).isEqualTo("libdav1d");
            assertThat(libaom.info().decoder()).isNotEqualTo("libdav1d");
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
                assertThat(d.image().channels()).isEqualTo(a.image().channels());
                result.maxPixel = Math.max(result.maxPixel, maxDifference(a.image(), d.image(), difference));
                if (mode == PixelMode.GRAY_AND_BGR) {
                    result.maxPixel = Math.max(result.maxPixel, maxDifference(a.color(), d.color(), difference));
                }
                result.frames++;
            }
            assertThat(timesD).as("timestamps, exactly").isEqualTo(timesA);
        }
        return result;
    }

    private static double maxDifference(Mat a, Mat b, Mat difference) {
        assertThat(b.size().width()).isEqualTo(a.size().width());
        assertThat(b.size().height()).isEqualTo(a.size().height());
        absdiff(a, b, difference);
        double[] max = new double[1];
        try (Mat singleChannel = difference.reshape(1, 0)) { // every channel's values in one plane
            minMaxLoc(singleChannel, null, max, null, null, null);
        }
        return max[0];
    }

    private static final class Comparison {
        int frames;
        double maxPixel;

        void assertIdentical() {
            assertThat(frames).isPositive();
            assertThat(maxPixel).as(toString()).isEqualTo(0.0);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%d frames, pixel |diff| max %.0f", frames, maxPixel);
        }
    }
}
