package io.procvlm.annotators.vlm;

import static java.util.Objects.requireNonNull;

import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.AnnotationResult;
import io.procvlm.annotators.AnnotatorErrorCode;
import io.procvlm.annotators.SubtaskAnnotator;
import io.procvlm.annotators.Vocabulary;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.io.Fingerprints;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Subtasks from a vision-language model behind an OpenAI-compatible chat endpoint, in two passes as the reference
 * (procvlm.md §3): the model plans the task into atomic actions from the closed verb vocabulary, then localises each
 * planned action in the clip (start and completion time in seconds, or none) and says whether the task was completed.
 *
 * <p>Every answer is validated ({@link VlmAnswers}); an invalid one is sent back with what is wrong, at most
 * {@code annotate.vlm.repair-attempts} times. Every request is looked up in the {@link VlmCache} first and every answer
 * stored there, so re-runs and Spark task retries never ask twice. Transport failures are retried by the client;
 * what still fails becomes this episode's error code ({@code VLM_UNAVAILABLE}, {@code VLM_REQUEST_REJECTED},
 * {@code VLM_ANSWER_INVALID}, {@code VLM_CACHE_IO}), never a task failure.
 */
public final class VlmAnnotator implements SubtaskAnnotator {
    public static final String ID = "vlm";
    static final String VERSION = "1";

    private final VlmSettings settings;
    private final Vocabulary vocabulary;
    private final VlmPrompts prompts;
    private final double toleranceFrames;
    private final ClientFactory clients;

    /** Makes (or shares) the chat client of some settings; {@link VlmClients#shared} in production. */
    @FunctionalInterface
    public interface ClientFactory extends java.io.Serializable {
        ChatClient client(VlmSettings settings);
    }

