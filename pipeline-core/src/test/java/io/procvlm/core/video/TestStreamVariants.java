package io.procvlm.core.video;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.generator.VideoEncoder;
import io.procvlm.core.video.ffmpeg.FfmpegFrameSource;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams as cameras and encoders in the wild write them, beyond limited-range 8-bit 4:2:0: full range (flagged on a
 * {@code yuv420p} stream, as AV1 and recent encoders do, or as a {@code yuvj} format), BT.709's matrix, 4:4:4, 4:2:2,
 * 10-bit, gray (AV1 in every layout dav1d decodes). (Odd frame sizes, which JavaCV's recorder rounds up, were checked once with the FFmpeg CLI on real
 * recordings re-encoded at 639x479.) Each is generated (four flat colour quadrants), decoded with every AV1 decoder, and every output the
 * pipeline takes from a frame must show the colours that went in: the luma the features use, the full-size colour
 * frame, and the colour frame at a stored size (both the even-size and the odd-size path of {@code colorAt}); and the
 * luma of a luma-only decode (features.images off) must be the same, pixel for pixel. A range
 * read wrongly moves the dark and bright quadrants by 14-20 levels, a wrong chroma layout moves the colours by more.
 */
final class TestStreamVariants {
    /** BGR of the quadrants: top-left, top-right, bottom-left, bottom-right. */
    private static final int[][] QUADRANTS = {{230, 40, 30}, {35, 225, 40}, {30, 35, 230}, {25, 25, 25}};

    private static final int FRAMES = 6;

    /** Mean absolute error allowed per channel on a quadrant's interior (lossy coding of a flat block: 1-4 levels). */
    private static final double TOLERANCE = 8;

    @TempDir
    Path directory;

    private static final int WIDTH = 96;
    private static final int HEIGHT = 72;

    /** How a variant's frames are written: BGR through the encoder's own conversion, or raw I420 of a given kind. */
    private enum Pixels {
        BGR,
        /** Full-range BT.601 I420, for a yuv420p stream flagged full range. */
        FULL_RANGE_I420,
        /** Limited-range BT.709 I420, for a stream flagged BT.709. */
        BT709_I420
    }

    private record Variant(
            String name, String codec, int pixelFormat, String container, Pixels pixels, Map<String, String> options) {
        boolean gray() {
            return pixelFormat == avutil.AV_PIX_FMT_GRAY8;
        }
    }

    private static final Map<String, String> AOM = Map.of("cpu-used", "8", "crf", "8");

    private static final List<Variant> VARIANTS = List.of(
            new Variant(
                    "AV1 yuv420p flagged full range",
                    "libaom-av1",
                    avutil.AV_PIX_FMT_YUV420P,
                    "mp4",
                    Pixels.FULL_RANGE_I420,
                    with(AOM, "color_range", "pc")),
            new Variant(
                    "AV1 yuv420p flagged BT.709",
                    "libaom-av1",
                    avutil.AV_PIX_FMT_YUV420P,
                    "mp4",
                    Pixels.BT709_I420,
                    with(AOM, "colorspace", "bt709")),
            new Variant(
                    "H.264 yuvj420p (full range format)",
                    "libopenh264",
                    avutil.AV_PIX_FMT_YUVJ420P,
                    "mp4",
                    Pixels.BGR,
                    Map.of("b", "3000000")),
            new Variant("AV1 4:4:4", "libaom-av1", avutil.AV_PIX_FMT_YUV444P, "mp4", Pixels.BGR, AOM),
            new Variant("AV1 4:2:2", "libaom-av1", avutil.AV_PIX_FMT_YUV422P, "mp4", Pixels.BGR, AOM),
            new Variant("AV1 monochrome", "libaom-av1", avutil.AV_PIX_FMT_GRAY8, "mp4", Pixels.BGR, AOM),
            new Variant(
                    "AV1 10-bit",
                    "libsvtav1",
                    avutil.AV_PIX_FMT_YUV420P10LE,
                    "mp4",
                    Pixels.BGR,
                    Map.of("crf", "10", "preset", "12", "svtav1-params", "lp=1")),
            new Variant(
                    "VP9 4:2:2",
                    "libvpx-vp9",
                    avutil.AV_PIX_FMT_YUV422P,
                    "matroska",
                    Pixels.BGR,
                    Map.of("crf", "8", "deadline", "realtime", "cpu-used", "8")),
            new Variant("gray (FFV1)", "ffv1", avutil.AV_PIX_FMT_GRAY8, "matroska", Pixels.BGR, Map.of()));

