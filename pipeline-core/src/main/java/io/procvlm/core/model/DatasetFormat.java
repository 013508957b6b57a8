package io.procvlm.core.model;

import java.util.Locale;
import java.util.Optional;

/** On-disk formats the pipeline reads in place. */
public enum DatasetFormat {
    LEROBOT_V2_0("lerobot-v2.0"),
    LEROBOT_V2_1("lerobot-v2.1"),
    LEROBOT_V3_0("lerobot-v3.0"),
    /** AgiBot World's native layout: task_info JSON, per-episode mp4 videos, proprio_stats.h5. */
    AGIBOT_WORLD("agibot-world"),
    /** robomimic / LIBERO HDF5: {@code data/demo_N/obs/<camera>} image arrays, actions, states. */
    HDF5_ROBOMIMIC("hdf5-robomimic"),
    /** RLDS / Open X-Embodiment TFRecord shards of {@code tf.train.Example}s. */
    RLDS("rlds"),
    /** A folder per episode of image files plus an {@code episode.json}. */
    IMAGE_SEQUENCE("image-sequence");

    private final String id;

    DatasetFormat(String id) {
        this.id = id;
    }

    /** The name used in config, tables and manifests. */
    public String id() {
        return id;
    }

    public boolean isLeRobot() {
        return id.startsWith("lerobot");
    }

    /** Every format id, in declaration order, for messages that list them. */
    public static String knownIds() {
        StringBuilder ids = new StringBuilder();
        for (DatasetFormat format : values()) {
            ids.append(ids.length() == 0 ? "" : ", ").append(format.id);
        }
        return ids.toString();
    }

    public static Optional<DatasetFormat> fromId(String id) {
        String normalized = id.toLowerCase(Locale.ROOT);
        for (DatasetFormat format : values()) {
            if (format.id.equals(normalized)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }
}
