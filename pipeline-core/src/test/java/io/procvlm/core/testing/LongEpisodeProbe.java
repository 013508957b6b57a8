package io.procvlm.core.testing;

import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFeatures;
import io.procvlm.core.episode.EpisodeInspection;
import io.procvlm.core.episode.EpisodeInspector;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.model.EpisodeRef;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs episode 0 of a dataset through the index checks and the features extraction (what the Spark tasks call) and
 * prints one line: {@code probe index=STATUS features=STATUS frames=N images=N peak-heap-mib=M max-heap-mib=X}. Started by the
 * fault suite in a JVM with a small {@code -Xmx} on a very long episode.
 */
public final class LongEpisodeProbe {
    private LongEpisodeProbe() {}

    public static void main(String[] args) throws InterruptedException, java.io.IOException {
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP)
                .toList();
        java.util.concurrent.atomic.AtomicLong maxLive = new java.util.concurrent.atomic.AtomicLong();
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long live = 0;
                for (MemoryPoolMXBean pool : heap) {
                    java.lang.management.MemoryUsage afterGc = pool.getCollectionUsage();
                    live += afterGc == null ? 0 : afterGc.getUsed();
                }
                maxLive.accumulateAndGet(live, Math::max);
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        CameraRules rules = new CameraRules(Map.of(), List.of("front", "high"), List.of("wrist", "hand"));
        EpisodeRef episode = DatasetReaders.scan(DatasetSpec.ofPath(args[0]), rules)
                .episodes()
                .get(0);
        EpisodeInspection inspection = new EpisodeInspector(InspectionConfig.defaults()).inspect(episode);
        // With the frame images the features stage writes by default: streamed to a file, never held.
        java.nio.file.Path imagesRoot = java.nio.file.Files.createTempDirectory("probe-images");
        EpisodeFeatures features = new EpisodeFeatureExtractor(
                        InspectionConfig.defaults(),
                        FeaturesConfig.defaults(),
                        new io.procvlm.core.images.ImageSettings(true, 480, true, 90),
                        imagesRoot.toUri().toString())
                .extract(inspection.ref());
        ManagementFactory.getMemoryMXBean().gc();
        Thread.sleep(100);
        sampler.interrupt();
        long liveAtEnd =
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.println(String.format(
                Locale.ROOT,
                "probe index=%s features=%s frames=%d images=%d max-live-heap-mib=%.1f live-heap-at-end-mib=%.1f"
                        + " max-heap-mib=%.1f reasons=%s %s",
                inspection.status(),
                features.status(),
                features.frames().size(),
                features.stats().images(),
                Math.max(maxLive.get(), liveAtEnd) / 1048576.0,
                liveAtEnd / 1048576.0,
                Runtime.getRuntime().maxMemory() / 1048576.0,
                inspection.reason().map(Object::toString).orElse("-"),
                features.reason().map(Object::toString).orElse("-")));
    }
}
