package io.procvlm.app;

import io.procvlm.annotators.Annotators;
import io.procvlm.annotators.spark.AnnotateStage;
import io.procvlm.core.CodeDigest;
import io.procvlm.core.CodeIdentity;
import io.procvlm.core.Versions;
import io.procvlm.core.spark.FeaturesStage;
import io.procvlm.core.spark.IndexStage;
import io.procvlm.progress.ProgressConfig;
import io.procvlm.progress.spark.LabelStage;
import io.procvlm.vqa.VqaConfig;
import io.procvlm.vqa.spark.VqaStage;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The modules of this build, their {@link CodeDigest}s, and which of them each stage runs. */
final class AppCode {
    static final String CORE = "pipeline-core";
    static final String ANNOTATORS = "annotators";
    static final String PROGRESS = "progress-budget";
    static final String VQA = "vqa-builder";
    static final String APP = "pipeline-app";

    private AppCode() {}

    /** This JVM's code: the version and every module's digest (computed once per JVM). */
    static CodeIdentity current() {
        Map<String, String> modules = new TreeMap<>();
        modules.put(CORE, CodeDigest.of(Versions.class));
        modules.put(ANNOTATORS, CodeDigest.of(Annotators.class));
        modules.put(PROGRESS, CodeDigest.of(ProgressConfig.class));
        modules.put(VQA, CodeDigest.of(VqaConfig.class));
        modules.put(APP, CodeDigest.of(PipelineRunner.class));
        return new CodeIdentity(Versions.pipeline(), modules);
    }

    /**
     * The modules whose code determines a stage's output (part of its fingerprints). The runner ({@code pipeline-app})
     * is not one: it decides what runs, not what a unit becomes.
     */
    static List<String> modulesOf(String stage) {
        return switch (stage) {
            case AnnotateStage.NAME -> List.of(ANNOTATORS, CORE);
            case LabelStage.NAME -> List.of(PROGRESS, CORE);
            case VqaStage.NAME -> List.of(VQA, CORE);
            case IndexStage.NAME, FeaturesStage.NAME -> List.of(CORE);
            default -> throw new IllegalArgumentException("Unknown stage " + stage);
        };
    }
}
