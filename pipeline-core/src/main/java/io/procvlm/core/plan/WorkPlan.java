package io.procvlm.core.plan;

import static java.util.Objects.requireNonNull;

import io.procvlm.core.model.CameraStorage;
import io.procvlm.core.model.EpisodeRef;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Packs episode references into Spark tasks by estimated decode cost, so that many short episodes share a task and
 * no task straggles: an episode costing more than a task's share runs alone; episodes of one video file (LeRobot v3.0
 * shards) stay together, in file order, so a task reads the file's range front to back; the rest are spread
 * longest-first onto the least loaded task. Deterministic: the same references give the same plan.
 *
 * @param tasks the tasks, each a list of episodes in reading order
 * @param costs the estimated cost of each task, in frame equivalents
 * @param target the cost a task aims at
 * @param isolated keys of the episodes that run alone because they cost more than the target
 * @param sharedFiles video files holding several of the episodes (kept together)
 */
public record WorkPlan(
        List<List<EpisodeRef>> tasks, List<Double> costs, double target, List<String> isolated, int sharedFiles) {
    /** Fixed cost of an episode besides its frames: opening files, seeking, writing its summary. */
    static final double EPISODE_OVERHEAD = 30;

    public WorkPlan {
        tasks = tasks.stream().map(List::copyOf).toList();
        costs = List.copyOf(costs);
        isolated = List.copyOf(isolated);
    }

    /**
     * Relative cost of decoding one frame, by codec (software decoders on one core: AV1 and HEVC cost about twice
     * H.264; images are one JPEG/PNG decode each).
     */
    public static double frameCost(EpisodeRef ref) {
        if (ref.camera().storage() != CameraStorage.VIDEO || ref.video() == null) {
            return 0.6;
        }
        String codec = ref.video().declaredCodec() == null
                ? ""
                : ref.video().declaredCodec().toLowerCase(Locale.ROOT);
        if (codec.contains("av1") || codec.contains("av01")) {
            return 2.0;
        }
        if (codec.contains("hevc") || codec.contains("h265") || codec.contains("vp9")) {
            return 1.7;
        }
        if (codec.contains("mpeg4")) {
            return 0.8;
        }
        return 1.0;
    }

    /** An episode's estimated cost in frame equivalents. */
    public static double cost(EpisodeRef ref) {
        long frames = ref.declaredLength() > 0 ? ref.declaredLength() : 0;
        return EPISODE_OVERHEAD + frames * frameCost(ref);
    }

    /** Packs {@code episodes} into about {@code tasks} tasks. */
    public static WorkPlan pack(List<EpisodeRef> episodes, int tasks) {
        requireNonNull(episodes, "episodes is null");
        if (episodes.isEmpty()) {
            return new WorkPlan(List.of(), List.of(), 0, List.of(), 0);
        }
        List<EpisodeRef> sorted = new ArrayList<>(episodes);
        sorted.sort(Comparator.comparing((EpisodeRef ref) -> ref.dataset().value())
                .thenComparingLong(EpisodeRef::episodeIndex));
        double total = sorted.stream().mapToDouble(WorkPlan::cost).sum();
        int wanted = Math.max(1, Math.min(tasks, sorted.size()));
        double target = total / wanted;

        // Units of placement: a lone episode, or a run of episodes of one shared file (cut where it exceeds target).
        Map<String, List<EpisodeRef>> byFile = new LinkedHashMap<>();
        for (EpisodeRef ref : sorted) {
            String file = ref.video() != null
                            && (ref.video().isBounded() || ref.video().fromTimestamp() > 0)
                    ? ref.datasetRoot() + "/" + ref.video().path()
                    : ref.key();
            byFile.computeIfAbsent(file, k -> new ArrayList<>()).add(ref);
        }
        int sharedFiles = 0;
        List<List<EpisodeRef>> units = new ArrayList<>();
        List<String> isolated = new ArrayList<>();
        List<List<EpisodeRef>> alone = new ArrayList<>();
        for (List<EpisodeRef> group : byFile.values()) {
            if (group.size() > 1) {
                sharedFiles++;
                group.sort(Comparator.comparingDouble(ref -> ref.video().fromTimestamp()));
            }
            List<EpisodeRef> current = new ArrayList<>();
            double currentCost = 0;
            for (EpisodeRef ref : group) {
                double cost = cost(ref);
                if (cost >= target && wanted > 1) {
                    isolated.add(ref.key());
                    alone.add(List.of(ref));
                    continue;
                }
                if (!current.isEmpty() && currentCost + cost > target) {
                    units.add(current);
                    current = new ArrayList<>();
                    currentCost = 0;
                }
                current.add(ref);
                currentCost += cost;
            }
            if (!current.isEmpty()) {
                units.add(current);
            }
        }
        // Longest first onto the least loaded bin (ties: the lower bin), bins = the tasks left after isolation.
        units.sort(Comparator.comparingDouble((List<EpisodeRef> unit) -> -unitCost(unit))
                .thenComparing(unit -> unit.get(0).key()));
        int bins = Math.max(1, wanted - alone.size());
        List<List<EpisodeRef>> packed = new ArrayList<>();
        double[] load = new double[bins];
        for (int i = 0; i < bins; i++) {
            packed.add(new ArrayList<>());
        }
        for (List<EpisodeRef> unit : units) {
            int best = 0;
            for (int i = 1; i < bins; i++) {
                if (load[i] < load[best]) {
                    best = i;
                }
            }
            packed.get(best).addAll(unit);
            load[best] += unitCost(unit);
        }
        List<List<EpisodeRef>> result = new ArrayList<>();
        List<Double> costs = new ArrayList<>();
        for (List<EpisodeRef> task : alone) {
            result.add(task);
            costs.add(unitCost(task));
        }
        for (int i = 0; i < bins; i++) {
            if (!packed.get(i).isEmpty()) {
                result.add(packed.get(i));
                costs.add(load[i]);
            }
        }
        return new WorkPlan(result, costs, target, isolated, sharedFiles);
    }

    private static double unitCost(List<EpisodeRef> unit) {
        return unit.stream().mapToDouble(WorkPlan::cost).sum();
    }

    /** Episodes in the plan. */
    public int episodes() {
        return tasks.stream().mapToInt(List::size).sum();
    }

    /** The largest task's cost over the mean task cost (1.0 = perfectly even). */
    public double imbalance() {
        if (costs.isEmpty()) {
            return 1.0;
        }
        double max = costs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double mean = costs.stream().mapToDouble(Double::doubleValue).average().orElse(1);
        return mean == 0 ? 1.0 : max / mean;
    }
}