    public VlmAnnotator(
            VlmSettings settings,
            Vocabulary vocabulary,
            VlmPrompts prompts,
            double toleranceFrames,
            ClientFactory clients) {
        this.settings = requireNonNull(settings, "settings is null");
        this.vocabulary = requireNonNull(vocabulary, "vocabulary is null");
        this.prompts = requireNonNull(prompts, "prompts is null");
        this.toleranceFrames = toleranceFrames;
        this.clients = requireNonNull(clients, "clients is null");
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public int parallelism() {
        return settings.concurrency() * settings.endpoints().size();
    }

    @Override
    public SegmentAnnotation annotate(AnnotationInput input) {
        return annotateWithUsage(input).annotation();
    }

    @Override
    public AnnotationResult annotateWithUsage(AnnotationInput input) {
        Map<String, Long> usage = new TreeMap<>();
        VlmFrames frames = VlmFrames.of(input, settings, toleranceFrames);
        if (frames.images().isEmpty()) {
            throw new PipelineException(AnnotatorErrorCode.NO_FRAMES, "The segment has no frames to show the model");
        }
        List<ChatRequest.Part> shown = new ArrayList<>();
        for (int i = 0; i < frames.images().size(); i++) {
            shown.add(new ChatRequest.Text(frames.captions().get(i)));
            shown.add(new ChatRequest.Image(frames.images().get(i)));
        }
        VlmCache cache = new VlmCache(settings.cache());
        String task =
                input.task().isBlank() ? "No specified task" : input.task().strip();

        List<String> plan = ask(
                "plan",
                shown,
                VlmPrompts.fill(prompts.plan(), Map.of("task", task, "verbs", verbPatterns())),
                content -> VlmAnswers.plan(content, vocabulary),
                cache,
                usage);
        StringBuilder planText = new StringBuilder();
        for (int i = 0; i < plan.size(); i++) {
            planText.append(i == 0 ? "" : "\n")
                    .append(i + 1)
                    .append(". \"")
                    .append(plan.get(i))
                    .append('"');
        }
        String duration = String.format(Locale.ROOT, "%.2f", frames.duration());
        VlmAnswers.Localisation localisation = ask(
                "localise",
                shown,
                VlmPrompts.fill(
                        prompts.localise(), Map.of("task", task, "plan", planText.toString(), "duration", duration)),
                content -> VlmAnswers.localisation(content, plan, frames.duration()),
                cache,
                usage);
        SegmentAnnotation annotation = toAnnotation(input, plan, localisation, frames);
        return new AnnotationResult(annotation, usage);
    }

    /** A parser that may reject an answer with what to fix. */
    @FunctionalInterface
    interface Parser<T> {
        T parse(String content) throws VlmAnswers.Invalid;
    }

    private <T> T ask(
            String kind,
            List<ChatRequest.Part> shown,
            String prompt,
            Parser<T> parser,
            VlmCache cache,
            Map<String, Long> usage) {
        List<ChatRequest.Part> first = new ArrayList<>(shown);
        first.add(new ChatRequest.Text(prompt));
        List<ChatRequest.Message> messages = new ArrayList<>(List.of(ChatRequest.Message.user(first)));
        VlmAnswers.Invalid last = null;
        for (int attempt = 0; attempt <= settings.repairAttempts(); attempt++) {
            ChatRequest request = new ChatRequest(
                    settings.model(), messages, settings.temperature(), settings.maxTokens(), settings.seed());
            String key = VlmCache.key(request, prompts.version());
            ChatResponse response = cache.get(key).orElse(null);
            if (response != null) {
                usage.merge("vlm-cache-hits", 1L, Long::sum);
            } else {
                response = clients.client(settings).complete(request);
                usage.merge("vlm-requests", 1L, Long::sum);
                usage.merge("vlm-prompt-tokens", response.promptTokens(), Long::sum);
                usage.merge("vlm-completion-tokens", response.completionTokens(), Long::sum);
                usage.merge("vlm-http-attempts", (long) response.attempts(), Long::sum);
                usage.merge("vlm-images-sent", (long) frames(request), Long::sum);
                cache.put(key, attempt == 0 ? kind : kind + "-repair-" + attempt, prompts.version(), request, response);
            }
            try {
                return parser.parse(response.content());
            } catch (VlmAnswers.Invalid invalid) {
                last = invalid;
                if (attempt < settings.repairAttempts()) {
                    usage.merge("vlm-repairs", 1L, Long::sum);
                    messages.add(ChatRequest.Message.text("assistant", response.content()));
                    messages.add(ChatRequest.Message.text(
                            "user", VlmPrompts.fill(prompts.repair(), Map.of("error", invalid.getMessage()))));
                }
            }
        }
        throw new PipelineException(
                AnnotatorErrorCode.VLM_ANSWER_INVALID,
                "The " + kind + " answer is unusable after " + settings.repairAttempts() + " repair request(s): "
                        + last.getMessage());
    }

    private static int frames(ChatRequest request) {
        int images = 0;
        for (ChatRequest.Message message : request.messages()) {
            for (ChatRequest.Part part : message.parts()) {
                images += part instanceof ChatRequest.Image ? 1 : 0;
            }
        }
        return images;
    }

    /** The vocabulary's verbs as the patterns the plan prompt lists ("Place X onto/into Y"). */
    String verbPatterns() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, String> verb : vocabulary.verbs().entrySet()) {
            String pattern = verb.getValue()
                    .replace("the {object}", "X")
                    .replace("the {target}", "Y")
                    .replace("{object}", "X")
                    .replace("{target}", "Y")
                    .replace("{prep}", "onto/into")
                    .replace("{direction}", "forward/backward/left/right");
            out.append(out.length() == 0 ? "" : "\n")
                    .append("- ")
                    .append(Character.toUpperCase(pattern.charAt(0)))
                    .append(pattern.substring(1));
        }
        return out.toString();
    }

    private SegmentAnnotation toAnnotation(
            AnnotationInput input, List<String> plan, VlmAnswers.Localisation localisation, VlmFrames frames) {
        double[] timestamps = input.frames().timestamp();
        long[] frameIndex = input.frames().frameIndex();
        int from = input.firstRow();
        int to = input.endRow();
        double start = timestamps[from];
        List<SubtaskSpan> spans = new ArrayList<>();
        int completed = 0;
        for (int i = 0; i < plan.size(); i++) {
            VlmAnswers.Localised localised = localisation.subtasks().get(i);
            String verb = VlmAnswers.verb(plan.get(i));
            if (localised.start() == null) {
                spans.add(new SubtaskSpan(
                        i, plan.get(i), verb, input.segmentStart(), input.segmentStart(), SpanStatus.ABSENT));
            } else if (localised.complete() == null) {
                long first = frameAt(frameIndex, timestamps, from, to, start + localised.start());
                spans.add(new SubtaskSpan(i, plan.get(i), verb, first, input.segmentEnd(), SpanStatus.INCOMPLETE));
            } else {
                long first = frameAt(frameIndex, timestamps, from, to, start + localised.start());
                long last = frameAt(frameIndex, timestamps, from, to, start + localised.complete());
                spans.add(new SubtaskSpan(
                        i, plan.get(i), verb, first, Math.max(first + 1, last + 1), SpanStatus.COMPLETED));
                completed++;
            }
        }
        spans.sort(Comparator.comparingLong(SubtaskSpan::startFrame).thenComparingInt(SubtaskSpan::planIndex));
        String notes = localisation.overallNotes();
        TaskOutcome outcome;
        String evidence;
        if (notes.toLowerCase(Locale.ROOT).contains("not completed")
                || notes.toLowerCase(Locale.ROOT).contains("not complete")) {
            outcome = TaskOutcome.FAILURE;
            evidence = "the model says: " + notes;
        } else if (completed == plan.size()) {
            outcome = TaskOutcome.SUCCESS;
            evidence = "every planned action completed" + (notes.isBlank() ? "" : "; the model says: " + notes);
        } else {
            outcome = TaskOutcome.FAILURE;
            evidence = (plan.size() - completed) + " of " + plan.size() + " planned actions never completed"
                    + (notes.isBlank() ? "" : "; the model says: " + notes);
        }
        StringBuilder shown = new StringBuilder();
        for (byte[] image : frames.images()) {
            shown.append(Fingerprints.ofBytes(image)).append(',');
        }
        String fingerprint = Fingerprints.ofParts(
                ID,
                VERSION,
                settings.model(),
                prompts.version(),
                prompts.fingerprint(),
                vocabulary.fingerprint(),
                Double.toString(settings.temperature()),
                Integer.toString(settings.maxTokens()),
                Long.toString(settings.seed()),
                shown.toString());
        return new SegmentAnnotation(
                input.ref().dataset(),
                input.ref().episodeIndex(),
                input.segmentIndex(),
                input.segmentStart(),
                input.segmentEnd(),
                input.task(),
                plan,
                spans,
                outcome,
                evidence,
                ID,
                fingerprint,
                List.of("video", "model:" + settings.model()));
    }

    /** The first frame whose time is at or after {@code seconds} (the last frame when none is). */
    private static long frameAt(long[] frameIndex, double[] timestamps, int from, int to, double seconds) {
        for (int i = from; i < to; i++) {
            if (timestamps[i] >= seconds - 1e-6) {
                return frameIndex[i];
            }
        }
        return frameIndex[to - 1];
    }
}
