package io.procvlm.core.dataset.lerobot;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.List;

/**
 * One entry of {@code features} in {@code meta/info.json}.
 *
 * @param key the feature key, e.g. {@code observation.state}
 * @param dtype {@code float32}, {@code int64}, {@code video}, {@code image}, ...
 * @param shape the declared shape
 * @param names the dimension names, flattened (LeRobot writes both {@code [..]} and {@code [[..]]}); may be empty
 * @param videoCodec for video features, {@code info.video.codec}, or {@code null}
 * @param height the declared frame height for video and image features, or 0
 * @param width the declared frame width for video and image features, or 0
 */
public record LeRobotFeature(
        String key, String dtype, List<Integer> shape, List<String> names, String videoCodec, int height, int width)
        implements Serializable {
    public LeRobotFeature {
        requireNonNull(key, "key is null");
        requireNonNull(dtype, "dtype is null");
        shape = List.copyOf(requireNonNull(shape, "shape is null"));
        names = List.copyOf(requireNonNull(names, "names is null"));
    }

    public boolean isVideo() {
        return dtype.equals("video");
    }

    public boolean isImage() {
        return dtype.equals("image");
    }

    public boolean isCamera() {
        return isVideo() || isImage();
    }

    /** Number of values per frame for vector features (1 for scalars). */
    public int dimension() {
        int product = 1;
        for (int size : shape) {
            product *= size;
        }
        return product;
    }
}
