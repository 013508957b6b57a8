package io.procvlm.vqa;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Builds the ProcVQA samples of one task segment, as the reference's {@code pick_procedural.py} does (§5), but seeded:
 * each family draws from its own generator seeded by the run seed, the segment and the family, so a sample never
 * depends on how episodes are spread over tasks, nor on which other families are built.
 *
 * <ul>
 *   <li><b>Segmentation</b> (a1/a2): the whole segment subsampled by a bounded uniform stride to a cap drawn from
 *       [min, max] frames; the answer groups the sampled frames into runs of equal subtask (done / not done runs
 *       left out) as a JSON list of {@code action_description}, {@code start_frame}, {@code end_frame} in
 *       sampled-frame ordinals, end inclusive. Always one a1 sample; then a draw of 0-2: 1 adds an a2 sample over the
 *       whole segment, 2 adds up to two a2 samples over sub-ranges from one subtask run's start to a later one's end.
 *   <li><b>Planning</b> (b1/b2): each frame t before the last kept with the planning probability; a 50/50 choice of
 *       the next atomic action (frame t+1's subtask) or the remaining actions from t+1 as a numbered list; frames
 *       whose successor is done answer "No action required" with a reason, at most {@code finished-cap} of them.
 *   <li><b>Progress</b> (c): each frame kept with the progress probability; unfinished frames answer the remaining
 *       actions then {@code <progress>XX.XX%</progress>}; finished frames (done) answer 100% with a reason, at most
 *       {@code finished-cap} of them.
 * </ul>
 *
 * Planning and progress questions show a window: the current frame alone with the single-frame probability, else the
 * current frame and 4-16 (configurable) native frames before it. A frame of a failed segment where every planned
 * subtask completed but the task did not has no planned subtask left: its remaining action is the task itself.
 */
public final class EpisodeSampler implements java.io.Serializable {
    private final VqaConfig config;
    private final VqaTemplates templates;

    public EpisodeSampler(VqaConfig config, VqaTemplates templates) {
        this.config = config;
        this.templates = templates;
    }

    /** The samples of {@code corpus}, in family then anchor order. */
    public List<VqaSample> sample(EpisodeCorpus corpus) {
        List<VqaSample> samples = new ArrayList<>();
        if (corpus.frames().isEmpty() || corpus.frames().stream().noneMatch(CorpusFrame::inSubtask)) {
            return samples; // the reference's filter: at least one real subtask
        }
        String split = Splits.assign(corpus.dataset(), corpus.episodeIndex(), corpus.task(), config);
        for (VqaFamily family : config.families()) {
            SplittableRandom random = new SplittableRandom(
                    Splits.hash64(config.seed() + "\u0000" + corpus.key() + "\u0000" + family.id()));
            switch (family) {
                case SEGMENTATION -> segmentation(corpus, split, random, samples);
                case PLANNING -> planning(corpus, split, random, samples);
                case PROGRESS -> progress(corpus, split, random, samples);
            }
        }
        return samples;
    }

    private void segmentation(EpisodeCorpus corpus, String split, SplittableRandom random, List<VqaSample> out) {
        List<CorpusFrame> frames = corpus.frames();
        int n = frames.size();
        int cap = between(random, config.segmentationMinFrames(), config.segmentationMaxFrames());
        addSegmentation(corpus, split, "a1", "all", 0, n, cap, out);
        int draw = config.maxExtraSegmentations() == 0 ? 0 : random.nextInt(3);
        if (draw == 1) {
            int extraCap = between(random, config.segmentationMinFrames(), config.segmentationMaxFrames());
            addSegmentation(corpus, split, "a2", "all", 0, n, extraCap, out);
        } else if (draw == 2) {
            List<int[]> runs = subtaskRuns(frames);
            List<int[]> pairs = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                for (int j = i; j < runs.size(); j++) {
                    if (!(i == 0 && j == runs.size() - 1)) {
                        pairs.add(new int[] {runs.get(i)[0], runs.get(j)[1]});
                    }
                }
            }
            shuffle(pairs, random);
            int count = Math.min(Math.min(2, config.maxExtraSegmentations()), pairs.size());
            for (int k = 0; k < count; k++) {
                int[] range = pairs.get(k);
                int rangeCap = between(random, config.rangeMinFrames(), config.rangeMaxFrames());
                String anchor = frames.get(range[0]).frameIndex() + "-"
                        + frames.get(range[1] - 1).frameIndex();
                addSegmentation(corpus, split, "a2", anchor, range[0], range[1], rangeCap, out);
            }
        }
    }

    private void addSegmentation(
            EpisodeCorpus corpus,
            String split,
            String template,
            String anchor,
            int from,
            int to,
            int cap,
            List<VqaSample> out) {
        List<CorpusFrame> frames = corpus.frames();
        int length = to - from;
        int stride = length <= cap ? 1 : (length + cap - 1) / cap;
        List<CorpusFrame> sampled = new ArrayList<>();
        for (int i = from; i < to; i += stride) {
            sampled.add(frames.get(i));
        }
        StringBuilder answer = new StringBuilder("[");
        int runStart = 0;
        int written = 0;
        for (int i = 1; i <= sampled.size(); i++) {
            if (i == sampled.size()
                    || !sampled.get(i).subtask().equals(sampled.get(runStart).subtask())) {
                CorpusFrame first = sampled.get(runStart);
                if (first.inSubtask()) {
                    answer.append(written++ == 0 ? "" : ", ")
                            .append("{\"action_description\": \"")
                            .append(JsonStringEncoder.getInstance().quoteAsString(first.subtask()))
                            .append("\", \"start_frame\": ")
                            .append(runStart)
                            .append(", \"end_frame\": ")
                            .append(i - 1)
                            .append('}');
                }
                runStart = i;
            }
        }
        answer.append(']');
        if (written == 0) {
            return;
        }
        StringBuilder question = new StringBuilder();
        for (int i = 0; i < sampled.size(); i++) {
            question.append("<frame ").append(i).append(">\n<image>\n");
        }
        question.append(templates.fill(template, Map.of("task", taskText(corpus))));
        out.add(new VqaSample(
                corpus.key() + "/segmentation/" + template + "/" + anchor,
                corpus.dataset(),
                corpus.episodeIndex(),
                corpus.segmentIndex(),
                split,
                VqaFamily.SEGMENTATION,
                template,
                corpus.task(),
                sampled.stream().map(CorpusFrame::frameIndex).toList(),
                question.toString(),
                answer.toString(),
                Double.NaN,
                -1));
    }

    private void planning(EpisodeCorpus corpus, String split, SplittableRandom random, List<VqaSample> out) {
        List<CorpusFrame> frames = corpus.frames();
        List<Integer> kept = new ArrayList<>();
        List<Integer> finished = new ArrayList<>();
        for (int t = 0; t + 1 < frames.size(); t++) {
            if (random.nextDouble() >= config.planningKeep()) {
                continue;
            }
            (frames.get(t + 1).done() ? finished : kept).add(t);
        }
        Set<Integer> chosen = new HashSet<>(kept);
        chosen.addAll(capped(finished, random));
        for (int t = 0; t + 1 < frames.size(); t++) {
            if (!chosen.contains(t)) {
                continue;
            }
            String template = random.nextBoolean() ? "b1" : "b2";
            List<Integer> window = window(t, random);
            CorpusFrame next = frames.get(t + 1);
            String answer;
            if (next.done()) {
                answer = templates.fill("answer-no-action", Map.of("reason", reason(corpus)));
            } else {
                List<String> remaining = remaining(corpus, next);
                answer = template.equals("b1")
                        ? (next.inSubtask() ? next.subtask() : remaining.get(0))
                        : numbered(remaining);
            }
            out.add(windowSample(corpus, split, VqaFamily.PLANNING, template, window, answer, Double.NaN));
        }
    }

    private void progress(EpisodeCorpus corpus, String split, SplittableRandom random, List<VqaSample> out) {
        List<CorpusFrame> frames = corpus.frames();
        List<Integer> kept = new ArrayList<>();
        List<Integer> finished = new ArrayList<>();
        for (int t = 0; t < frames.size(); t++) {
            if (random.nextDouble() >= config.progressKeep()) {
                continue;
            }
            (frames.get(t).done() ? finished : kept).add(t);
        }
        Set<Integer> chosen = new HashSet<>(kept);
        chosen.addAll(capped(finished, random));
        for (int t = 0; t < frames.size(); t++) {
            if (!chosen.contains(t)) {
                continue;
            }
            List<Integer> window = window(t, random);
            CorpusFrame frame = frames.get(t);
            double percent = frame.done() ? 100.0 : frame.progress() * 100.0;
            String answer = frame.done()
                    ? templates.fill("answer-finished-progress", Map.of("reason", reason(corpus)))
                    : templates.fill(
                            "answer-remaining",
                            Map.of(
                                    "actions",
                                    numbered(remaining(corpus, frame)),
                                    "progress",
                                    String.format(Locale.ROOT, "%.2f", percent)));
            out.add(windowSample(corpus, split, VqaFamily.PROGRESS, "c", window, answer, percent));
        }
    }

    private VqaSample windowSample(
            EpisodeCorpus corpus,
            String split,
            VqaFamily family,
            String template,
            List<Integer> window,
            String answer,
            double progress) {
        List<CorpusFrame> frames = corpus.frames();
        StringBuilder question = new StringBuilder();
        List<Long> shown = new ArrayList<>(window.size());
        for (int position : window) {
            question.append("<image>\n");
            shown.add(frames.get(position).frameIndex());
        }
        question.append(templates.fill(template, Map.of("task", taskText(corpus))));
        long anchor = shown.get(shown.size() - 1);
        return new VqaSample(
                corpus.key() + "/" + family.id() + "/" + template + "/" + anchor,
                corpus.dataset(),
                corpus.episodeIndex(),
                corpus.segmentIndex(),
                split,
                family,
                template,
                corpus.task(),
                shown,
                question.toString(),
                answer,
                progress,
                anchor);
    }

    /** Positions of the window ending at {@code t}: t alone, or t and 4-16 (by default) native frames before it. */
    private List<Integer> window(int t, SplittableRandom random) {
        if (random.nextDouble() < config.singleFrameProbability()) {
            return List.of(t);
        }
        int history = between(random, config.windowMinHistory(), config.windowMaxHistory());
        List<Integer> window = new ArrayList<>();
        for (int i = Math.max(0, t - history); i <= t; i++) {
            window.add(i);
        }
        return window;
    }

    /** At most {@code finished-cap} of the finished positions, chosen at random, in order. */
    private List<Integer> capped(List<Integer> finished, SplittableRandom random) {
        if (finished.size() <= config.finishedCap()) {
            return finished;
        }
        List<Integer> shuffled = new ArrayList<>(finished);
        shuffle(shuffled, random);
        List<Integer> chosen = new ArrayList<>(shuffled.subList(0, config.finishedCap()));
        Collections.sort(chosen);
        return chosen;
    }

    /** What is left to do at {@code frame}; the task itself when its subtasks all completed but it did not. */
    private static List<String> remaining(EpisodeCorpus corpus, CorpusFrame frame) {
        return frame.remaining().isEmpty() ? List.of(corpus.task()) : frame.remaining();
    }

    private String reason(EpisodeCorpus corpus) {
        return templates.fill("finished-reason", Map.of("task", taskText(corpus)));
    }

    /** The task text as templates quote it: without its final period ("... the task "Pick up the cup"."). */
    static String taskText(EpisodeCorpus corpus) {
        return corpus.task().strip().replaceAll("[.\\s]+$", "");
    }

    /** Maximal runs of frames inside subtasks, as [start, end) positions. */
    private static List<int[]> subtaskRuns(List<CorpusFrame> frames) {
        List<int[]> runs = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= frames.size(); i++) {
            if (i == frames.size()
                    || !frames.get(i).subtask().equals(frames.get(start).subtask())) {
                if (frames.get(start).inSubtask()) {
                    runs.add(new int[] {start, i});
                }
                start = i;
            }
        }
        return runs;
    }

    static String numbered(List<String> actions) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < actions.size(); i++) {
            text.append(i == 0 ? "" : "\n").append(i + 1).append(". ").append(actions.get(i));
        }
        return text.toString();
    }

    private static int between(SplittableRandom random, int min, int max) {
        return min + random.nextInt(max - min + 1);
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }
}
