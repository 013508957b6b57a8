package io.procvlm.annotators.kinematic;

import com.fasterxml.jackson.databind.JsonNode;
import io.procvlm.core.metrics.Segment;
import io.procvlm.core.model.SegmentAnnotation;
import io.procvlm.core.model.SpanStatus;
import io.procvlm.core.model.SubtaskSpan;
import java.util.ArrayList;
import java.util.List;

/** Converts generated ground truth and annotations to segments for the metrics. */
final class GroundTruth {
    private GroundTruth() {}

    static List<Segment> truth(JsonNode episode) {
        List<Segment> segments = new ArrayList<>();
        for (JsonNode phase : episode.get("phases")) {
            segments.add(new Segment(
                    phase.get("verb").asText(),
                    phase.get("start_frame").asDouble(),
                    phase.get("end_frame").asDouble()));
        }
        return segments;
    }

    static List<Segment> predicted(SegmentAnnotation annotation) {
        List<Segment> segments = new ArrayList<>();
        for (SubtaskSpan span : annotation.spans()) {
            if (span.status() != SpanStatus.ABSENT) {
                segments.add(new Segment(span.verb(), span.startFrame(), span.endFrame()));
            }
        }
        return segments;
    }
}
