package io.procvlm.vqa.eval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.procvlm.core.metrics.Segment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Segmentation answers: a JSON list of {@code {"action_description", "start_frame", "end_frame"}} objects whose frames
 * are sampled-frame ordinals with an <em>inclusive</em> end.
 *
 * <p>As in the reference, each object's frames are all of its numeric values, start = min and end = max, so swapped or
 * renamed frame keys still work; the label is {@code action_description} when it is a string, otherwise "". The
 * inclusive end is converted to {@link Segment}'s exclusive end ({@code max + 1}), so two adjacent segments share one
 * boundary. Apply the same parser to the ground truth and to the prediction.
 *
 * <p>Tolerance: the first JSON array of objects anywhere in the text is used (models wrap answers in {@code ```json}
 * fences or add prose), trailing commas and single quotes are accepted, and anything after the array is ignored. An
 * empty array is a valid answer with no segments. The answer is unparsable when no such array exists, or when an
 * element is not an object or has no numeric value.
 */
public final class SegmentationAnswers {
    /** The key holding a segment's label. */
    public static final String LABEL_KEY = "action_description";

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
            .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
            .build();

    private SegmentationAnswers() {}

    /** The segments the answer lists, or empty when it lists none in a readable form (see the class comment). */
    public static Optional<List<Segment>> parse(String answer) {
        requireNonNull(answer, "answer is null");
        for (int start = answer.indexOf('['); start >= 0; start = answer.indexOf('[', start + 1)) {
            Optional<List<Segment>> segments = readArray(answer.substring(start));
            if (segments.isPresent()) {
                return segments;
            }
        }
        return Optional.empty();
    }

    private static Optional<List<Segment>> readArray(String text) {
        JsonNode array;
        try (JsonParser parser = JSON.createParser(text)) {
            array = JSON.readTree(parser);
        } catch (IOException e) {
            // not a JSON value at this bracket: the caller tries the next one
            return Optional.empty();
        }
        if (array == null || !array.isArray()) {
            return Optional.empty();
        }
        List<Segment> segments = new ArrayList<>();
        for (JsonNode element : array) {
            if (!element.isObject()) {
                return Optional.empty();
            }
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (Iterator<JsonNode> values = element.elements(); values.hasNext(); ) {
                JsonNode value = values.next();
                if (value.isNumber() && Double.isFinite(value.doubleValue())) {
                    min = Math.min(min, value.doubleValue());
                    max = Math.max(max, value.doubleValue());
                }
            }
            if (min > max) {
                return Optional.empty();
            }
            JsonNode label = element.get(LABEL_KEY);
            segments.add(new Segment(label != null && label.isTextual() ? label.asText() : "", min, max + 1));
        }
        return Optional.of(List.copyOf(segments));
    }
}
