package io.procvlm.annotators;

import static io.procvlm.core.config.ConfigProperty.doubleValue;
import static io.procvlm.core.config.ConfigProperty.enumValue;
import static io.procvlm.core.config.ConfigProperty.string;

import io.procvlm.core.config.Config;
import io.procvlm.core.config.ConfigProperty;
import java.util.List;

/** Configuration keys of the {@code annotate} stage. */
public final class AnnotatorConfig {
    public static final String ANNOTATOR = "annotate.annotator";
    public static final String VOCABULARY = "annotate.vocabulary";
    public static final String MIN_SUBTASK_SECONDS = "annotate.min-subtask-seconds";
    public static final String NATIVE_SOURCE = "annotate.native-source";
    public static final String LABELS_FILE = "annotate.labels-file";
    public static final String LABELS_FORMAT = "annotate.labels-format";
    public static final String LABELS_DATASET = "annotate.labels-dataset";

    private AnnotatorConfig() {}

    public static List<ConfigProperty> properties() {
        return List.of(
                enumValue(
                        ANNOTATOR,
                        "auto",
                        List.of("auto", "kinematic", "native", "imported", "vlm", "torchscript"),
                        "Subtask annotator: kinematic (no model, no GPU), native (labels shipped with the dataset),"
                                + " imported (annotate.labels-file), vlm (a vision-language model behind"
                                + " annotate.vlm.endpoints), torchscript (a local TorchScript model run in process"
                                + " through DJL, annotate.torchscript.model-dir), or auto = native where a dataset ships labels,"
                                + " kinematic elsewhere"),
                string(
                        VOCABULARY,
                        "embedded",
                        "Verb vocabulary and task-to-plan rules: 'embedded' (the same as conf/vocabulary.yaml) or a"
                                + " YAML file"),
                doubleValue(
                        MIN_SUBTASK_SECONDS,
                        0.2,
                        0.0,
                        60.0,
                        "Kinematic and torchscript annotators: segments shorter than this are merged into their neighbours"),
                enumValue(
                        NATIVE_SOURCE,
                        "auto",
                        List.of(
                                "auto",
                                "subtask-index",
                                "sub-task-index",
                                "language-persistent",
                                "action-config",
                                "episode-json"),
                        "Native annotator: which shipped labels to read (auto = the first present in that order;"
                                + " action-config is AgiBot World's, episode-json the image sequences')"),
                string(
                        LABELS_FILE,
                        "",
                        "Imported annotator: JSONL or Parquet of dataset, episode, label, start, end (optional status,"
                                + " outcome), or an AgiBot World task_info JSON"),
                enumValue(
                        LABELS_FORMAT,
                        "auto",
                        List.of("auto", "jsonl", "parquet", "agibot"),
                        "Format of annotate.labels-file (auto: by extension, .json = AgiBot)"),
                string(
                        LABELS_DATASET,
                        "",
                        "Imported annotator, AgiBot format: the dataset id the file's episodes belong to"));
    }

    public static String annotator(Config config) {
        return config.string(ANNOTATOR);
    }
}
