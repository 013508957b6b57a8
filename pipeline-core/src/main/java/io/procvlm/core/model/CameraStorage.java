package io.procvlm.core.model;

/** How a camera's frames are stored in a dataset. */
public enum CameraStorage {
    /** An mp4 (or other container) per episode or per shard. */
    VIDEO,
    /** Encoded images (PNG/JPEG bytes) inside the data parquet files. */
    IMAGE_IN_PARQUET
}
