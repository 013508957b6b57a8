package io.procvlm.core.error;

/** How a failure is handled: never retried, retried with backoff, or reported as a bug. */
public enum ErrorType {
    /** Bad configuration or bad input data. Never retried; the episode is quarantined with a readable reason. */
    USER_ERROR,
    /** A dependency outside the process failed (storage, VLM endpoint). Retried with backoff. */
    EXTERNAL,
    /** A bug in the pipeline. */
    INTERNAL_ERROR
}
