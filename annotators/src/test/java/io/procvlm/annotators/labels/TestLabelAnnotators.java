package io.procvlm.annotators.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.procvlm.annotators.AnnotationInput;
import io.procvlm.annotators.AutoAnnotator;
import io.procvlm.annotators.Vocabulary;
import io.procvlm.annotators.kinematic.KinematicAnnotator;
import io.procvlm.core.config.DatasetSpec;
import io.procvlm.core.dataset.CameraRules;
import io.procvlm.core.dataset.DatasetReaders;
import io.procvlm.core.episode.EpisodeFrames;
import io.procvlm.core.error.PipelineException;
import io.procvlm.core.model.EpisodeRef;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import io.procvlm.core.model.TaskOutcome;
import io.procvlm.core.testing.GeneratedDatasets;
import io.procvlm.core.testing.generator.ParquetFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The native and imported annotators, and the auto choice between native and kinematic. */
final class TestLabelAnnotators {
    private static final CameraRules RULES = new CameraRules(Map.of(), List.of("front"), List.of("wrist"));

    @TempDir
    Path directory;

    @Test
    void nativeLabelsInEveryShippedForm() {
        for (String source : List.of("subtask-index", "language-persistent")) {
            assertMatchesGroundTruth(
                    GeneratedDatasets.V30_NATIVE, new NativeAnnotator(source), source.replace('-', '_'));
        }
        assertMatchesGroundTruth(GeneratedDatasets.V21_NATIVE, new NativeAnnotator("auto"), "sub_task_index");
    }

    @Test
    void nativeWithoutLabelsIsQuarantinable() {
        EpisodeRef ref = refs(GeneratedDatasets.V21_AV1).get(0);
        assertThatThrownBy(() -> new NativeAnnotator("auto").annotate(AnnotationInput.wholeEpisode(ref, empty())))
                .isInstanceOf(PipelineException.class)
                .hasMessageContaining("ships no subtask labels")
                .extracting(e -> ((PipelineException) e).errorCode().name())
                .isEqualTo("NATIVE_LABELS_MISSING");
    }

    @Test
    void autoPrefersShippedLabels() {
        AutoAnnotator auto =
                new AutoAnnotator(new NativeAnnotator("auto"), new KinematicAnnotator(Vocabulary.embedded(), 0.2));
        EpisodeRef labelled = refs(GeneratedDatasets.V30_NATIVE).get(0);
        assertThat(auto.annotate(AnnotationInput.wholeEpisode(labelled, empty()))
                        .annotator())
                .isEqualTo("native");
    }

    @Test
    void importedJsonlParquetAndAgibot() throws IOException {
        EpisodeRef ref = refs(GeneratedDatasets.V21_AV1).get(1);
        Path jsonl = directory.resolve("labels.jsonl");
        Files.writeString(
                jsonl,
                String.join(
                        "\n",
                        "{\"dataset\": \"lerobot-v21-pick-place-av1\", \"episode\": 1, \"label\": \"grasp the cube\", \"start\": 10, \"end\": 40}",
                        "{\"dataset\": \"lerobot-v21-pick-place-av1\", \"episode\": 1, \"label\": \"place the cube onto the plate\","
                                + " \"start\": 40, \"end\": 90, \"status\": \"incomplete\", \"outcome\": \"failure\"}",
                        "{\"dataset\": \"other\", \"episode\": 1, \"label\": \"x\", \"start\": 0, \"end\": 1}",
                        ""));
        SegmentAnnotation fromJsonl = new ImportedLabelsAnnotator(ImportedLabels.load(jsonl, "auto", null))
                .annotate(AnnotationInput.wholeEpisode(ref, empty()));
        assertThat(fromJsonl.annotator()).isEqualTo("imported");
        assertThat(fromJsonl.plan()).containsExactly("grasp the cube", "place the cube onto the plate");
        assertThat(fromJsonl.spans())
                .containsExactly(
                        new SubtaskSpan(0, "grasp the cube", "grasp", 10, 40, SpanStatus.COMPLETED),
                        new SubtaskSpan(1, "place the cube onto the plate", "place", 40, 90, SpanStatus.INCOMPLETE));
        assertThat(fromJsonl.outcome()).isEqualTo(TaskOutcome.FAILURE);

        Path parquet = directory.resolve("labels.parquet");
        MessageType schema = ParquetFiles.schema(List.of(
                ParquetFiles.string("dataset"),
                ParquetFiles.int64("episode"),
                ParquetFiles.string("label"),
                ParquetFiles.int64("start"),
                ParquetFiles.int64("end")));
        SimpleGroupFactory factory = ParquetFiles.factory(schema);
        List<Group> rows = new ArrayList<>();
        for (long[] span : new long[][] {{10, 40}, {40, 90}}) {
            Group row = factory.newGroup();
            row.append("dataset", "lerobot-v21-pick-place-av1");
            row.append("episode", 1L);
            row.append("label", span[0] == 10 ? "grasp the cube" : "place the cube onto the plate");
            row.append("start", span[0]);
            row.append("end", span[1]);
            rows.add(row);
        }
        ParquetFiles.write(parquet, schema, rows);
        SegmentAnnotation fromParquet = new ImportedLabelsAnnotator(ImportedLabels.load(parquet, "auto", null))
                .annotate(AnnotationInput.wholeEpisode(ref, empty()));
        assertThat(fromParquet.spans()).extracting(SubtaskSpan::startFrame).containsExactly(10L, 40L);
        assertThat(fromParquet.outcome()).isEqualTo(TaskOutcome.UNKNOWN);

        Path agibot = directory.resolve("task_327.json");
        Files.writeString(
                agibot,
                "[{\"episode_id\": 1, \"task_name\": \"Pick up the cube\", \"label_info\": {"
                        + "\"action_config\": [{\"start_frame\": 0, \"end_frame\": 29, \"action_text\": \"Grasp the cube\","
                        + " \"skill\": \"Pick\"}, {\"start_frame\": 30, \"end_frame\": 79, \"action_text\": \"Place the cube"
                        + " on the plate\", \"skill\": \"Place\"}]}}]");
        SegmentAnnotation fromAgibot = new ImportedLabelsAnnotator(
                        ImportedLabels.load(agibot, "auto", "lerobot-v21-pick-place-av1"))
                .annotate(AnnotationInput.wholeEpisode(ref, empty()));
        assertThat(fromAgibot.spans())
                .containsExactly(
                        new SubtaskSpan(0, "Grasp the cube", "grasp", 0, 30, SpanStatus.COMPLETED),
                        new SubtaskSpan(1, "Place the cube on the plate", "place", 30, 80, SpanStatus.COMPLETED));

        EpisodeRef uncovered = refs(GeneratedDatasets.V21_AV1).get(0);
        assertThatThrownBy(() -> new ImportedLabelsAnnotator(ImportedLabels.load(jsonl, "auto", null))
                        .annotate(AnnotationInput.wholeEpisode(uncovered, empty())))
                .hasMessageContaining("has no spans for lerobot-v21-pick-place-av1/0")
                .extracting(e -> ((PipelineException) e).errorCode().name())
                .isEqualTo("IMPORTED_LABELS_MISSING");
    }

