package io.procvlm.core.error;

import static io.procvlm.core.error.ErrorType.EXTERNAL;
import static io.procvlm.core.error.ErrorType.INTERNAL_ERROR;
import static io.procvlm.core.error.ErrorType.USER_ERROR;

/**
 * Error codes of {@code pipeline-core}. The names are stable: manifests, the {@code episodes/} table and tests refer to
 * them. Episode-level codes double as quarantine reasons.
 */
public enum CoreErrorCode implements ErrorCodeSupplier {
    // configuration and command line
    CONFIG_UNKNOWN_KEY(1, USER_ERROR),
    CONFIG_INVALID_VALUE(2, USER_ERROR),
    CONFIG_UNREADABLE(3, USER_ERROR),
    CONFIG_MISSING_VALUE(4, USER_ERROR),
    /** A dataset catalog entry is invalid (names the file, the key and the value). */
    CONFIG_CATALOG_INVALID(5, USER_ERROR),
    /** A dataset id asked for is not in the catalog. */
    CONFIG_UNKNOWN_DATASET(6, USER_ERROR),

    // dataset level
    DATASET_NOT_FOUND(20, USER_ERROR),
    DATASET_FORMAT_UNKNOWN(21, USER_ERROR),
    DATASET_METADATA_INVALID(22, USER_ERROR),
    UNSUPPORTED_CODEBASE_VERSION(23, USER_ERROR),
    NO_CAMERA(24, USER_ERROR),
    CAMERA_NOT_FOUND(25, USER_ERROR),
    /**
     * Warning: a path template uses the other LeRobot version's variable name ({@code chunk_index} in a v2.x
     * {@code data_path}/{@code video_path}, {@code episode_chunk} for a v3.0 file's chunk); read as the intended one.
     */
    PATH_TEMPLATE_VARIABLE_ALIAS(26, USER_ERROR),

    // stage level
    /**
     * A re-run in which no unit of a stage succeeded while the stage's committed table holds units that did: the
     * committed table, its ledger and the manifest's stage entry are kept as they were (docs/resume.md).
     */
    STAGE_NO_USABLE_UNIT(30, USER_ERROR),

    // episode level: these become quarantine reasons (or warnings)
    MISSING_VIDEO(40, USER_ERROR),
    VIDEO_PATH_TEMPLATE_MISMATCH(41, USER_ERROR),
    DATA_FILE_MISSING(42, USER_ERROR),
    DATA_FILE_UNREADABLE(43, USER_ERROR),
    EPISODE_ROWS_MISSING(44, USER_ERROR),
    FRAME_COUNT_MISMATCH(45, USER_ERROR),
    TIMESTAMP_DRIFT(46, USER_ERROR),
    TIMESTAMPS_NOT_MONOTONIC(47, USER_ERROR),
    FRAME_INDEX_INVALID(48, USER_ERROR),
    CODEC_MISMATCH(49, USER_ERROR),
    VIDEO_UNREADABLE(50, USER_ERROR),
    VIDEO_DECODE_FAILED(51, USER_ERROR),
    IMAGE_UNDECODABLE(52, USER_ERROR),
    EPISODE_TOO_SHORT(53, USER_ERROR),
    EPISODE_LENGTH_MISMATCH(54, USER_ERROR),
    VIDEO_SIZE_MISMATCH(55, USER_ERROR),
    /** State and action series of one episode have different lengths (AgiBot World's "action longer than state"). */
    STATE_ACTION_LENGTH_MISMATCH(56, USER_ERROR),
    /** A TFRecord's masked CRC32C of its length or data does not match. */
    RECORD_CHECKSUM_MISMATCH(57, USER_ERROR),
    /** A record cannot be parsed or lacks what the format requires (protobuf, RLDS step features). */
    RECORD_INVALID(58, USER_ERROR),
    /** An image file an episode lists or implies is missing. */
    IMAGE_FILE_MISSING(59, USER_ERROR),
    /** A task index of the episode's rows has no text in the dataset's task table (task segments need it). */
    TASK_INDEX_UNKNOWN(70, USER_ERROR),
    /** A state or action value of the episode's rows is NaN or infinite. */
    STATE_NOT_FINITE(71, USER_ERROR),
    /** The episode declares a task whose text is empty or blank. */
    TASK_TEXT_EMPTY(72, USER_ERROR),
    /** A folder the episode's files are listed from holds a symbolic link back to a folder above it. */
    SYMLINK_LOOP(73, USER_ERROR),
    /**
     * Warning: the episode's video range ends at its last frame's timestamp ({@code to_timestamp} inclusive, one frame
     * short of LeRobot's exclusive end); the range is read one frame period further so every row gets its frame.
     */
    VIDEO_RANGE_INCLUSIVE(74, USER_ERROR),
    /** Warning: an RLDS episode stored as one record whose last step is not {@code is_last} (a truncated episode). */
    EPISODE_NOT_TERMINATED(75, USER_ERROR),
    /**
     * {@code video.av1-decoder=dav1d}: no usable libdav1d on this host (Debian {@code libdav1d6}, API 6; an error);
     * with {@code auto} (the default) a warning, logged once per JVM, and AV1 is decoded with JavaCV's libaom instead.
     */
    DAV1D_UNAVAILABLE(76, USER_ERROR),

    // outside the process
    STORAGE_IO(100, EXTERNAL),

    // bugs
    INTERNAL(200, INTERNAL_ERROR);

    private final ErrorCode errorCode;

    CoreErrorCode(int code, ErrorType type) {
        errorCode = new ErrorCode(code + 0x0001_0000, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
