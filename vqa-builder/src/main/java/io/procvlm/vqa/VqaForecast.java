package io.procvlm.vqa;

import io.procvlm.core.model.ProgressLabel;
import io.procvlm.core.video.FrameImages;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the {@code vqa} stage will produce for the trainer, forecast before a run ({@code procvlm plan}) by the stage's
 * own rules on a sample of episodes known only from their metadata: each episode gets a stand-in corpus (the task cut
 * into {@link #STAND_IN_SUBTASKS} equal subtasks with typical labels, linear progress, the last 5% of frames done),
 * the real {@link EpisodeSampler} samples it, {@link Placement} counts and places each sample at the image size the
 * stage would store, and each set is packed by {@link Packer} in the stage's seeded chunks.
 */
public final class VqaForecast {
    /** Labels of the stand-in subtasks: typical lengths of real subtask labels. */
    public static final List<String> STAND_IN_SUBTASKS =
            List.of("reach for the object", "grasp the object", "move the object to the target", "release the object");

    private VqaForecast() {}

    /** An episode as its metadata declares it. */
    public record Episode(
            String dataset, long episodeIndex, String task, long frames, double fps, int width, int height) {}

    /** Counts over the sampled episodes. */
    public record Totals(
            long episodes,
            long frames,
            long samples,
            long tokens,
            Map<String, Long> setSamples,
            Map<String, Long> packs,
            Map<String, Long> packedTokens,
            long dropped,
            long downSized) {
        public double fillRatio(String set, long capacity) {
            long count = packs.getOrDefault(set, 0L);
            return count == 0 ? 0 : packedTokens.getOrDefault(set, 0L) / (double) (count * capacity);
        }
    }

    /** The stand-in corpus of an episode. */
    static EpisodeCorpus standIn(Episode episode) {
        int n = (int) Math.max(1, episode.frames());
        int doneFrom = Math.max(1, (int) Math.floor(n * 0.95));
        int count = STAND_IN_SUBTASKS.size();
        List<CorpusFrame> frames = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            boolean done = i >= doneFrom;
            int subtask = Math.min(count - 1, (int) ((long) i * count / doneFrom));
            frames.add(new CorpusFrame(
                    i,
                    episode.fps() > 0 ? i / episode.fps() : i,
                    done ? ProgressLabel.DONE : STAND_IN_SUBTASKS.get(subtask),
                    done ? 1.0 : i / (double) doneFrom,
                    done ? List.of() : STAND_IN_SUBTASKS.subList(subtask, count),
                    done));
        }
        return new EpisodeCorpus(
                episode.dataset(),
                episode.episodeIndex(),
                0,
                episode.task().isBlank() ? "do the task" : episode.task(),
                frames);
    }

    /** Samples, places and packs the stand-in corpora of {@code episodes}. */
    public static Totals forecast(List<Episode> episodes, VqaConfig config, VqaTemplates templates) {
        EpisodeSampler sampler = new EpisodeSampler(config, templates);
        ContextConfig context = config.context();
        Map<String, List<Packer.Item>> items = new TreeMap<>();
        Map<String, Long> setSamples = new TreeMap<>();
        long samples = 0;
        long tokens = 0;
        long dropped = 0;
        long downSized = 0;
        long frames = 0;
        for (Episode episode : episodes) {
            frames += episode.frames();
            int[] size = FrameImages.targetSize(
                    episode.width(), episode.height(), config.imageMaxSide(), config.keepAspect());
            double seconds = episode.fps() > 0 ? episode.frames() / episode.fps() : Double.POSITIVE_INFINITY;
            for (VqaSample sample : sampler.sample(standIn(episode))) {
                Placement placement = Placement.of(sample, size[0], size[1], seconds, config);
                samples++;
                tokens += placement.counts().total();
                downSized += Placement.FULL.equals(placement.variant()) ? 0 : 1;
                if (placement.context().equals(ContextConfig.DROPPED)) {
                    dropped++;
                    continue;
                }
                add(
                        items,
                        setSamples,
                        placement.context(),
                        sample.id(),
                        placement.counts().total(),
                        context);
                if (placement.replay()) {
                    add(
                            items,
                            setSamples,
                            ContextConfig.LONG,
                            sample.id(),
                            placement.counts().total(),
                            context);
                }
            }
        }
        Map<String, Long> packs = new TreeMap<>();
        Map<String, Long> packedTokens = new TreeMap<>();
        items.forEach((set, list) -> {
            List<Packer.Item> ordered = new ArrayList<>(list);
            ordered.sort(Comparator.comparing((Packer.Item item) ->
                            io.procvlm.core.io.Fingerprints.ofString(config.seed() + "\u0000pack\u0000" + item.id()))
                    .thenComparing(Packer.Item::id));
            for (int from = 0; from < ordered.size(); from += context.chunkRows()) {
                for (Packer.Bin bin : Packer.toConstantVolume(
                        ordered.subList(from, Math.min(ordered.size(), from + context.chunkRows())),
                        context.capacity(set))) {
                    packs.merge(set, 1L, Long::sum);
                    packedTokens.merge(set, bin.tokens(), Long::sum);
                }
            }
        });
        return new Totals(
                episodes.size(), frames, samples, tokens, setSamples, packs, packedTokens, dropped, downSized);
    }

    private static void add(
            Map<String, List<Packer.Item>> items,
            Map<String, Long> setSamples,
            String set,
            String id,
            long tokens,
            ContextConfig context) {
        setSamples.merge(set, 1L, Long::sum);
        if (tokens <= context.capacity(set)) {
            items.computeIfAbsent(set, k -> new ArrayList<>()).add(new Packer.Item(id, tokens));
        }
    }
}
