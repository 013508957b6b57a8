package io.procvlm.vqa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.procvlm.core.testing.TestData;
import io.procvlm.vqa.eval.ProgressAnswers;
import io.procvlm.vqa.eval.SegmentationAnswers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Sampling of the three families on a hand-made episode: formats, rates, caps, windows and determinism. */
final class TestEpisodeSampler {
    private static final String[] PLAN = {"reach the cup", "grasp the cup", "lift the cup", "retreat the gripper"};
    private static final int[] ENDS = {50, 80, 120, 180};

    /**
     * 200 frames: four subtasks, then 20 done frames; progress rises linearly to 1 at frame 180. A failed episode
     * ends in 20 not-done frames, its last subtask never completed, progress capped at 0.7.
     */
    static EpisodeCorpus episode(String dataset, long index, boolean success) {
        List<CorpusFrame> frames = new ArrayList<>();
        for (int f = 0; f < 200; f++) {
            int k = 0;
            while (k < ENDS.length && f >= ENDS[k]) {
                k++;
            }
            boolean tail = k == ENDS.length;
            boolean done = tail && success;
            List<String> remaining = new ArrayList<>();
            for (int j = 0; j < PLAN.length; j++) {
                // a failed episode never completes its last subtask
                if (f < ENDS[j] || (!success && j == PLAN.length - 1)) {
                    remaining.add(PLAN[j]);
                }
            }
            String label = tail ? (success ? "done" : "not done") : PLAN[k];
            double progress = success ? Math.min(1.0, f / 180.0) : Math.min(0.7, f / 180.0);
            frames.add(new CorpusFrame(f, f / 30.0, label, done ? 1.0 : progress, remaining, done));
        }
        return new EpisodeCorpus(dataset, index, 0, "Pick up the cup.", frames);
    }

    private static EpisodeSampler sampler(VqaConfig config) {
        return new EpisodeSampler(config, VqaTemplates.embedded());
    }

