package io.procvlm.core.video.ffmpeg;

import static org.assertj.core.api.Assertions.assertThat;

import io.procvlm.core.testing.TestData;
import io.procvlm.core.testing.generator.VideoEncoder;
import io.procvlm.core.video.Av1Decoder;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.PixelMode;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.opencv.global.opencv_core;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AV1 film grain: {@link Av1FilmGrain} reads whether a stream declares it, and libaom's grain synthesis, which keeps its
 * state in process-wide variables, gives the same frames when several tasks decode at once in one JVM (found by
 * decoding the real G1 recordings re-encoded with grain on two Spark cores: two identical runs wrote different
 * {@code frames/} and {@code images/}).
 */
final class TestAv1FilmGrain {
    @TempDir
    Path directory;

    @Test
    void theSequenceHeaderSaysWhetherGrainIsAdded() throws IOException {
        assertThat(declared(svt("svt-grain.mp4", "lp=1:film-grain=10"))).contains(true);
        assertThat(declared(svt("svt-plain.mp4", "lp=1"))).contains(false);
        assertThat(declared(aom("aom-grain.mp4", Map.of("denoise-noise-level", "20"))))
                .contains(true);
        assertThat(declared(aom("aom-plain.mp4", Map.of()))).contains(false);
        // libaom with timing information in the sequence header (a branch of the header the others do not take)
        assertThat(declared(aom("aom-timing.mp4", Map.of("aom-params", "timing-info=constant"))))
                .contains(false);
    }

    @Test
    void theRealRecordingsDeclareNone() throws IOException {
        Path folder =
                TestData.sharedTestData("lerobot-v21-g1-pick-bottle/videos/chunk-000/observation.images.cam_high");
        try (Stream<Path> files = Files.list(folder)) {
            for (Path video : files.sorted().toList()) {
                assertThat(declared(video.toFile()))
                        .as(video.getFileName().toString())
                        .contains(false);
            }
        }
    }

    @Test
    void recordsWithoutASequenceHeaderAreUnknown() throws IOException {
        byte[] record = record(svt("svt-record.mp4", "lp=1"));
        assertThat(Av1FilmGrain.declared(record)).isPresent();
        assertThat(Av1FilmGrain.declared(null)).isEmpty();
        assertThat(Av1FilmGrain.declared(new byte[0])).isEmpty();
        assertThat(Av1FilmGrain.declared(Arrays.copyOf(record, 4)))
                .as("no configuration OBUs")
                .isEmpty();
        for (int length = 5; length < record.length; length++) {
            assertThat(Av1FilmGrain.declared(Arrays.copyOf(record, length)))
                    .as("cut to %d bytes", length)
                    .isEmpty();
        }
        byte[] notAv1c = record.clone();
        notAv1c[0] = 0x01;
        assertThat(Av1FilmGrain.declared(notAv1c)).isEmpty();
    }

    @Test
    void concurrentLibaomDecodesOfAGrainStreamGiveTheSameFrames() throws Exception {
        File clip = svt("grain.mp4", "lp=1:film-grain=25");
        assertThat(declared(clip)).contains(true);
        String alone = hash(clip, Av1Decoder.LIBAOM);
        assertThat(hash(clip, Av1Decoder.AUTO))
                .as("dav1d (where present) adds the same grain")
                .isEqualTo(alone);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<String>> hashes = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    hashes.add(pool.submit(() -> hash(clip, Av1Decoder.LIBAOM)));
                }
                for (Future<String> hash : hashes) {
                    assertThat(hash.get())
                            .as("a decode among four at once, round %d", round)
                            .isEqualTo(alone);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String hash(File clip, Av1Decoder decoder) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (FfmpegFrameSource source =
                FfmpegFrameSource.open(clip, 0, Double.NaN, 1, 30, PixelMode.GRAY_AND_BGR, decoder)) {
            for (DecodedFrame frame; (frame = source.next()) != null; ) {
                Mat colour = frame.color();
                byte[] pixels = new byte[(int) (colour.total() * colour.channels())];
                colour.data().get(pixels);
                digest.update(pixels);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private File svt(String name, String svtParams) {
        return write(name, "libsvtav1", Map.of("preset", "12", "crf", "35", "svtav1-params", svtParams));
    }

    private File aom(String name, Map<String, String> extra) {
        Map<String, String> options = new java.util.TreeMap<>(Map.of("cpu-used", "8", "crf", "35"));
        options.putAll(extra);
        return write(name, "libaom-av1", options);
    }

    /** 48 frames of 160x120 with texture and motion, so that an encoder's grain model has something to model. */
    private File write(String name, String codec, Map<String, String> options) {
        File file = directory.resolve(name).toFile();
        try (VideoEncoder encoder =
                        new VideoEncoder(file, 160, 120, 30, codec, avutil.AV_PIX_FMT_YUV420P, options, "mp4");
                Mat frame = new Mat(120, 160, opencv_core.CV_8UC3)) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(7);
            byte[] pixels = new byte[160 * 120 * 3];
            for (int i = 0; i < 48; i++) {
                for (int p = 0; p < pixels.length; p++) {
                    int x = (p / 3) % 160;
                    pixels[p] = (byte) (((x + 2 * i) * 3 + random.nextInt(24)) & 0xff);
                }
                frame.data().put(pixels);
                encoder.write(frame);
            }
        }
        return file;
    }

    private static Optional<Boolean> declared(File file) {
        return Av1FilmGrain.declared(record(file));
    }

    /** The stream's extradata (its {@code av1C} record), as the frame source reads it. */
    static byte[] record(File file) {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file)) {
            grabber.start();
            AVCodecParameters parameters =
                    grabber.getFormatContext().streams(grabber.getVideoStream()).codecpar();
            byte[] record = new byte[parameters.extradata_size()];
            parameters.extradata().get(record);
            grabber.stop();
            return record;
        } catch (org.bytedeco.javacv.FrameGrabber.Exception e) {
            throw new AssertionError(e);
        }
    }
}
