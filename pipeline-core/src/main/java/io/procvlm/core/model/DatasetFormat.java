package io.procvlm.core.model;

import java.util.Locale;
import java.util.Optional;

/** On-disk formats the pipeline reads in place. */
public enum DatasetFormat {
    LEROBOT_V2_0("lerobot-v2.0"),
    LEROBOT_V2_1("lerobot-v2.1"),
    LEROBOT_V3_0("lerobot-v3.0");

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
