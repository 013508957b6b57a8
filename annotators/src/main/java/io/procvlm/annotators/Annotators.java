package io.procvlm.annotators;

import static io.procvlm.core.error.CoreErrorCode.CONFIG_INVALID_VALUE;
import static io.procvlm.core.error.CoreErrorCode.CONFIG_MISSING_VALUE;

import io.procvlm.annotators.kinematic.KinematicAnnotator;
import io.procvlm.annotators.labels.ImportedLabels;
import io.procvlm.annotators.labels.ImportedLabelsAnnotator;
import io.procvlm.annotators.labels.NativeAnnotator;
import io.procvlm.annotators.torch.TorchPhaseAnnotator;
import io.procvlm.annotators.torch.TorchSettings;
import io.procvlm.annotators.vlm.VlmAnnotator;
import io.procvlm.annotators.vlm.VlmClients;
import io.procvlm.annotators.vlm.VlmConfig;
import io.procvlm.annotators.vlm.VlmPrompts;
import io.procvlm.annotators.vlm.VlmSettings;
import io.procvlm.core.config.Config;
import io.procvlm.core.error.PipelineException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds the configured annotator (on the driver: files it needs, such as imported labels, are read here once). */
public final class Annotators {
    private Annotators() {}

    public static SubtaskAnnotator create(Config config) {
        String choice = config.string(AnnotatorConfig.ANNOTATOR);
        return switch (choice) {
            case "kinematic" -> kinematic(config);
            case "native" -> new NativeAnnotator(config.string(AnnotatorConfig.NATIVE_SOURCE));
            case "imported" -> imported(config);
            case "vlm" -> vlm(config);
            case "torchscript" -> torchscript(config);
            default ->
                new AutoAnnotator(new NativeAnnotator(config.string(AnnotatorConfig.NATIVE_SOURCE)), kinematic(config));
        };
    }

    /** The VLM annotator; its settings and prompts are checked here, before anything runs. */
    static VlmAnnotator vlm(Config config) {
        VlmSettings settings = VlmConfig.settings(config);
        return new VlmAnnotator(
                settings,
                vocabulary(config),
                VlmPrompts.load(settings.prompts()),
                config.doubleValue(io.procvlm.core.config.CoreConfig.VIDEO_TIMESTAMP_TOLERANCE),
                VlmClients::shared);
    }

    /** The in-process TorchScript annotator; the model is loaded here once, so a bad model fails before any task. */
    static TorchPhaseAnnotator torchscript(Config config) {
        return new TorchPhaseAnnotator(
                TorchSettings.of(config),
                vocabulary(config),
                config.doubleValue(AnnotatorConfig.MIN_SUBTASK_SECONDS),
                config.doubleValue(io.procvlm.core.config.CoreConfig.VIDEO_TIMESTAMP_TOLERANCE));
    }

    static KinematicAnnotator kinematic(Config config) {
        return new KinematicAnnotator(vocabulary(config), config.doubleValue(AnnotatorConfig.MIN_SUBTASK_SECONDS));
    }

    public static Vocabulary vocabulary(Config config) {
        String path = config.string(AnnotatorConfig.VOCABULARY);
        if (path.equals("embedded")) {
            return Vocabulary.embedded();
        }
        Path file = Path.of(path);
        if (!Files.isRegularFile(file)) {
            throw new PipelineException(
                    CONFIG_INVALID_VALUE,
                    "Invalid value '" + path + "' for configuration key '" + AnnotatorConfig.VOCABULARY
                            + "': no such file");
        }
        return Vocabulary.load(file);
    }

    private static ImportedLabelsAnnotator imported(Config config) {
        String path = config.string(AnnotatorConfig.LABELS_FILE);
        if (path.isBlank()) {
            throw new PipelineException(
                    CONFIG_MISSING_VALUE,
                    "annotate.annotator=imported needs annotate.labels-file (JSONL, Parquet or AgiBot JSON)");
        }
        Path file = Path.of(path);
        if (!Files.isRegularFile(file)) {
            throw new PipelineException(
                    CONFIG_INVALID_VALUE,
                    "Invalid value '" + path + "' for configuration key '" + AnnotatorConfig.LABELS_FILE
                            + "': no such file");
        }
        return new ImportedLabelsAnnotator(ImportedLabels.load(
                file, config.string(AnnotatorConfig.LABELS_FORMAT), config.string(AnnotatorConfig.LABELS_DATASET)));
    }
}