    @Test
    void invalidLabelFilesNameTheLine() throws IOException {
        Path bad = directory.resolve("bad.jsonl");
        Files.writeString(bad, "{\"dataset\": \"d\", \"episode\": 0, \"label\": \"a\", \"start\": 9, \"end\": 3}\n");
        assertThatThrownBy(() -> ImportedLabels.load(bad, "auto", null))
                .hasMessage("Labels file " + bad + " line 1 has an invalid span 'a' [9, 3)");
        Files.writeString(bad, "{\"dataset\": \"d\", \"label\": \"a\"}\n");
        assertThatThrownBy(() -> ImportedLabels.load(bad, "auto", null))
                .hasMessageContaining("line 1 has no 'episode'");
        Path agibot = directory.resolve("task.json");
        Files.writeString(agibot, "[]");
        assertThatThrownBy(() -> ImportedLabels.load(agibot, "auto", ""))
                .hasMessageContaining("set annotate.labels-dataset");
    }

    private void assertMatchesGroundTruth(String dataset, NativeAnnotator annotator, String source) {
        List<JsonNode> truth = GeneratedDatasets.groundTruth(GeneratedDatasets.path(dataset));
        for (EpisodeRef ref : refs(dataset)) {
            SegmentAnnotation annotation = annotator.annotate(AnnotationInput.wholeEpisode(ref, empty()));
            assertThat(annotation.annotator()).isEqualTo("native");
            assertThat(annotation.signals()).containsExactly(source);
            assertThat(annotation.outcome()).isEqualTo(TaskOutcome.UNKNOWN);
            // Persistent language entries carry only the start of each subtask: the last one persists to the end of
            // the episode, where per-frame indices mark the idle tail as unlabelled.
            boolean persistent = source.equals("language_persistent");
            JsonNode episode = truth.get((int) ref.episodeIndex());
            JsonNode phases = episode.get("phases");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < phases.size(); i++) {
                JsonNode phase = phases.get(i);
                long end = persistent && i == phases.size() - 1
                        ? episode.get("frames").asLong()
                        : phase.get("end_frame").asLong();
                expected.add(phase.get("label").asText() + " ["
                        + phase.get("start_frame").asLong() + ", " + end + ")");
            }
            List<String> actual = annotation.spans().stream()
                    .map(span -> span.label() + " [" + span.startFrame() + ", " + span.endFrame() + ")")
                    .toList();
            assertThat(actual).as("%s %s", ref.key(), source).isEqualTo(expected);
        }
    }

    private static List<EpisodeRef> refs(String dataset) {
        return DatasetReaders.scan(
                        DatasetSpec.ofPath(GeneratedDatasets.path(dataset).toString()), RULES)
                .episodes();
    }

    private static EpisodeFrames empty() {
        return new EpisodeFrames(
                new long[] {0, 1},
                new double[2],
                new double[2],
                new double[2],
                new double[2],
                new double[2],
                new double[2],
                null,
                new float[2][]);
    }
}
