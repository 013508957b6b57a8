package io.procvlm.core.dataset.rlds;

import io.procvlm.core.dataset.rlds.TfExample.Feature;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How RLDS step features are named inside an Example: tfds writes one Example per episode with the steps flattened
 * under {@code steps/} (each feature holds one value per step, vectors concatenated); step-per-Example writers use the
 * same names with or without the {@code steps/} prefix, one value per record, and mark episode ends with {@code
 * is_last}.
 */
final class RldsSteps {
    static final List<String> LANGUAGE_KEYS = List.of(
            "language_instruction", "observation/natural_language_instruction", "observation/language_instruction");

    private RldsSteps() {}

    static String prefix(TfExample example) {
        for (String key : example.features().keySet()) {
            if (key.startsWith("steps/")) {
                return "steps/";
            }
        }
        return "";
    }

    /** The number of steps in the Example. */
    static int stepCount(TfExample example, String prefix, String camera) {
        for (String key : List.of("is_first", "is_last")) {
            Feature feature = example.get(prefix + key);
            if (feature != null) {
                return feature.size();
            }
        }
        Feature images = camera == null ? null : example.get(prefix + "observation/" + camera);
        return images == null ? 0 : images.size();
    }

    /** Whether the Example's first step starts an episode ({@code is_first} of its first step is set). */
    static boolean startsEpisode(TfExample example, String prefix) {
        Feature first = example.get(prefix + "is_first");
        return first != null && first.ints() != null && first.ints().length > 0 && first.ints()[0] != 0;
    }

    /**
     * Whether the Example holds a whole episode by itself (tfds' layout, when no features.json says so): several
     * steps under {@code steps/}, the first of them {@code is_first} (or no {@code is_first} at all).
     */
    static boolean holdsEpisode(TfExample example, String prefix, int steps) {
        if (!prefix.equals("steps/") || steps < 2) {
            return false;
        }
        Feature first = example.get(prefix + "is_first");
        return first == null || first.ints() == null || startsEpisode(example, prefix);
    }

    /** Whether the Example's last step ends the episode: its {@code is_last}, or true when there is no {@code is_last}. */
    static boolean endsEpisode(TfExample example, String prefix) {
        Feature last = example.get(prefix + "is_last");
        if (last == null || last.ints() == null || last.ints().length == 0) {
            return true;
        }
        return last.ints()[last.ints().length - 1] != 0;
    }

    /** The first non-empty language instruction, or an empty string. */
    static String instruction(TfExample example, String prefix) {
        List<String> keys = new ArrayList<>();
        LANGUAGE_KEYS.forEach(k -> keys.add(prefix + k));
        keys.add("episode_metadata/language_instruction");
        for (String key : keys) {
            Feature feature = example.get(key);
            if (feature != null && feature.bytes() != null) {
                for (byte[] value : feature.bytes()) {
                    String text = new String(value, StandardCharsets.UTF_8).strip();
                    if (!text.isEmpty()) {
                        return text;
                    }
                }
            }
        }
        return "";
    }

    /** The camera names: {@code observation/<name>} bytes features whose first value is a PNG or JPEG. */
    static List<String> cameras(TfExample example, String prefix) {
        List<String> cameras = new ArrayList<>();
        String observation = prefix + "observation/";
        for (var entry : example.features().entrySet()) {
            String key = entry.getKey();
            Feature feature = entry.getValue();
            if (key.startsWith(observation)
                    && feature.bytes() != null
                    && !feature.bytes().isEmpty()
                    && isImage(feature.bytes().get(0))) {
                cameras.add(key.substring(observation.length()));
            }
        }
        cameras.sort(null);
        return cameras;
    }

    static boolean isImage(byte[] bytes) {
        boolean png = bytes.length > 4 && (bytes[0] & 0xff) == 0x89 && bytes[1] == 'P' && bytes[2] == 'N';
        boolean jpeg = bytes.length > 3 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xd8;
        return png || jpeg;
    }
}
