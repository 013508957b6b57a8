package io.procvlm.annotators;

import static io.procvlm.core.error.ErrorType.EXTERNAL;
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
    IMPORTED_LABELS_INVALID(5, USER_ERROR),
    /**
     * No VLM endpoint answered: retries exhausted on timeouts, connection errors, 429 or 5xx, or every endpoint's
     * circuit is open.
     */
    VLM_UNAVAILABLE(6, EXTERNAL),
    /** A VLM endpoint refused the request (4xx other than 429: bad request, authentication, unknown model). */
    VLM_REQUEST_REJECTED(7, USER_ERROR),
    /** The VLM's answer could not be parsed or validated, even after the allowed repair requests. */
    VLM_ANSWER_INVALID(8, EXTERNAL),
    /** The VLM response cache cannot be read or written. */
    VLM_CACHE_IO(9, EXTERNAL),
    /** The in-process TorchScript model could not be loaded (missing or unreadable files, wrong engine). */
    TORCH_MODEL_INVALID(10, USER_ERROR),
    /** The TorchScript model failed on an episode's frames or returned scores of the wrong shape. */
    TORCH_INFERENCE_FAILED(11, EXTERNAL),
    /** A gold-label source for {@code eval-labels} cannot be read, is malformed or names an unknown format. */
    GOLD_LABELS_INVALID(12, USER_ERROR);

    private final ErrorCode errorCode;

    AnnotatorErrorCode(int code, ErrorType type) {
        errorCode = new ErrorCode(code + 0x0002_0000, name(), type);
    }

    @Override
    public ErrorCode toErrorCode() {
        return errorCode;
    }
}
