package io.procvlm.annotators.vlm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.AnnotationResult;
import io.procvlm.annotators.Vocabulary;
import io.procvlm.annotators.vlm.testing.FakeChatServer;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.episode.EpisodeFeatureExtractor;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.episode.InspectionConfig;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.features.FeaturesConfig;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import io.procvlm.core.testing.GeneratedDatasets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vlm annotator against a fake OpenAI-compatible server on 127.0.0.1 replaying recorded replies. */
final class TestVlmAnnotator {
    private static final CameraRules RULES = new CameraRules(Map.of(), List.of("front"), List.of("wrist"));
    private static EpisodeRef ref;
    private static EpisodeFrames frames;

    @TempDir
    Path directory;

    private FakeChatServer server;

    @BeforeAll
    static void episode() {
        ref = DatasetReaders.scan(
                        DatasetSpec.ofPath(GeneratedDatasets.path(GeneratedDatasets.V21_AV1)
                                .toString()),
                        RULES)
                .episodes()
                .get(0);
        frames = EpisodeFrames.of(
                new EpisodeFeatureExtractor(InspectionConfig.defaults(), FeaturesConfig.defaults())
                        .extract(ref)
                        .frames(),
                false);
    }

    @BeforeEach
    void start() {
        server = FakeChatServer.start(VlmReplies.valid());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private VlmSettings settings(String cache, int repairs, int attempts, String sheet) {
        boolean sheets = !sheet.equals("off");
        return new VlmSettings(
                List.of(server.baseUri().toString()),
                "fake-vlm",
                "",
                2.0,
                12,
                224,
                85,
                sheets ? 2 : 0,
                sheets ? 2 : 0,
                0.1,
                512,
                42,
                2.0,
                attempts,
                10,
                200,
                4,
                100,
                1.0,
                repairs,
                directory.resolve(cache).toString(),
                "embedded");
    }

    /** A fresh client per annotator (the production factory shares one per JVM and settings). */
    private VlmAnnotator annotator(VlmSettings settings) {
        return new VlmAnnotator(settings, Vocabulary.embedded(), VlmPrompts.embedded(), 0.25, s -> clientOf(s));
    }

    private static io.procvlm.annotators.vlm.http.OpenAiChatClient clientOf(VlmSettings settings) {
        return (io.procvlm.annotators.vlm.http.OpenAiChatClient) VlmClients.shared(settings);
    }

    private AnnotationResult annotate(VlmSettings settings) {
        return annotator(settings).annotateWithUsage(AnnotationInput.wholeEpisode(ref, frames));
    }

    @Test
    void twoPassesThenTheCacheAnswers() {
        VlmSettings settings = settings("cache", 1, 3, "off");
        AnnotationResult result = annotate(settings);
        SegmentAnnotation annotation = result.annotation();
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(annotation.annotator()).isEqualTo("vlm");
        assertThat(annotation.plan()).containsExactly("Grasp the red block", "Place the red block onto the plate");
        assertThat(annotation.spans())
                .containsExactly(
                        new SubtaskSpan(0, "Grasp the red block", "grasp", 8, 28, SpanStatus.COMPLETED),
                        new SubtaskSpan(
                                1, "Place the red block onto the plate", "place", 29, 60, SpanStatus.COMPLETED));
        assertThat(annotation.outcome()).isEqualTo(TaskOutcome.SUCCESS);
        assertThat(annotation.signals()).containsExactly("video", "model:fake-vlm");
        assertThat(result.usage())
                .containsEntry("vlm-requests", 2L)
                .containsEntry("vlm-prompt-tokens", 5210L + 5410L)
                .doesNotContainKey("vlm-cache-hits");

        FakeChatServer.RecordedRequest plan = server.requests().get(0);
        assertThat(plan.json().path("model").asText()).isEqualTo("fake-vlm");
        assertThat(plan.json().path("seed").asLong()).isEqualTo(42);
        assertThat(plan.lastUserText())
                .startsWith("<0.00 seconds>\n<0.")
                .contains("\"" + ref.task() + "\"", "- Grasp X", "- Place X onto/into Y");
        // 9.3 s at 15 fps: 2 frames/s would be 19 frames, capped at max-frames 12, uniform in time; 0.5 s is frame 8
        assertThat(VlmReplies.images(plan)).isEqualTo(12);
        assertThat(plan.json().at("/messages/0/content/1/image_url/url").asText())
                .startsWith("data:image/jpeg;base64,");
        assertThat(server.requests().get(1).lastUserText())
                .contains(
                        "1. \"Grasp the red block\"\n2. \"Place the red block onto the plate\"", "The clip lasts 9.40")
                .contains("seconds; each frame is preceded by its time in seconds");

        // same question, same answer from the cache: nothing sent
        AnnotationResult again = annotate(settings);
        assertThat(server.requestCount()).isEqualTo(2);
        assertThat(again.annotation()).isEqualTo(annotation);
        assertThat(again.usage()).containsEntry("vlm-cache-hits", 2L).doesNotContainKey("vlm-requests");
        // another prompt version asks again
        VlmAnnotator other = new VlmAnnotator(
                settings,
                Vocabulary.embedded(),
                new VlmPrompts(
                        "2",
                        VlmPrompts.embedded().plan(),
                        VlmPrompts.embedded().localise(),
                        VlmPrompts.embedded().repair(),
                        "x"),
                0.25,
                s -> clientOf(s));
        other.annotate(AnnotationInput.wholeEpisode(ref, frames));
        assertThat(server.requestCount()).isEqualTo(4);
    }

    @Test
    void invalidAnswersAreRepairedOnce() {
        server.enqueue(VlmReplies.reply("plan-unknown-verb"));
        server.fallback(request -> VlmReplies.reply(
                !VlmReplies.isPlan(request) && request.json().path("messages").size() == 1
                        ? "localise-malformed"
                        : VlmReplies.isPlan(request) ? "plan-ok" : "localise-ok"));
        AnnotationResult result = annotate(settings("cache", 1, 3, "off"));
        assertThat(result.annotation().outcome()).isEqualTo(TaskOutcome.SUCCESS);
        assertThat(result.usage()).containsEntry("vlm-requests", 4L).containsEntry("vlm-repairs", 2L);
        FakeChatServer.RecordedRequest planRepair = server.requests().get(1);
        assertThat(planRepair.json().path("messages")).hasSize(3);
        assertThat(planRepair.json().at("/messages/1/role").asText()).isEqualTo("assistant");
        assertThat(planRepair.lastUserText())
                .contains("could not be used: these actions do not start with an allowed verb: [Approach the red"
                        + " block, Put the block on the plate]");
        assertThat(server.requests().get(3).lastUserText()).contains("it is not valid JSON");
    }

    @Test
    void answersThatStayInvalidQuarantineTheEpisode() {
        for (String bad : List.of("localise-out-of-range", "localise-reversed", "localise-malformed")) {
            server.reset();
            server.fallback(VlmReplies.router("plan-ok", bad));
            assertThatThrownBy(() -> annotate(settings("cache-" + bad, 1, 3, "off")))
                    .isInstanceOf(PipelineException.class)
                    .hasMessageContaining("The localise answer is unusable after 1 repair request(s)")
                    .extracting(e -> ((PipelineException) e).errorCode().name())
                    .isEqualTo("VLM_ANSWER_INVALID");
            assertThat(server.requestCount()).as(bad).isEqualTo(3);
        }
        assertThat(server.requests().get(2).lastUserText()).contains("could not be used: it is not valid JSON");
    }

    @Test
    void aFailedRunEndsIncompleteWithTheModelsEvidence() {
        server.fallback(VlmReplies.router("plan-ok", "localise-failed"));
        SegmentAnnotation annotation = annotate(settings("cache", 0, 3, "off")).annotation();
        assertThat(annotation.outcome()).isEqualTo(TaskOutcome.FAILURE);
        assertThat(annotation.evidence()).contains("task not completed");
        assertThat(annotation.spans().get(1).status()).isEqualTo(SpanStatus.INCOMPLETE);
    }

    @Test
    void transportFaultsAreRetriedOrBecomeErrorCodes() {
        server.enqueue(
                FakeChatServer.Reply.status(500, "{}"),
                FakeChatServer.Reply.tooManyRequests(1),
                FakeChatServer.Reply.delayed(Duration.ofSeconds(3), VlmReplies.reply("plan-ok")));
        AnnotationResult retried = annotate(settings("cache-a", 1, 5, "off"));
        assertThat(retried.annotation().outcome()).isEqualTo(TaskOutcome.SUCCESS);
        assertThat(retried.usage()).containsEntry("vlm-requests", 2L).containsEntry("vlm-http-attempts", 5L);

        server.reset();
        server.fallback(request -> FakeChatServer.Reply.status(401, "{\"error\": \"invalid api key\"}"));
        assertThatThrownBy(() -> annotate(settings("cache-b", 1, 5, "off")))
                .extracting(e -> ((PipelineException) e).errorCode().name())
                .isEqualTo("VLM_REQUEST_REJECTED");
        assertThat(server.requestCount()).isEqualTo(1);

        server.reset();
        server.fallback(request -> FakeChatServer.Reply.status(503, "overloaded"));
        assertThatThrownBy(() -> annotate(settings("cache-c", 1, 2, "off")))
                .extracting(e -> ((PipelineException) e).errorCode().name())
                .isEqualTo("VLM_UNAVAILABLE");
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void contactSheetsCutTheImagesPerRequest() {
        annotate(settings("cache", 1, 3, "2x2"));
        FakeChatServer.RecordedRequest plan = server.requests().get(0);
        assertThat(VlmReplies.images(plan)).isEqualTo(3); // 12 frames in sheets of 4
        assertThat(plan.lastUserText())
                .startsWith("<contact sheet 1: frames at 0.00, 0.87, 1.73, 2.60 seconds, left to right, top to"
                        + " bottom>\n<contact sheet 2: frames at 3.40,");
    }
}