    private static Map<String, String> with(Map<String, String> options, String key, String value) {
        Map<String, String> out = new java.util.TreeMap<>(options);
        out.put(key, value);
        return out;
    }

    /** Which decoder each case ran, printed at the end: dav1d takes the 8-bit AV1 cases under AUTO where present. */
    private static final java.util.Set<String> DECODERS = new java.util.concurrent.ConcurrentSkipListSet<>();

    @org.junit.jupiter.api.AfterAll
    static void printDecoders() {
        DECODERS.forEach(line -> System.out.println("TestStreamVariants decoder: " + line));
    }

    @TestFactory
    List<DynamicTest> everyOutputOfAFrameShowsTheColoursThatWentIn() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Variant variant : VARIANTS) {
            for (Av1Decoder decoder : List.of(Av1Decoder.AUTO, Av1Decoder.LIBAOM)) {
                tests.add(DynamicTest.dynamicTest(variant.name() + ", " + decoder, () -> check(variant, decoder)));
            }
        }
        return tests;
    }

    private void check(Variant variant, Av1Decoder decoder) {
        File clip = directory
                .resolve(variant.name().replaceAll("[^A-Za-z0-9]+", "-") + "-" + decoder + ".video")
                .toFile();
        encode(variant, clip);
        int[][] expected = variant.gray() ? grayQuadrants() : QUADRANTS;
        try (FfmpegFrameSource source =
                        FfmpegFrameSource.open(clip, 0, Double.NaN, 1, 15, PixelMode.GRAY_AND_BGR, decoder);
                FfmpegFrameSource lumaOnly =
                        FfmpegFrameSource.open(clip, 0, Double.NaN, 1, 15, PixelMode.GRAY, decoder)) {
            int frames = 0;
            for (DecodedFrame frame; (frame = source.next()) != null; frames++) {
                String what = variant.name() + " (" + source.info().decoder() + ") frame " + frames + ", ";
                Mat luma = frame.image();
                assertThat(luma.cols() + "x" + luma.rows()).as(what + "size").isEqualTo(WIDTH + "x" + HEIGHT);
                for (int q = 0; q < 4; q++) {
                    assertThat(quadrantMean(luma, q).get(0))
                            .as(what + "luma of quadrant " + q)
                            .isCloseTo(
                                    variant.pixels() == Pixels.BT709_I420
                                            ? luma(expected[q], BT709_RED, BT709_BLUE)
                                            : gray(expected[q]),
                                    org.assertj.core.api.Assertions.offset(TOLERANCE));
                }
                // The features with features.images off (luma only) must be those with it on.
                DecodedFrame alone = lumaOnly.next();
                assertThat(alone).as(what + "luma-only frame").isNotNull();
                try (Mat difference = new Mat()) {
                    opencv_core.absdiff(alone.image(), luma, difference);
                    assertThat(opencv_core.countNonZero(difference))
                            .as(what + "pixels of the luma-only decode that differ")
                            .isZero();
                }
                assertColours(what + "full-size colour", frame.color(), expected);
                // Sizes as vqa.image.max-side makes them: even (the planes path) and odd (the one-pass path).
                assertColours(what + "colour at 48x36", source.colorAt(48, 36), expected);
                assertColours(what + "colour at 47x35", source.colorAt(47, 35), expected);
            }
            assertThat(frames).as(variant.name() + " frames").isEqualTo(FRAMES);
            if (decoder == Av1Decoder.LIBAOM) {
                assertThat(source.info().decoder()).isNotEqualTo("libdav1d");
            }
            DECODERS.add(variant.name() + ", " + decoder + ": " + source.info().decoder());
        }
    }

    private static void encode(Variant variant, File clip) {
        int width = WIDTH;
        int height = HEIGHT;
        try (VideoEncoder encoder = new VideoEncoder(
                        clip,
                        width,
                        height,
                        15,
                        variant.codec(),
                        variant.pixelFormat(),
                        variant.options(),
                        variant.container());
                Mat bgr = quadrants(width, height)) {
            byte[] i420 = switch (variant.pixels()) {
                case FULL_RANGE_I420 -> i420(width, height, BT601_RED, BT601_BLUE, true);
                case BT709_I420 -> i420(width, height, BT709_RED, BT709_BLUE, false);
                case BGR -> null;
            };
            for (int i = 0; i < FRAMES; i++) {
                if (i420 != null) {
                    encoder.writeI420(width, height, i420);
                } else {
                    encoder.write(bgr);
                }
            }
        }
    }

    private static void assertColours(String what, Mat bgr, int[][] expected) {
        assertThat(bgr).as(what).isNotNull();
        assertThat(bgr.channels()).as(what + " channels").isEqualTo(3);
        for (int q = 0; q < 4; q++) {
            Scalar mean = quadrantMean(bgr, q);
            for (int c = 0; c < 3; c++) {
                assertThat(mean.get(c))
                        .as(what + ", quadrant " + q + " channel " + c)
                        .isCloseTo(expected[q][c], org.assertj.core.api.Assertions.offset(TOLERANCE));
            }
        }
    }

    /** Mean of the middle half of quadrant {@code q} (edges left out: chroma subsampling and scaling blur them). */
    private static Scalar quadrantMean(Mat image, int q) {
        int halfWidth = image.cols() / 2;
        int halfHeight = image.rows() / 2;
        int x = (q % 2) * (image.cols() - halfWidth) + halfWidth / 4;
        int y = (q / 2) * (image.rows() - halfHeight) + halfHeight / 4;
        try (Mat region = new Mat(image, new Rect(x, y, Math.max(1, halfWidth / 2), Math.max(1, halfHeight / 2)))) {
            return opencv_core.mean(region);
        }
    }

    private static Mat quadrants(int width, int height) {
        Mat bgr = new Mat(height, width, opencv_core.CV_8UC3, new Scalar(0, 0, 0, 0));
        for (int q = 0; q < 4; q++) {
            int x0 = (q % 2) * (width / 2);
            int y0 = (q / 2) * (height / 2);
            int w = q % 2 == 0 ? width / 2 : width - width / 2;
            int h = q / 2 == 0 ? height / 2 : height - height / 2;
            try (Mat region = new Mat(bgr, new Rect(x0, y0, w, h))) {
                region.put(new Scalar(QUADRANTS[q][0], QUADRANTS[q][1], QUADRANTS[q][2], 0));
            }
        }
        return bgr;
    }

    private static final double BT601_RED = 0.299;
    private static final double BT601_BLUE = 0.114;
    private static final double BT709_RED = 0.2126;
    private static final double BT709_BLUE = 0.0722;

    /** The quadrants as I420 with the given matrix (luma weights of red and blue) and range. */
    private static byte[] i420(int width, int height, double kr, double kb, boolean fullRange) {
        byte[] out = new byte[width * height * 3 / 2];
        int chromaWidth = width / 2;
        int chromaHeight = height / 2;
        double lumaScale = fullRange ? 1 : 219.0 / 255;
        double lumaOffset = fullRange ? 0 : 16;
        double chromaScale = fullRange ? 1 : 224.0 / 255;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int[] bgr = QUADRANTS[quadrantOf(x, y, width, height)];
                out[y * width + x] = (byte) clamp(Math.round(lumaOffset + lumaScale * luma(bgr, kr, kb)));
            }
        }
        for (int y = 0; y < chromaHeight; y++) {
            for (int x = 0; x < chromaWidth; x++) {
                int[] bgr = QUADRANTS[quadrantOf(2 * x, 2 * y, width, height)];
                double y709 = luma(bgr, kr, kb);
                double cb = (bgr[0] - y709) / (2 * (1 - kb));
                double cr = (bgr[2] - y709) / (2 * (1 - kr));
                out[width * height + y * chromaWidth + x] = (byte) clamp(Math.round(128 + chromaScale * cb));
                out[width * height + chromaWidth * chromaHeight + y * chromaWidth + x] =
                        (byte) clamp(Math.round(128 + chromaScale * cr));
            }
        }
        return out;
    }

    private static int quadrantOf(int x, int y, int width, int height) {
        return (x < width / 2 ? 0 : 1) + (y < height / 2 ? 0 : 2);
    }

    private static long clamp(long value) {
        return Math.max(0, Math.min(255, value));
    }

    /** BT.601 luma of a BGR colour. */
    private static double gray(int[] bgr) {
        return luma(bgr, BT601_RED, BT601_BLUE);
    }

    private static double luma(int[] bgr, double kr, double kb) {
        return kr * bgr[2] + (1 - kr - kb) * bgr[1] + kb * bgr[0];
    }

    private static int[][] grayQuadrants() {
        int[][] out = new int[4][];
        for (int q = 0; q < 4; q++) {
            int value = (int) Math.round(gray(QUADRANTS[q]));
            out[q] = new int[] {value, value, value};
        }
        return out;
    }
}
