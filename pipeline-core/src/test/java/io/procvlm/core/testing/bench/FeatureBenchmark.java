package io.procvlm.core.testing.bench;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.dataset.DatasetScan;
import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFeatures;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.features.VisualChangeExtractor;
import io.procvlm.core.testing.TestData;
import io.procvlm.core.testing.generator.EpisodeScript;
import io.procvlm.core.testing.generator.LeRobotDatasetWriter;
import io.procvlm.core.testing.generator.VideoEncoder;
import io.procvlm.core.video.Av1Decoder;
import io.procvlm.core.video.Codecs;
import io.procvlm.core.video.DecodedFrame;
import io.procvlm.core.video.FrameSource;
import io.procvlm.core.video.PixelMode;
import io.procvlm.core.video.ffmpeg.FfmpegFrameSource;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * {@code scripts/bench-features}: on the same videos in one run, single-threaded, times FFmpeg decode alone against
 * decode plus the default feature set (frame difference + DIS flow at 160 px), and against decode plus the default
 * set and the native-resolution pHash (what the reference progress mode adds), and reports frames/s and ratios; then
 * the peak heap of the features stage on one episode of more than 10,000 frames.
 *
 * <p>Baselines, each decoding every frame of the file: {@code decode-raw} is FFmpeg's decoder alone, frames left in
 * its own pixel format (no conversion at all: the strictest baseline); {@code decode-gray} converts every frame to
 * 8-bit gray with swscale; {@code decode-bgr} is JavaCV's default {@code grabImage()} to BGR24 (STACK.md's "decode").
 * The pipeline reads the luma plane of the raw frames directly, so its cost is decode-raw + range expansion +
 * features.
 *
 * <p>Then, for the AV1 videos, the pipeline's own frame source with each {@code video.av1-decoder}: JavaCV's libaom
 * against libdav1d in the JVM ({@code FfmpegFrameSource} with {@link Av1Decoder#DAV1D}), to gray (the luma plane),
 * with the default features, and in the features stage's dual mode (gray + BGR, what {@code features.images} needs).
 *
 * <p>System property {@code bench.parts} picks the parts (comma-separated, default all): {@code features} (the first
 * table), {@code av1} (the decoder comparison), {@code stage} (the features stage's per-episode work on the real
 * recordings, with and without images, against decoding alone), {@code heap} (the long-episode heap).
 */
public final class FeatureBenchmark {
    private static final int ROUNDS = 5;

    private FeatureBenchmark() {}

    public static void main(String[] args) throws Exception {
        org.bytedeco.opencv.global.opencv_core.setNumThreads(1);
        List<Path> videos = new ArrayList<>();
        for (String arg : args) {
            videos.add(Path.of(arg));
        }
        if (videos.isEmpty()) {
            videos.addAll(defaultVideos());
        }
        List<String> parts = List.of(
                System.getProperty("bench.parts", "features,av1,stage,heap").split(","));
        if (parts.contains("features")) {
            featureTable(videos);
        }
        if (parts.contains("av1")) {
            av1Decoders(videos);
        }
        if (parts.contains("stage")) {
            stageLoop();
        }
        if (parts.contains("heap")) {
            longEpisodeHeap();
        }
    }

    /**
     * The features stage's work on each real G1 episode, without Spark ({@link EpisodeFeatureExtractor#extract}: read
     * the parquet rows, decode, match, features, and with images on encode and write every frame's JPEG), against the
     * same episodes' decode alone through the pipeline's frame source (the luma plane, default AV1 decoder). CPU time
     * of this thread, median of {@link #ROUNDS} rounds alternating the modes after two warm-up passes.
     */
    private static void stageLoop() throws IOException {
        System.out.println();
        Path root = TestData.repoRoot().resolveSibling("shared").resolve("testdata/lerobot-v21-g1-pick-bottle");
        if (!Files.isDirectory(root)) {
            System.out.println("(../shared/testdata not found: the stage loop on real recordings is skipped)");
            return;
        }
        DatasetScan scan = DatasetReaders.scan(
                DatasetSpec.ofPath(root.toString()),
                new CameraRules(Map.of(), List.of("cam_high"), List.of("cam_left_wrist", "cam_right_wrist")));
        List<io.procvlm.core.model.EpisodeRef> episodes =
                scan.episodes().stream().filter(e -> e.problems().isEmpty()).toList();
        Path imagesRoot = Files.createTempDirectory("procvlm-bench-images");
        InspectionConfig inspection = InspectionConfig.defaults();
        EpisodeFeatureExtractor plain = new EpisodeFeatureExtractor(inspection, FeaturesConfig.defaults());
        EpisodeFeatureExtractor withImages = new EpisodeFeatureExtractor(
                inspection,
                FeaturesConfig.defaults(),
                new io.procvlm.core.images.ImageSettings(true, 480, true, 90),
                imagesRoot.toString());
        String[] modes = {"decode", "features", "features+images"};
        long[] frames = new long[1];
        long[] imageNanos = new long[1];
        Runnable[] work = {
            () -> {
                frames[0] = 0;
                for (io.procvlm.core.model.EpisodeRef episode : episodes) {
                    try (FrameSource source = io.procvlm.core.dataset.DatasetReaders.episodeReader(episode.format())
                            .openFrames(
                                    io.procvlm.core.io.DatasetFiles.at(episode.datasetRoot()),
                                    episode,
                                    1,
                                    PixelMode.GRAY,
                                    inspection.av1Decoder())) {
                        while (source.next() != null) {
                            frames[0]++;
                        }
                    }
                }
            },
            () -> episodes.forEach(plain::extract),
            () -> {
                imageNanos[0] = 0;
                for (io.procvlm.core.model.EpisodeRef episode : episodes) {
                    imageNanos[0] += withImages.extract(episode).stats().imageNanos();
                }
            }
        };
        try {
            for (int warmUp = 0; warmUp < 2; warmUp++) {
                for (Runnable mode : work) {
                    mode.run();
                }
            }
            double[][] seconds = new double[modes.length][ROUNDS];
            double[] imageSeconds = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                for (int m = 0; m < modes.length; m++) {
                    seconds[m][round] = cpuSeconds(work[m]);
                }
                imageSeconds[round] = imageNanos[0] / 1e9;
            }
            System.out.printf(
                    Locale.ROOT,
                    "Features stage per episode without Spark, %d real G1 episodes (%d frames), decoder threads=1,"
                            + " CPU time of this thread, median of %d rounds:%n",
                    episodes.size(),
                    frames[0],
                    ROUNDS);
            double decode = median(seconds[0]);
            for (int m = 0; m < modes.length; m++) {
                double value = median(seconds[m]);
                System.out.printf(
                        Locale.ROOT,
                        "  %-16s %7.3f ms/frame %6.0f frames/s  %.2f x decode%n",
                        modes[m],
                        value * 1000 / frames[0],
                        frames[0] / value,
                        decode / value);
            }
            System.out.printf(
                    Locale.ROOT,
                    "  of which image scale + JPEG encode + write (wall): %.3f ms/frame%n",
                    median(imageSeconds) * 1000 / frames[0]);
        } finally {
            try (var files = Files.walk(imagesRoot)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .map(Path::toFile)
                        .forEach(File::delete);
            }
        }
    }

    private static void featureTable(List<Path> videos) {
        System.out.println("Single-threaded (FFmpeg threads=1, OpenCV threads=1). Per video: two warm-up passes of each"
                + " mode, then " + ROUNDS
                + " rounds of [decode-raw, decode-gray, decode-bgr, decode+features, decode+features+phash];");
        System.out.println("frames/s from the thread's CPU time; ratio = median over rounds of cpu(baseline) /"
                + " cpu(decode+features), for baseline raw (strict) and bgr (JavaCV's default decode).");
        System.out.println("Farneback: the default set with Farneback instead of DIS (one pass).");
        System.out.println("default features: " + FeaturesConfig.defaults().describe() + "; +phash: "
                + FeaturesConfig.defaultsWithPhash().describe());
        System.out.printf(
                Locale.ROOT,
                "%-58s %6s %8s %8s %8s %8s %8s %8s %9s %9s %9s%n",
                "video",
                "frames",
                "raw fps",
                "gray fps",
                "bgr fps",
                "feat fps",
                "+ph fps",
                "farn fps",
                "feat/raw",
                "feat/bgr",
                "+ph/raw");
        double totalRaw = 0;
        double totalBgr = 0;
        double totalFeatures = 0;
        FeaturesConfig farnebackConfig = new FeaturesConfig(160, "farneback", "ultrafast", true, false, 1.0);
        for (Path video : videos) {
            long frames = 0;
            for (int warmUp = 0; warmUp < 2; warmUp++) {
                frames = decode(video, FrameGrabber.ImageMode.RAW);
                decode(video, FrameGrabber.ImageMode.GRAY);
                decode(video, FrameGrabber.ImageMode.COLOR);
                features(video, FeaturesConfig.defaults());
                features(video, FeaturesConfig.defaultsWithPhash());
            }
            double[] raw = new double[ROUNDS];
            double[] rawRatios = new double[ROUNDS];
            double[] gray = new double[ROUNDS];
            double[] bgr = new double[ROUNDS];
            double[] feat = new double[ROUNDS];
            double[] withHash = new double[ROUNDS];
            double[] hashRatios = new double[ROUNDS];
            double[] ratios = new double[ROUNDS];
            for (int round = 0; round < ROUNDS; round++) {
                raw[round] = cpuSeconds(() -> decode(video, FrameGrabber.ImageMode.RAW));
                gray[round] = cpuSeconds(() -> decode(video, FrameGrabber.ImageMode.GRAY));
                bgr[round] = cpuSeconds(() -> decode(video, FrameGrabber.ImageMode.COLOR));
                feat[round] = cpuSeconds(() -> features(video, FeaturesConfig.defaults()));
                withHash[round] = cpuSeconds(() -> features(video, FeaturesConfig.defaultsWithPhash()));
                hashRatios[round] = raw[round] / withHash[round];
                rawRatios[round] = raw[round] / feat[round];
                ratios[round] = bgr[round] / feat[round];
            }
            double farneback = cpuSeconds(() -> features(video, farnebackConfig));
            double featMedian = median(feat);
            totalRaw += median(raw);
            totalBgr += median(bgr);
            totalFeatures += featMedian;
            System.out.printf(
                    Locale.ROOT,
                    "%-58s %6d %8.0f %8.0f %8.0f %8.0f %8.0f %8.0f %9.2f %9.2f %9.2f%n",
                    display(video),
                    frames,
                    frames / median(raw),
                    frames / median(gray),
                    frames / median(bgr),
                    frames / featMedian,
                    frames / median(withHash),
                    frames / farneback,
                    median(rawRatios),
                    median(ratios),
                    median(hashRatios));
        }
        System.out.printf(
                Locale.ROOT,
                "all videos (sum of median CPU times): decode+features throughput = %.2f x decode-raw, %.2f x"
                        + " decode-bgr%n",
                totalRaw / totalFeatures,
                totalBgr / totalFeatures);
    }

    /**
     * libaom against in-process libdav1d through the pipeline's frame source, on the AV1 videos: per video two warm-up
     * passes of each mode, then {@link #ROUNDS} rounds alternating the decoders; CPU time of this thread (dav1d runs
     * with one thread, on the calling one).
     */
    private static void av1Decoders(List<Path> videos) {
        System.out.println();
        System.out.println("AV1 decoders through FfmpegFrameSource (threads=1): libaom (JavaCV) vs libdav1d (JNA, in"
                + " process); frames/s from the thread's CPU time, median of " + ROUNDS
                + " rounds; ratio = median over rounds of cpu(libaom) / cpu(dav1d)");
        System.out.printf(
                Locale.ROOT,
                "%-58s %6s | %8s %8s %6s | %8s %8s %6s | %8s %8s %6s%n",
                "video",
                "frames",
                "aom gray",
                "d1d gray",
                "ratio",
                "aom feat",
                "d1d feat",
                "ratio",
                "aom g+bgr",
                "d1d g+bgr",
                "ratio");
        String[] modes = {"gray", "features", "gray+bgr"};
        double[][] totals = new double[3][2];
        for (Path video : videos) {
            if (!"av1"
                    .equals(Codecs.canonical(
                            FfmpegFrameSource.probe(video.toFile(), 30).codec()))) {
                continue;
            }
            long frames = 0;
            for (int warmUp = 0; warmUp < 2; warmUp++) {
                for (String mode : modes) {
                    frames = pipelineSource(video, mode, Av1Decoder.LIBAOM);
                    pipelineSource(video, mode, Av1Decoder.DAV1D);
                }
            }
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-58s %6d", display(video), frames));
            for (int m = 0; m < modes.length; m++) {
                String mode = modes[m];
                double[] libaom = new double[ROUNDS];
                double[] dav1d = new double[ROUNDS];
                double[] ratios = new double[ROUNDS];
                for (int round = 0; round < ROUNDS; round++) {
                    libaom[round] = cpuSeconds(() -> pipelineSource(video, mode, Av1Decoder.LIBAOM));
                    dav1d[round] = cpuSeconds(() -> pipelineSource(video, mode, Av1Decoder.DAV1D));
                    ratios[round] = libaom[round] / dav1d[round];
                }
                totals[m][0] += median(libaom);
                totals[m][1] += median(dav1d);
                line.append(String.format(
                        Locale.ROOT,
                        " | %8.0f %8.0f %6.2f",
                        frames / median(libaom),
                        frames / median(dav1d),
                        median(ratios)));
            }
            System.out.println(line);
        }
        System.out.printf(
                Locale.ROOT,
                "all AV1 videos (sum of median CPU times), cpu(libaom) / cpu(dav1d): gray %.2f, features %.2f,"
                        + " gray+bgr %.2f%n",
                totals[0][0] / totals[0][1],
                totals[1][0] / totals[1][1],
                totals[2][0] / totals[2][1]);
    }

    /** Every frame through the pipeline's source: luma only, luma + default features, or luma + BGR. */
    private static long pipelineSource(Path video, String mode, Av1Decoder decoder) {
        PixelMode pixels = mode.equals("gray+bgr") ? PixelMode.GRAY_AND_BGR : PixelMode.GRAY;
        long frames = 0;
        try (FrameSource source = FfmpegFrameSource.open(video.toFile(), 0, Double.NaN, 1, 30, pixels, decoder);
                VisualChangeExtractor extractor = new VisualChangeExtractor(FeaturesConfig.defaults())) {
            if (decoder == Av1Decoder.DAV1D && !source.info().decoder().equals("libdav1d")) {
                throw new IllegalStateException("not decoded by libdav1d: " + video);
            }
            double sink = 0;
            for (DecodedFrame frame; (frame = source.next()) != null; frames++) {
                if (mode.equals("features")) {
                    sink += extractor.next(frame.image()).frameDiff();
                }
            }
            if (sink == 42) {
                System.out.print("");
            }
        }
        return frames;
    }

    private static double cpuSeconds(Runnable work) {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        work.run();
        return (threads.getCurrentThreadCpuTime() - start) / 1e9;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    private static List<Path> defaultVideos() throws IOException {
        List<Path> videos = new ArrayList<>();
        Path real = TestData.repoRoot()
                .resolveSibling("shared")
                .resolve("testdata/lerobot-v21-g1-pick-bottle/videos/chunk-000/observation.images.cam_high");
        if (Files.isDirectory(real)) {
            try (var files = Files.list(real)) {
                files.filter(p -> p.toString().endsWith(".mp4")).sorted().forEach(videos::add);
            }
        } else {
            System.out.println("(../shared/testdata not found: real AV1 640x480 recordings skipped)");
        }
        videos.add(TestData.srcTestData(
                "lerobot/lerobot-v20-pick-place-h264/videos/chunk-000/observation.images.front/episode_000001.mp4"));
        videos.add(TestData.srcTestData(
                "lerobot/lerobot-v21-pick-place-av1/videos/chunk-000/observation.images.front/episode_000001.mp4"));
        videos.add(TestData.srcTestData(
                "lerobot/lerobot-v30-pick-place-av1/videos/observation.images.front/chunk-000/file-000.mp4"));
        return videos;
    }

    private static long decode(Path video, FrameGrabber.ImageMode mode) {
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(video.toFile())) {
            grabber.setImageMode(mode);
            grabber.setVideoOption("threads", "1");
            grabber.start();
            long frames = 0;
            for (Frame frame; (frame = grabber.grabImage()) != null; ) {
                frames++;
            }
            return frames;
        } catch (FrameGrabber.Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long features(Path video, FeaturesConfig config) {
        long frames = 0;
        try (FfmpegFrameSource source = FfmpegFrameSource.open(video.toFile(), 0, Double.NaN, 1, 30);
                VisualChangeExtractor extractor = new VisualChangeExtractor(config)) {
            double sink = 0;
            for (DecodedFrame frame; (frame = source.next()) != null; frames++) {
                sink += extractor.next(frame.image()).phash();
            }
            if (sink == 42) {
                System.out.print("");
            }
        }
        return frames;
    }

    /**
     * Heap while the features stage (decode, alignment, features, per-frame rows) processes one long episode, for two
     * lengths: the peak of heap used (garbage included) and the largest live set the collector reported. Decoded
     * frames are never retained, so the live set grows only by the per-frame rows (tens of bytes a frame).
     */
    private static void longEpisodeHeap() throws IOException {
        for (int repeat : new int[] {75, 150}) {
            Path root = Files.createTempDirectory("procvlm-bench-long");
            try {
                LeRobotDatasetWriter.write(
                        root.resolve("long"),
                        new LeRobotDatasetWriter.DatasetPlan(
                                "v2.1",
                                false,
                                VideoEncoder.Codec.H264,
                                256,
                                192,
                                15,
                                true,
                                false,
                                List.of(new LeRobotDatasetWriter.EpisodePlan(
                                        EpisodeScript.Variant.SUCCESS,
                                        "red block",
                                        new int[] {40, 40, 200},
                                        "plate",
                                        7,
                                        repeat)),
                                0,
                                0));
                DatasetScan scan = DatasetReaders.scan(
                        DatasetSpec.ofPath(root.resolve("long").toString()),
                        new CameraRules(Map.of(), List.of("front"), List.of("wrist")));
                MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
                System.gc();
                long baseline = memory.getHeapMemoryUsage().getUsed();
                List<java.lang.management.MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans();
                pools.forEach(java.lang.management.MemoryPoolMXBean::resetPeakUsage);
                AtomicLong peak = new AtomicLong(baseline);
                AtomicLong live = new AtomicLong(0);
                Thread sampler = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        peak.accumulateAndGet(memory.getHeapMemoryUsage().getUsed(), Math::max);
                        long afterGc = 0;
                        for (java.lang.management.MemoryPoolMXBean pool : pools) {
                            java.lang.management.MemoryUsage collected = pool.getCollectionUsage();
                            if (collected != null && pool.getType() == java.lang.management.MemoryType.HEAP) {
                                afterGc += collected.getUsed();
                            }
                        }
                        live.accumulateAndGet(afterGc, Math::max);
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
                sampler.setDaemon(true);
                sampler.start();
                long start = System.nanoTime();
                EpisodeFeatures result = new EpisodeFeatureExtractor(
                                InspectionConfig.defaults(), FeaturesConfig.defaultsWithPhash())
                        .extract(scan.episodes().get(0));
                double seconds = (System.nanoTime() - start) / 1e9;
                sampler.interrupt();
                System.out.printf(
                        Locale.ROOT,
                        "long episode: %,d frames (%s) in %.1f s (%.0f frames/s incl. parquet and rows); heap used"
                                + " before %.1f MiB, peak %.1f MiB incl. garbage; largest live set after a GC %.1f"
                                + " MiB; -Xmx %.0f MiB%n",
                        result.frames().size(),
                        result.status(),
                        seconds,
                        result.frames().size() / seconds,
                        baseline / 1048576.0,
                        peak.get() / 1048576.0,
                        live.get() / 1048576.0,
                        Runtime.getRuntime().maxMemory() / 1048576.0);
            } finally {
                try (var files = Files.walk(root)) {
                    files.sorted(java.util.Comparator.reverseOrder())
                            .map(Path::toFile)
                            .forEach(File::delete);
                }
            }
        }
    }

    private static String display(Path video) {
        String text = video.toString();
        int keep = text.indexOf("lerobot");
        return keep >= 0 ? text.substring(keep) : text;
    }
}
