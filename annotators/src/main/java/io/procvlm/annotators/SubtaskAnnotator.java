package io.procvlm.annotators;

import io.procvlm.core.model.SegmentAnnotation;
import java.io.Serializable;

/**
 * Finds the subtasks of a task segment: the plan (ordered atomic actions from the closed verb vocabulary), where each
 * planned subtask happened (completed, incomplete or absent), and the outcome with its evidence.
 *
 * <p>Implementations are stateless and serializable: Spark ships one to every task. A segment that cannot be
 * annotated is reported with a {@link io.procvlm.core.error.PipelineException} carrying a user error code; the stage
 * quarantines that episode and goes on.
 */
public interface SubtaskAnnotator extends Serializable {
    /** The id recorded in outputs: {@code kinematic}, {@code native}, {@code imported}, ... */
    String id();

    SegmentAnnotation annotate(AnnotationInput input);

    /**
     * {@link #annotate} and what it cost: requests sent, cache hits, tokens, ... ({@code usage} counters add up into
     * the stage's manifest counters). Annotators that call no service report nothing.
     */
    default AnnotationResult annotateWithUsage(AnnotationInput input) {
        return new AnnotationResult(annotate(input), java.util.Map.of());
    }

    /**
     * How many episodes one Spark task should annotate at once: 1 for CPU-bound annotators; more for annotators that
     * mostly wait on a remote service, so that requests in flight reach the service's configured concurrency.
     */
    default int parallelism() {
        return 1;
    }
}