    @Test
    void everyFamilyInTheReferenceFormats() throws IOException {
        List<VqaSample> samples = sampler(VqaConfig.defaults(42)).sample(episode("d", 3, true));
        Map<VqaFamily, List<VqaSample>> byFamily = new TreeMap<>();
        for (VqaSample sample : samples) {
            byFamily.computeIfAbsent(sample.family(), k -> new ArrayList<>()).add(sample);
            assertThat(sample.question().split("<image>", -1))
                    .hasSize(sample.frames().size() + 1);
            assertThat(sample.id()).startsWith("d/3/" + sample.family().id() + "/" + sample.template() + "/");
        }
        assertThat(byFamily).containsOnlyKeys(VqaFamily.values());
        assertThat(samples.stream().map(VqaSample::id).distinct()).hasSize(samples.size());

        VqaSample whole = byFamily.get(VqaFamily.SEGMENTATION).get(0);
        assertThat(whole.template()).isEqualTo("a1");
        assertThat(whole.question())
                .startsWith("<frame 0>\n<image>\n<frame 1>\n<image>\n")
                .contains("the task \"Pick up the cup\".");
        assertThat(whole.frames().size()).isBetween(32, 100);
        JsonNode segments = new ObjectMapper().readTree(whole.answer());
        assertThat(segments).hasSize(4);
        assertThat(segments.get(0).get("action_description").asText()).isEqualTo("reach the cup");
        assertThat(segments.get(0).get("start_frame").asInt()).isZero();
        assertThat(segments.get(3).get("action_description").asText()).isEqualTo("retreat the gripper");
        assertThat(segments.get(3).get("end_frame").asInt())
                .isLessThan(whole.frames().size() - 1); // done left out
        assertThat(whole.answer()).startsWith("[{\"action_description\": \"reach the cup\", \"start_frame\": 0,");
        assertThat(SegmentationAnswers.parse(whole.answer())).isPresent();

        for (VqaSample progress : byFamily.get(VqaFamily.PROGRESS)) {
            assertThat(progress.template()).isEqualTo("c");
            assertThat(progress.frames().size()).isBetween(1, 17);
            if (progress.anchorFrame() >= 16) { // earlier windows are cut at the episode start
                assertThat(progress.frames().size()).isIn(1, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
            }
            assertThat(progress.frames()).isSorted().endsWith(progress.anchorFrame());
            assertThat(ProgressAnswers.parse(progress.answer()).getAsDouble())
                    .isCloseTo(progress.progress(), within(0.005));
            if (progress.progress() == 100.0) {
                assertThat(progress.answer()).endsWith("<progress>100%</progress>.");
            } else {
                assertThat(progress.answer()).startsWith("The following actions are required: \n1. ");
            }
        }
        for (VqaSample planning : byFamily.get(VqaFamily.PLANNING)) {
            long next = planning.anchorFrame() + 1;
            if (next >= 180) {
                assertThat(planning.answer())
                        .isEqualTo("No action required. The task \"Pick up the cup\" has been completed and no atomic"
                                + " action remains.");
            } else if (planning.template().equals("b1")) {
                assertThat(planning.answer()).isIn((Object[]) PLAN);
            } else {
                assertThat(planning.answer()).startsWith("1. ").doesNotContain("No action");
            }
        }
    }

    @Test
    void ratesAndCapsFollowTheConfiguration() {
        EpisodeCorpus corpus = episode("d", 1, true);
        List<VqaSample> samples = sampler(VqaConfig.defaults(7)).sample(corpus);
        long progress =
                samples.stream().filter(s -> s.family() == VqaFamily.PROGRESS).count();
        long planning =
                samples.stream().filter(s -> s.family() == VqaFamily.PLANNING).count();
        // 180 unfinished frames kept with 0.8 (plus at most 10 finished); 179 with 0.6 (plus at most 10)
        assertThat(progress).isBetween(125L, 165L + 10);
        assertThat(planning).isBetween(85L, 130L + 10);
        assertThat(samples.stream()
                        .filter(s -> s.family() == VqaFamily.PROGRESS && s.progress() == 100.0)
                        .count())
                .isEqualTo(10); // 20 finished frames, 16 kept on average, capped at 10
        long single = samples.stream()
                .filter(s -> s.family() != VqaFamily.SEGMENTATION && s.frames().size() == 1)
                .count();
        assertThat(single / (double) (progress + planning)).isBetween(0.2, 0.4);

        VqaConfig everyFrame = VqaConfig.load(
                7,
                "vqa.families=progress",
                "vqa.progress.keep-probability=1",
                "vqa.window.single-frame-probability=0",
                "vqa.window.min-history=2",
                "vqa.window.max-history=2",
                "vqa.finished-cap=0");
        List<VqaSample> all = sampler(everyFrame).sample(corpus);
        assertThat(all)
                .hasSize(180)
                .allSatisfy(s -> assertThat(s.frames().size()).isBetween(1, 3));
    }

    @Test
    void sameSeedSameSamplesOtherSeedOtherSamplesSameSplit() {
        EpisodeCorpus corpus = episode("d", 5, true);
        List<VqaSample> first = sampler(VqaConfig.defaults(42)).sample(corpus);
        assertThat(sampler(VqaConfig.defaults(42)).sample(corpus)).isEqualTo(first);
        List<VqaSample> other = sampler(VqaConfig.defaults(43)).sample(corpus);
        assertThat(other).isNotEqualTo(first);
        Set<String> splits = new HashSet<>();
        first.forEach(s -> splits.add(s.split()));
        other.forEach(s -> splits.add(s.split()));
        assertThat(splits).hasSize(1);
        // a family's samples do not depend on which other families are built
        VqaConfig progressOnly = VqaConfig.load(42, "vqa.families=progress");
        assertThat(sampler(progressOnly).sample(corpus))
                .isEqualTo(first.stream()
                        .filter(s -> s.family() == VqaFamily.PROGRESS)
                        .toList());
    }

    @Test
    void failedEpisodesNeverAnswerFinished() {
        List<VqaSample> samples = sampler(VqaConfig.defaults(42)).sample(episode("d", 2, false));
        assertThat(samples).isNotEmpty().noneMatch(s -> s.answer().contains("No action required"));
        assertThat(samples.stream().filter(s -> s.family() == VqaFamily.PROGRESS))
                .allSatisfy(s -> assertThat(s.progress()).isLessThanOrEqualTo(70.0));
        // on the not-done tail the remaining action is the last subtask that never completed
        assertThat(samples.stream().filter(s -> s.family() == VqaFamily.PROGRESS && s.anchorFrame() >= 180))
                .isNotEmpty()
                .allSatisfy(s -> assertThat(s.answer()).contains("1. retreat the gripper"));
    }

    @Test
    void splitsAreByEpisodeAndHeldOutDatasetsAndTasksGoToOod() {
        VqaConfig config =
                VqaConfig.load(1, "vqa.test-ratio=0.3", "vqa.ood-datasets=held-out", "vqa.ood-tasks=Open the drawer.");
        int test = 0;
        for (int e = 0; e < 1000; e++) {
            test += Splits.assign("d", e, "Pick up the cup.", config).equals(Splits.TEST) ? 1 : 0;
        }
        assertThat(test).isBetween(250, 350);
        assertThat(Splits.assign("held-out", 0, "Pick up the cup.", config)).isEqualTo(Splits.OOD);
        assertThat(Splits.assign("d", 0, "Open the drawer.", config)).isEqualTo(Splits.OOD);
        // the salt, not the seed, decides
        VqaConfig reseeded =
                VqaConfig.load(99, "vqa.test-ratio=0.3", "vqa.ood-datasets=held-out", "vqa.ood-tasks=Open the drawer.");
        for (int e = 0; e < 50; e++) {
            assertThat(Splits.assign("d", e, "x", reseeded)).isEqualTo(Splits.assign("d", e, "x", config));
        }
    }

    @Test
    void templatesFileEqualsTheEmbeddedCopyAndErrorsNameTheKey() throws IOException {
        String conf = Files.readString(TestData.repoRoot().resolve("conf/vqa-templates.yaml"));
        try (InputStream in = VqaTemplates.class.getResourceAsStream("vqa-templates.yaml")) {
            assertThat(conf).isEqualTo(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        assertThatThrownBy(() -> VqaTemplates.parse("a1: x\n", "t.yaml"))
                .hasMessage("Invalid value 't.yaml' for configuration key 'vqa.templates': the file has no template"
                        + " 'a2'");
        assertThatThrownBy(() -> VqaTemplates.load("/nonexistent/templates.yaml"))
                .hasMessageStartingWith(
                        "Invalid value '/nonexistent/templates.yaml' for configuration key 'vqa.templates'");
        VqaTemplates odd = VqaTemplates.parse(
                VqaTemplates.REQUIRED.stream()
                        .map(id -> id + ": \"{task} {weather}\"")
                        .reduce("", (a, b) -> a + b + "\n"),
                "odd.yaml");
        assertThatThrownBy(() -> odd.fill("c", Map.of("task", "t")))
                .hasMessageContaining("VQA template 'c' uses {weather}");
    }
}
