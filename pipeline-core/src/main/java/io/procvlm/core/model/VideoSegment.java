package io.procvlm.core.model;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * Where an episode's frames lie in a video file.
 *
 * @param path the file, relative to the dataset root
 * @param fromTimestamp seconds into the file where the episode starts (0 for one file per episode)
 * @param toTimestamp seconds into the file where the episode ends (exclusive), or {@code NaN} for "end of file"
 * @param declaredCodec the codec named in the dataset metadata, or {@code null}
 * @param declaredWidth width named in the metadata, or 0
 * @param declaredHeight height named in the metadata, or 0
 */
public record VideoSegment(
        String path,
        double fromTimestamp,
        double toTimestamp,
        String declaredCodec,
        int declaredWidth,
        int declaredHeight)
        implements Serializable {
    public VideoSegment {
        requireNonNull(path, "path is null");
        if (!(fromTimestamp >= 0)) {
            throw new IllegalArgumentException("Invalid fromTimestamp: " + fromTimestamp);
        }
        if (!Double.isNaN(toTimestamp) && toTimestamp < fromTimestamp) {
            throw new IllegalArgumentException(
                    "toTimestamp " + toTimestamp + " is before fromTimestamp " + fromTimestamp);
        }
    }

    public boolean isBounded() {
        return !Double.isNaN(toTimestamp);
    }
}
