package io.procvlm.core.model;

/** How a camera's frames are stored in a dataset. */
public enum CameraStorage {
    /** An mp4 (or other container) per episode or per shard. */
    VIDEO,
    /** Encoded images (PNG/JPEG bytes) inside the data parquet files. */
    IMAGE_IN_PARQUET,
    /** Raw pixel arrays ({@code [T,H,W,3]} or {@code [T,H,W]} uint8) inside an HDF5 file. */
    IMAGE_ARRAY,
    /** Encoded images (PNG/JPEG bytes) inside TFRecord examples. */
    IMAGE_IN_RECORDS,
    /** One encoded image file (PNG/JPEG) per frame in a folder. */
    IMAGE_FILES;

    /** Whether the frames are images decoded one by one (anything but a video file). */
    public boolean isImages() {
        return this != VIDEO;
    }
}
