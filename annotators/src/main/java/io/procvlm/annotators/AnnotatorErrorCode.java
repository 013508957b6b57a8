package io.procvlm.annotators;

import static io.procvlm.core.error.ErrorType.USER_ERROR;

import io.procvlm.core.error.ErrorCode;
import io.procvlm.core.error.ErrorCodeSupplier;
import io.procvlm.core.error.ErrorType;

/** Error codes of the annotators module (range {@code 0x0002_0000}). */
public enum AnnotatorErrorCode implements ErrorCodeSupplier {
    /** The episode has no frames to annotate. */
    NO_FRAMES(1, USER_ERROR),
    /** The dataset ships no subtask labels for this episode (native annotator). */
    NATIVE_LABELS_MISSING(2, USER_ERROR),
    /** The dataset's subtask labels cannot be read or are inconsistent. */
    NATIVE_LABELS_INVALID(3, USER_ERROR),
    /** The imported labels file has no entry for this episode. */
    IMPORTED_LABELS_MISSING(4, USER_ERROR),
    /** The imported labels file cannot be read or holds invalid spans. */
    IMPORTED_LABELS_INVALID(5, USER_ERROR);

    private final ErrorCode errorCode;

    AnnotatorErrorCode(int code, ErrorType type) {
        errorCode = new ErrorCode(code + 0x0002_0000, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
